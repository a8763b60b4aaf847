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


def test_digest_email_carries_the_weeks_chart_inline_with_its_numbers(django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    SignatureFactory.create_batch(4, campaign=campaign, confirmed_at=_in_week(days=2))  # Wednesday
    SignatureFactory(campaign=campaign, confirmed_at=_in_week(days=6))  # Sunday
    with django_capture_on_commit_callbacks(execute=True):
        assert organizer_weekly_digest_send(week_start=MONDAY) == 1
    [email] = [m for m in mail.outbox if campaign.organizer.email in m.to]
    message = email.message()
    assert message.get_content_type() == "multipart/related"
    [image] = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert image["Content-ID"] == "<insights-week-chart>"
    assert image.get_content_disposition() == "inline"
    png = image.get_payload(decode=True)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 500
    html = email.alternatives[0][0]
    assert 'src="cid:insights-week-chart"' in html
    assert "Signatures: 0, 0, 4, 0, 0, 0, 1" in html  # the alt text: the numbers of each day
    assert "Signatures: 0, 0, 4, 0, 0, 0, 1" in email.body  # and the same numbers in the text part
    assert "5 new signatures" in email.body


def test_a_malformed_inline_image_is_left_out_not_an_error():
    from causeweb.notifications.delivery import inline_images

    assert inline_images({"inline_images": [{"cid": "x", "mimetype": "image/png", "content_b64": "%%%"}]}) == []
    assert inline_images({"inline_images": [{"cid": "a b", "mimetype": "image/png", "content_b64": "AAAA"}]}) == []
    assert inline_images({"inline_images": "nope"}) == [] and inline_images(None) == []
    assert (
        inline_images({"inline_images": [{"cid": "ok", "mimetype": "image/png", "content_b64": "AAAA"}]})[0]["content"]
        == b"\x00\x00\x00"
    )
