"""The transactional outbox (causeweb/core/outbox.py): with the broker down a request that queues
a task answers normally and quickly, its task is kept in Postgres; once the broker is back the
relay publishes it, and it runs once."""

import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from causeweb.celery import app
from causeweb.core import outbox
from causeweb.core.models import OutboxMessage
from causeweb.core.tasks import BEAT_SCHEDULE, outbox_relay
from causeweb.notifications.models import Notification
from events.models import EventMessage
from events.services.rsvps import rsvp_create
from tests.core.broker import CLOSED_BROKER, broker_at
from tests.events.factories import EventFactory, confirm_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down():
    """A real publish to Redis at a closed port (not eager): what a Redis outage does to apply_async."""
    app.conf.task_always_eager = False
    with broker_at(CLOSED_BROKER):
        yield
    app.conf.task_always_eager = True


def post_host_message(client, event, subject="Bring water"):
    client.force_login(event.host)
    return client.post(reverse("events:manage", kwargs={"slug": event.slug}), {"subject": subject, "body": "Hot."})


def test_broker_down_the_request_answers_and_the_task_is_kept_then_runs_once_when_back(
    client, broker_down, django_capture_on_commit_callbacks
):
    event = EventFactory()
    confirm_email(rsvp_create(event_id=event.pk, name="A", email="a@example.org"))
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_host_message(client, event)
    assert response.status_code == 302  # not a 500, not a stall
    assert time.monotonic() - started < 3
    message = EventMessage.objects.get()
    row = OutboxMessage.objects.get()
    assert (row.task_name, row.args, row.sent_at) == ("events.tasks.deliver_event_message", [message.pk], None)
    assert row.attempts == 1 and "OperationalError" in row.last_error
    assert row.claimed_until > timezone.now()  # held back for its backoff (15 s)
    with time_machine.travel(timezone.now() + timedelta(seconds=16), tick=False):
        assert outbox.relay_pending() == 0  # still down: nothing published, the row stays
    assert OutboxMessage.objects.get().sent_at is None

    # The broker is back (eager: the relay's publish runs the task here), past the backoff.
    app.conf.task_always_eager = True
    with time_machine.travel(timezone.now() + timedelta(seconds=50), tick=False):
        assert outbox.relay_pending() == 1
        assert outbox.relay_pending() == 0  # relayed once
    message.refresh_from_db()
    assert message.sent_at is not None and message.recipient_count == 1
    assert Notification.objects.filter(kind="event_message", email="a@example.org").count() == 1
    assert OutboxMessage.objects.get().sent_at is not None


def test_the_task_is_published_after_commit_and_not_at_all_on_rollback(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        outbox.enqueue(outbox_relay)
    assert len(callbacks) == 1 and OutboxMessage.objects.get().sent_at is None
    callbacks[0]()
    assert OutboxMessage.objects.get().sent_at is not None

    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue(outbox_relay)
        raise RuntimeError
    assert OutboxMessage.objects.count() == 1  # the rolled-back change left no task behind


def test_a_claimed_row_is_not_published_by_a_second_relayer(monkeypatch):
    """Two relayers (the after-commit publish and the sweep) race for one row: one publishes."""
    row = OutboxMessage.objects.create(task_name=outbox_relay.name)
    published = []
    monkeypatch.setattr(outbox_relay, "apply_async", lambda **kw: published.append(kw))
    assert outbox.relay_one(row.pk) is True
    OutboxMessage.objects.filter(pk=row.pk).update(sent_at=None)  # as if the first had not marked it yet
    OutboxMessage.objects.filter(pk=row.pk).update(claimed_until=outbox.timezone.now() + outbox.timedelta(seconds=30))
    assert outbox.relay_one(row.pk) is False
    assert outbox.relay_pending() == 0
    assert len(published) == 1
    # A claim older than CLAIM_SECONDS (its relayer died mid-way) is taken over.
    OutboxMessage.objects.filter(pk=row.pk).update(claimed_until=outbox.timezone.now() - outbox.timedelta(seconds=1))
    assert outbox.relay_pending() == 1 and len(published) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_relayers_publish_each_row_exactly_once(monkeypatch):
    OutboxMessage.objects.bulk_create([OutboxMessage(task_name=outbox_relay.name, args=[n]) for n in range(60)])
    published = []
    lock = threading.Lock()

    def record(**kw):
        time.sleep(0.002)
        with lock:
            published.append(kw["args"][0])

    monkeypatch.setattr(outbox_relay, "apply_async", record)

    def relayer():
        try:
            outbox.relay_pending()
        finally:
            connection.close()

    threads = [threading.Thread(target=relayer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(published) == list(range(60))  # each once, none lost
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


def test_the_relay_runs_every_15_seconds_and_purges_old_sent_rows():
    assert BEAT_SCHEDULE["core-outbox-relay"]["schedule"] == 15.0
    assert "core-outbox-relay" in app.conf.beat_schedule
    old = OutboxMessage.objects.create(task_name="x", sent_at=outbox.timezone.now() - outbox.timedelta(days=3))
    outbox.relay_pending()
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()
