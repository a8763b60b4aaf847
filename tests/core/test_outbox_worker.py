"""The outbox on the real stack: Redis refused while a host writes to attendees (the request path
answers, the task is kept in Postgres); the broker back, the relay publishes it and a real Celery
worker delivers the message exactly once.

DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_ops REDIS_URL=redis://127.0.0.1:6379/8 \
    .venv/bin/python -m pytest tests/core/test_outbox_worker.py
"""

import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from causeweb.core import outbox
from causeweb.core.models import OutboxMessage
from causeweb.notifications.models import Notification
from events.models import EventMessage
from events.services.rsvps import rsvp_create
from tests.core.broker import CLOSED_BROKER, broker_at
from tests.events.factories import EventFactory, confirm_email
from tests.workers import running_worker

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(180),
]


def later(seconds):
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False)


def wait_for(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_a_task_kept_during_a_redis_outage_is_delivered_once_by_a_real_worker(client, artifacts_dir):
    event = EventFactory()
    for n in range(3):
        confirm_email(rsvp_create(event_id=event.pk, name=f"G{n}", email=f"g{n}@example.org"))
    client.force_login(event.host)
    with broker_at(CLOSED_BROKER):
        started = time.monotonic()
        response = client.post(reverse("events:manage", kwargs={"slug": event.slug}), {"subject": "S", "body": "B"})
        elapsed = time.monotonic() - started
        with later(16):  # the next relay after the row's 15 s backoff
            assert outbox.relay_pending() == 0
    assert response.status_code == 302 and elapsed < 3
    message = EventMessage.objects.get()
    assert OutboxMessage.objects.get().sent_at is None and message.sent_at is None

    with (
        broker_at(settings.REDIS_URL),
        running_worker(
            queues="default,notifications", log_path=artifacts_dir / "outbox-worker.log", name="outbox-test"
        ),
    ):
        with later(16 + 31):  # past the second refusal's 30 s backoff
            assert outbox.relay_pending() == 1, OutboxMessage.objects.get().last_error
            assert outbox.relay_pending() == 0
        assert wait_for(lambda: EventMessage.objects.get(pk=message.pk).sent_at is not None), "never delivered"
        time.sleep(1)  # a duplicate publish would be consumed by now
    message.refresh_from_db()
    assert message.recipient_count == 3
    assert Notification.objects.filter(kind="event_message").count() == 3
    # Refused after commit and by the relay during the outage, then published once.
    assert OutboxMessage.objects.get().attempts == 3
    log = (artifacts_dir / "outbox-worker.log").read_text()
    assert len(re.findall(r"Task events\.tasks\.deliver_event_message\[[^]]+\] received", log)) == 1
