"""A host's message goes out through a real Celery worker on Redis (not eager): the task is sent
after commit, found by name by the worker, and delivers once.

DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_events REDIS_URL=redis://127.0.0.1:6379/3 \
    .venv/bin/python -m pytest tests/events/test_worker.py
"""

import time

import pytest

from causeweb.notifications.models import Notification
from events.models import EventMessage
from events.services.messages import event_message_create
from events.services.rsvps import rsvp_create
from tests.events.factories import EventFactory, confirm_email
from tests.factories import UserFactory
from tests.workers import running_worker

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(180),
]


@pytest.fixture
def worker(artifacts_dir):
    with running_worker(
        queues="default,notifications", log_path=artifacts_dir / "events-worker.log", name="events-test"
    ) as process:
        yield process


def wait_for(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_host_message_is_delivered_by_a_real_worker(worker):
    host = UserFactory()
    event = EventFactory(host=host)
    attendees = [UserFactory() for _ in range(3)]
    for person in attendees:
        rsvp_create(event_id=event.pk, user=person)
    # A guest counts among the recipients once their email is confirmed (unconfirmed holds are not messaged).
    confirm_email(rsvp_create(event_id=event.pk, name="Guest", email="guest@example.org"))

    message = event_message_create(event_id=event.pk, actor=host, subject="Meet at 5", body="By the fountain.")
    assert wait_for(lambda: EventMessage.objects.get(pk=message.pk).sent_at is not None), "worker never delivered"
    message.refresh_from_db()
    assert message.recipient_count == 4
    notes = Notification.objects.filter(kind="event_message")
    assert notes.count() == 4
    # pending -> sending (claimed by the worker) -> sent: wait for every row to reach a final state.
    assert wait_for(lambda: not notes.filter(email_status__in=["pending", "sending"]).exists()), (
        "emails not sent by the worker"
    )
    assert set(notes.values_list("email_status", flat=True)) <= {"sent", "skipped"}
