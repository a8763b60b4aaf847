"""Real Celery worker subprocesses on Redis, sharing the (committed, non-transactional) test
database: the foundation's ping round trip, ordinary delivery, and the kill test.

Run locally with e.g.
DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_notifications REDIS_URL=redis://127.0.0.1:6379/5 \
    .venv/bin/python -m pytest tests/notifications/test_worker.py
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery.result import allow_join_result
from django.conf import settings

from causeweb.notifications import tasks
from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import Notification
from causeweb.notifications.services import notify, notify_bulk
from tests.factories import UserFactory
from tests.workers import worker_database_url

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(240),
]


class Worker:
    """`celery -A causeweb worker -Q notifications,default` in its own process group."""

    def __init__(self, mail_dir: Path, log_dir: Path):
        self.mail_dir = mail_dir
        self.log_dir = log_dir
        self.process: subprocess.Popen | None = None
        self.count = 0

    def start(self, *, send_delay: float = 0, claim_timeout: int = 600) -> None:
        self.count += 1
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "SECRET_KEY": settings.SECRET_KEY,
            "CONN_MAX_AGE": "0",
            "ALLOW_LOCALSTRIPE": "true",
            "NOTIF_TEST_MAIL_DIR": str(self.mail_dir),
            "NOTIF_TEST_SEND_DELAY": str(send_delay),
            "NOTIF_TEST_CLAIM_TIMEOUT": str(claim_timeout),
            "PYTHONPATH": str(settings.BASE_DIR),
        }
        env.pop("CELERY_TASK_ALWAYS_EAGER", None)
        log = open(self.log_dir / f"worker-{self.count}.log", "wb")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "causeweb", "worker", "-Q", "notifications,default",
             "-c", "1", "-P", "prefork", "-l", "info", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-n", f"notif-test-{uuid.uuid4().hex[:8]}@%h"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the kill takes the pool children too
        )  # fmt: skip
        self._log = log
        # The foundation-level round trip doubles as the readiness check.
        from causeweb.celery import ping

        assert ping.delay("ready").get(timeout=60) == "pong:ready", self.log_text()

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool child), like a node dying."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._log.close()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
            self._log.close()

    def log_text(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-4000:] for p in sorted(self.log_dir.glob("worker-*.log")))


@pytest.fixture
def worker(transactional_db, tmp_path):
    from causeweb.celery import app

    with app.connection_for_write() as conn:  # nothing left over from an earlier run
        for queue in ("notifications", "default"):
            conn.default_channel.queue_purge(queue)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    instance = Worker(mail_dir, tmp_path)
    # Celery's "never block on a result inside a task" flag is process-global and can be left set
    # by eager tasks racing in the live-server thread of earlier browser tests: clear it here.
    with allow_join_result():
        yield instance
    instance.stop()


def mails_for(mail_dir: Path, notification_id: int) -> list[Path]:
    return sorted(mail_dir.glob(f"mail-notification-{notification_id}_at_*.eml"))


def wait_for(predicate, *, timeout: float, what: str, worker=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}\n{worker.log_text() if worker else ''}")


def status_of(pk: int) -> str:
    return Notification.objects.values_list("email_status", flat=True).get(pk=pk)


def test_foundation_celery_round_trip_with_a_real_worker(worker):
    worker.start()
    from causeweb.celery import ping

    assert ping.delay("hello").get(timeout=30) == "pong:hello"


def test_real_worker_delivers_each_notification_once(worker):
    worker.start()
    people = UserFactory.create_batch(3)
    single = notify(
        recipient=people[0], kind=Kind.RSVP_CONFIRMATION, context={"title": "You are going"}, dedupe_key="w:rsvp"
    )
    assert notify(recipient=people[0], kind=Kind.RSVP_CONFIRMATION, context={"title": "x"}, dedupe_key="w:rsvp") is None
    assert notify_bulk(recipients=people, kind=Kind.ANNOUNCEMENT, context={"title": "Hi all"}, dedupe_key="w:ann") == 3
    ids = [single.pk, *Notification.objects.filter(dedupe_key__startswith="w:ann").values_list("pk", flat=True)]

    wait_for(lambda: all(status_of(pk) == "sent" for pk in ids), timeout=60, what="four deliveries", worker=worker)
    # Duplicate tasks (a sweep running anyway) change nothing.
    tasks.deliver_emails.delay(ids).get(timeout=30)
    assert [len(mails_for(worker.mail_dir, pk)) for pk in ids] == [1, 1, 1, 1]
    raw = mails_for(worker.mail_dir, single.pk)[0].read_text()
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw


def test_killed_mid_send_then_restarted_delivers_exactly_once(worker):
    """SIGKILL the worker while the email backend is in the middle of a send; restart it; the
    sweep finds the stale claim and the email goes out exactly once."""
    worker.start(send_delay=60)
    person = UserFactory()
    notification = notify(
        recipient=person, kind=Kind.EVENT_REMINDER, context={"title": "Tomorrow: the march"}, dedupe_key="w:kill"
    )
    wait_for(
        lambda: list(worker.mail_dir.glob(f"sending-notification-{notification.pk}_at_*")),
        timeout=60,
        what="the send to start",
        worker=worker,
    )
    assert status_of(notification.pk) == "sending"

    worker.kill()
    assert mails_for(worker.mail_dir, notification.pk) == []  # the crash lost the send...
    assert status_of(notification.pk) == "sending"  # ...and the claim remembers it

    # A new worker whose sweep considers claims stale after 2 seconds (10 minutes in production).
    worker.start(send_delay=0, claim_timeout=2)
    time.sleep(2.5)
    tasks.sweep_undelivered.delay()
    wait_for(lambda: status_of(notification.pk) == "sent", timeout=60, what="the re-send", worker=worker)

    # More sweeps and a duplicate task later, still one email.
    tasks.sweep_undelivered.delay()
    tasks.deliver_emails.delay([notification.pk]).get(timeout=30)
    time.sleep(1)
    assert len(mails_for(worker.mail_dir, notification.pk)) == 1
    notification.refresh_from_db()
    assert notification.email_attempts == 2
    assert "Worker stopped during the send" not in notification.last_error  # cleared once sent
