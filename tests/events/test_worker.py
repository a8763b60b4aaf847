"""A host's message goes out through a real Celery worker on Redis (not eager): the task is sent
after commit, found by name by the worker, and delivers once.

DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_events REDIS_URL=redis://127.0.0.1:6379/3 \
    .venv/bin/python -m pytest tests/events/test_worker.py
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from causeweb.notifications.models import Notification
from events import services
from events.models import EventMessage
from tests.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(180),
]


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{db.get('HOST') or '127.0.0.1'}{port}/{db['NAME']}"


@pytest.fixture
def worker(artifacts_dir):
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "SECRET_KEY": settings.SECRET_KEY,
        "CONN_MAX_AGE": "0",
        "EMAIL_URL": "consolemail://",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    log = open(artifacts_dir / "events-worker.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "causeweb", "worker", "-Q", "default,notifications", "-c", "1",
         "-P", "solo", "-l", "info", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-n", f"events-test-{uuid.uuid4().hex[:8]}@%h"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    log.close()


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
        services.rsvp_create(event_id=event.pk, user=person)
    services.rsvp_create(event_id=event.pk, name="Guest", email="guest@example.org")

    message = services.event_message_create(event_id=event.pk, actor=host, subject="Meet at 5", body="By the fountain.")
    assert wait_for(lambda: EventMessage.objects.get(pk=message.pk).sent_at is not None), "worker never delivered"
    message.refresh_from_db()
    assert message.recipient_count == 4
    notes = Notification.objects.filter(kind="event_message")
    assert notes.count() == 4
    assert wait_for(lambda: not notes.filter(email_status="pending").exists()), "emails not sent by the worker"
    assert set(notes.values_list("email_status", flat=True)) <= {"sent", "skipped"}
