"""Side effects that must not be lost when the broker is down at commit time go through the
transactional outbox (causeweb/core/outbox.py): petition delivery, ending a suspended person's
sessions, partner webhooks. Each: the request's transaction commits with an `OutboxMessage` row,
the publish fails fast, the relay while the broker is still down publishes nothing, and once it is
back the relay publishes it once and the side effect happens once. Plus the relay's backoff."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from campaigns.models import WebhookDelivery
from campaigns.services import webhooks
from campaigns.services.delivery import decision_maker_add, petition_deliver
from campaigns.services.signatures import signature_create
from causeweb.celery import app
from causeweb.core import outbox
from causeweb.core.models import OutboxMessage
from causeweb.core.tasks import outbox_relay
from causeweb.moderation import services as moderation
from causeweb.moderation.roles import MODERATOR
from tests.campaigns.factories import CampaignFactory
from tests.campaigns.test_webhooks import Partner
from tests.core.broker import CLOSED_BROKER, broker_at
from tests.factories import UserFactory, staff_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down():
    cache.clear()  # the petition delivery's rate limit
    app.conf.task_always_eager = False
    with broker_at(CLOSED_BROKER):
        yield
    app.conf.task_always_eager = True


def _later(seconds):
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False)


def _relay_when_back() -> int:
    """The broker is back (eager here: the relay's publish runs the task), past any backoff."""
    app.conf.task_always_eager = True
    with _later(outbox.BACKOFF_MAX_SECONDS + 1):
        published = outbox.relay_pending()
        assert outbox.relay_pending() == 0  # relayed once, not again
    return published


def _kept(task_name: str) -> OutboxMessage:
    row = OutboxMessage.objects.get(task_name=task_name)
    assert row.sent_at is None and row.attempts == 1 and row.last_error
    with _later(outbox.BACKOFF_BASE_SECONDS + 1):
        assert outbox.relay_pending() == 0  # still down: tried, nothing published, kept
    row.refresh_from_db()
    assert row.sent_at is None and row.attempts == 2
    return row


def test_petition_delivery_is_kept_while_the_broker_is_down_then_mailed_once(
    broker_down, django_capture_on_commit_callbacks
):
    campaign = CampaignFactory()
    mayor = decision_maker_add(campaign=campaign, actor=campaign.organizer, name="Mayor", email="mayor@example.org")
    mail.outbox.clear()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        delivery = petition_deliver(campaign=campaign, decision_maker=mayor, actor=campaign.organizer)
    assert time.monotonic() - started < 3
    assert _kept("campaigns.tasks.deliver_petition").args == [delivery.pk, ""]
    assert mail.outbox == []
    assert _relay_when_back() == 1
    assert [email.to for email in mail.outbox] == [["mayor@example.org"]]
    delivery.refresh_from_db()
    assert delivery.emailed_at is not None


def test_a_suspended_persons_sessions_end_once_the_broker_is_back(
    client, broker_down, django_capture_on_commit_callbacks
):
    member = UserFactory()
    client.force_login(member)
    assert Session.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        moderation.user_suspend(
            user=member,
            moderator=staff_with_role(MODERATOR),
            rule="abuse",
            note="threats",
            ends_at=timezone.now() + timedelta(days=3),
        )
    assert _kept("causeweb.moderation.tasks.end_sessions").args == [member.pk]
    assert Session.objects.count() == 1  # not yet (they are refused on each request meanwhile)
    assert _relay_when_back() == 1
    assert Session.objects.count() == 0


def test_a_partner_webhook_is_kept_while_the_broker_is_down_then_sent_once(
    broker_down, django_capture_on_commit_callbacks
):
    partner = Partner()
    try:
        campaign = CampaignFactory()
        webhooks.webhook_endpoint_create(
            campaign=campaign, actor=campaign.organizer, url=partner.url, event_types=["signature.confirmed"]
        )
        with django_capture_on_commit_callbacks(execute=True):
            signature_create(campaign=campaign, user=UserFactory(), name="")
        delivery = WebhookDelivery.objects.get()
        assert _kept("campaigns.tasks.deliver_webhook").args == [delivery.pk]
        assert partner.received == []
        assert _relay_when_back() == 1
        assert len(partner.received) == 1
        delivery.refresh_from_db()
        assert delivery.status == "succeeded" and delivery.attempts == 1
    finally:
        partner.close()


def test_a_refused_row_backs_off_15_30_60_then_every_120_seconds(broker_down):
    assert [outbox.backoff_seconds(n) for n in range(1, 7)] == [15, 30, 60, 120, 120, 120]
    row = OutboxMessage.objects.create(task_name=outbox_relay.name)
    assert outbox.relay_one(row.pk) is False
    row.refresh_from_db()
    hold = (row.claimed_until - timezone.now()).total_seconds()
    assert 13 < hold <= 15
    assert outbox.relay_pending() == 0
    row.refresh_from_db()
    assert row.attempts == 1  # waiting out its backoff: not even tried


def test_a_row_naming_an_unknown_task_does_not_block_the_rows_behind_it(monkeypatch):
    stuck = OutboxMessage.objects.create(task_name="an.old.task.renamed.in.a.deploy")
    fine = OutboxMessage.objects.create(task_name=outbox_relay.name)
    published = []
    monkeypatch.setattr(outbox_relay, "apply_async", lambda **kw: published.append(kw))
    assert outbox.relay_pending() == 1 and len(published) == 1
    stuck.refresh_from_db()
    fine.refresh_from_db()
    assert stuck.sent_at is None and stuck.last_error == "unknown task" and stuck.claimed_until > timezone.now()
    assert fine.sent_at is not None
