"""The organizers' weekly digest: numbers of the week, once per (campaign, week), opt-out honoured."""

from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import Notification, NotificationPreference
from insights.models import CampaignDailyViews
from insights.services import organizer_weekly_digest_send
from insights.tasks import BEAT_SCHEDULE, send_weekly_digests
from tests.campaigns.factories import SignatureFactory
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 11, 23)


def _in_week(days=2):
    zone = timezone.get_current_timezone()
    return datetime.combine(MONDAY + timedelta(days=days), datetime.min.time(), tzinfo=zone) + timedelta(hours=10)


def test_digest_tells_the_organizer_the_weeks_numbers_once(django_capture_on_commit_callbacks):
    campaign, quiet = CampaignFactory(), CampaignFactory()
    CampaignDailyViews.objects.create(campaign=campaign, day=MONDAY, views=30)
    CampaignDailyViews.objects.create(campaign=campaign, day=MONDAY - timedelta(days=1), views=99)  # last week
    SignatureFactory.create_batch(4, campaign=campaign, confirmed_at=_in_week())
    with django_capture_on_commit_callbacks(execute=True):
        assert organizer_weekly_digest_send(week_start=MONDAY) == 1
    notification = Notification.objects.get(kind=Kind.ORGANIZER_WEEKLY)
    assert notification.recipient == campaign.organizer
    assert notification.context["title"].endswith("4 signatures")
    assert "30 page views" in notification.context["body"]
    assert "start=2026-11-23&end=2026-11-29" in notification.context["url"]
    assert not Notification.objects.filter(recipient=quiet.organizer).exists()  # nothing happened there
    with django_capture_on_commit_callbacks(execute=True):
        assert organizer_weekly_digest_send(week_start=MONDAY) == 0  # idempotent per campaign and week
    assert Notification.objects.filter(kind=Kind.ORGANIZER_WEEKLY).count() == 1
    assert len([m for m in mail.outbox if campaign.organizer.email in m.to]) == 1


def test_an_organizer_who_opted_out_gets_no_email(django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    NotificationPreference.objects.create(user=campaign.organizer, kind=Kind.ORGANIZER_WEEKLY, email_enabled=False)
    SignatureFactory(campaign=campaign, confirmed_at=_in_week())
    with django_capture_on_commit_callbacks(execute=True):
        organizer_weekly_digest_send(week_start=MONDAY)
    assert Notification.objects.get(kind=Kind.ORGANIZER_WEEKLY).email_status == Notification.EmailStatus.SKIPPED
    assert not [m for m in mail.outbox if campaign.organizer.email in m.to]


def test_the_beat_task_sends_last_weeks_digest():
    campaign = CampaignFactory()
    today = timezone.localdate()
    last_monday = today - timedelta(days=today.weekday() + 7)
    CampaignDailyViews.objects.create(campaign=campaign, day=last_monday + timedelta(days=3), views=5)
    assert send_weekly_digests() == 1
    assert "insights-weekly-digests" in BEAT_SCHEDULE
