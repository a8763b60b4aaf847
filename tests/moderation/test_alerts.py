"""Moderator alerts (causeweb/moderation/alerts.py): one batched alert per moderator when items
wait longer than MODERATION_ALERT_AFTER, never one per flag, and never twice for the same items."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.utils import timezone

from campaigns.models import Campaign
from causeweb.moderation import alerts, tasks
from causeweb.moderation.models import Flag
from causeweb.moderation.roles import FINANCE, MODERATOR
from causeweb.notifications.models import Notification
from tests.factories import CampaignFactory, UserFactory, staff_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _wait(settings):
    settings.MODERATION_ALERT_AFTER = timedelta(hours=1)
    settings.MODERATION_AUTO_HIDE_FLAGS = 0


def flag(target, *, age=timedelta(hours=2), reporter=None):
    created = Flag.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        reporter=reporter or UserFactory(),
        reason="spam",
    )
    Flag.objects.filter(pk=created.pk).update(created_at=timezone.now() - age)
    return created


@pytest.fixture
def moderators():
    return [staff_with_role(MODERATOR), staff_with_role(MODERATOR)]


def alerts_for(user):
    return Notification.objects.filter(recipient=user, kind="moderation_alert")


def test_ten_flags_make_one_alert_per_moderator(moderators, django_capture_on_commit_callbacks):
    campaigns = [CampaignFactory() for _ in range(5)]
    for campaign in campaigns:
        flag(campaign)
        flag(campaign)  # 10 flags on 5 items
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.moderation_alert_waiting() == 5
    for moderator in moderators:
        notice = alerts_for(moderator).get()
        assert notice.title == "5 reported items waiting for a moderator"
        assert notice.url == "/admin/moderation/flag/queue/"
    assert len([m for m in mail.outbox if "waiting for a moderator" in m.subject]) == 2  # one email each


def test_the_same_items_do_not_alert_again(moderators):
    campaign = CampaignFactory()
    flag(campaign)
    assert alerts.moderation_alert_waiting() == 1
    assert alerts.moderation_alert_waiting() == 0
    flag(campaign)  # a new report on an item already alerted: still one alert
    assert alerts.moderation_alert_waiting() == 0
    assert alerts_for(moderators[0]).count() == 1


def test_a_new_waiting_item_gets_its_own_alert(moderators):
    flag(CampaignFactory())
    alerts.moderation_alert_waiting()
    flag(CampaignFactory())
    assert alerts.moderation_alert_waiting() == 1
    titles = list(alerts_for(moderators[0]).values_list("title", flat=True))
    assert sorted(titles) == ["1 reported item waiting for a moderator"] * 2


def test_items_younger_than_the_setting_or_resolved_do_not_alert(moderators):
    flag(CampaignFactory(), age=timedelta(minutes=10))
    resolved = flag(CampaignFactory())
    Flag.objects.filter(pk=resolved.pk).update(status=Flag.Status.DISMISSED)
    assert alerts.moderation_alert_waiting() == 0
    assert not Notification.objects.filter(kind="moderation_alert").exists()


def test_only_site_moderators_are_alerted(moderators):
    finance = staff_with_role(FINANCE)
    plain = UserFactory()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    flag(CampaignFactory())
    alerts.moderation_alert_waiting()
    assert not alerts_for(finance).exists() and not alerts_for(plain).exists()
    assert alerts_for(superuser).count() == 1


def test_the_beat_task_is_scheduled_and_calls_the_service(moderators):
    assert tasks.BEAT_SCHEDULE["moderation-alert-waiting-items"]["task"] == tasks.alert_waiting_items.name
    flag(CampaignFactory())
    assert tasks.alert_waiting_items.apply().get() == 1
    assert tasks.alert_waiting_items.apply().get() == 0
    assert Campaign.objects.count() == 1
