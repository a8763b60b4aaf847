"""A real Celery worker SIGKILLed in the middle of a task (`acks_late`): the message was never
acknowledged, so Redis hands it to the next worker once the `visibility_timeout` has passed, and
the task, being idempotent, has its effect once. Here the worker dies after the petition email
went out and before the ack (the worst moment): the redelivered run finds the delivery mailed and
sends nothing. The visibility timeout is shrunk to 3 s (15 min in production, docs/reliability.md).

The workers use the prefork pool, as in production. Under the solo pool the task runs inside the
worker's event loop and Celery defers even an early ack (`acks_late` off) to the loop's next turn,
after the task has returned: a kill mid-task then leaves every message unacknowledged and the test
passed with `acks_late` switched off. With prefork the parent acknowledges an early-ack task as
soon as its child starts it, so without `acks_late` the message is gone before the kill and the
assertion on Redis' `unacked` hash below fails.

DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_ops REDIS_URL=redis://127.0.0.1:6379/5 \\
    .venv/bin/python -m pytest tests/core/test_worker_killed.py
"""

import os
import re
import signal
import time

import pytest

from campaigns.models import PetitionDelivery
from campaigns.services.delivery import decision_maker_add
from causeweb.celery import app
from tests.campaigns.factories import CampaignFactory
from tests.core.worker_kill_tasks import deliver_then_hang
from tests.workers import start_worker, stop_worker

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(120),
]

VISIBILITY_TIMEOUT = 3
# A worker moves expired unacked messages back to their queue when it starts and then every 30 s
# (causeweb/settings.py); 40 s covers one periodic scan should the start-up one come too early.
REDELIVERY_WAIT = 40


def wait_for(condition, *, seconds: float, worker, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        assert worker.poll() is None, f"the worker exited while waiting for {what}"
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def unacked_payloads() -> list[str]:
    """The messages Redis holds as taken but not acknowledged (kombu's `unacked` hash)."""
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        return [payload.decode() for payload in channel.client.hvals(channel.unacked_key)]


def petition_delivery_and_markers(tmp_path):
    """A petition delivery not yet mailed, and the marker directory the task reports to (with the
    `hang` file that keeps it running after the email)."""
    with app.connection_for_write() as conn:  # nothing left over from an earlier run
        conn.default_channel.queue_purge("default")
    campaign = CampaignFactory()
    mayor = decision_maker_add(campaign=campaign, actor=campaign.organizer, name="Mayor", email="mayor@example.org")
    delivery = PetitionDelivery.objects.create(
        campaign=campaign,
        decision_maker=mayor,
        delivered_by=campaign.organizer,
        emailed_to=mayor.email,
        signature_count=0,
        file_format="csv",
    )
    markers = tmp_path / "markers"
    markers.mkdir()
    (markers / "hang").touch()
    return delivery, markers


def test_a_worker_killed_mid_task_is_redelivered_and_the_effect_happens_once(tmp_path):
    started = time.monotonic()
    delivery, markers = petition_delivery_and_markers(tmp_path)
    env = {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT), "EMAIL_URL": "consolemail://"}
    options = {"queues": "default", "include": "tests.core.worker_kill_tasks", "pool": "prefork", **env}

    first, first_log = start_worker(log_path=tmp_path / "worker-1.log", name="kill-1", **options)
    try:
        task_id = deliver_then_hang.apply_async(args=[delivery.pk, str(markers)], queue="default").id
        wait_for(lambda: list(markers.glob("done-*")), seconds=45, worker=first, what="the first run's email")
        # The work is done and the task still running: with acks_late the message is not acked yet.
        assert any(task_id in payload for payload in unacked_payloads()), "acknowledged before the task ended"
    finally:
        stop_worker(first, first_log, sig=signal.SIGKILL)  # the email is out, the message not acked
    delivery.refresh_from_db()
    assert delivery.emailed_at is not None
    (markers / "hang").unlink()

    killed_at = time.monotonic()
    # The message was taken before the kill, so once the visibility timeout has passed since the
    # kill it is old enough for the next worker's start-up scan to hand it back.
    time.sleep(VISIBILITY_TIMEOUT + 0.5)
    second, second_log = start_worker(log_path=tmp_path / "worker-2.log", name="kill-2", **options)
    try:
        wait_for(
            lambda: len(list(markers.glob("done-*"))) == 2,
            seconds=REDELIVERY_WAIT,
            worker=second,
            what="the redelivered run",
        )
        redelivered_after = time.monotonic() - killed_at
    finally:
        stop_worker(second, second_log)

    runs = (markers / "runs").read_text().split()
    assert len(runs) == 2 and runs[0] != runs[1]  # started twice, in two worker processes
    outcomes = sorted(path.read_text() for path in markers.glob("done-*"))
    assert outcomes == ["mailed", "nothing to do"]  # the effect once
    logs = (tmp_path / "worker-1.log").read_text() + (tmp_path / "worker-2.log").read_text()
    assert len(re.findall(r"^To: mayor@example\.org", logs, flags=re.MULTILINE)) == 1  # one email
    assert len(re.findall(r"deliver_then_hang\[[^]]+\] received", logs)) == 2
    elapsed = time.monotonic() - started
    print(f"redelivered {redelivered_after:.1f} s after the kill; whole test {elapsed:.1f} s")
    assert elapsed < 60


def test_a_pool_child_killed_mid_task_is_requeued_at_once_and_the_effect_happens_once(tmp_path):
    """`reject_on_worker_lost`: the pool child running the task dies (the OOM killer, a segfault)
    while the worker's parent lives on. The parent requeues the message at once and a new child runs
    it; without the option the parent acknowledges it as failed and it is never run again."""
    delivery, markers = petition_delivery_and_markers(tmp_path)
    env = {"CELERY_VISIBILITY_TIMEOUT": "900", "EMAIL_URL": "consolemail://"}  # no redelivery by timeout
    options = {"queues": "default", "include": "tests.core.worker_kill_tasks", "pool": "prefork", **env}
    worker, log = start_worker(log_path=tmp_path / "worker.log", name="child-kill", **options)
    try:
        deliver_then_hang.apply_async(args=[delivery.pk, str(markers)], queue="default")
        wait_for(lambda: list(markers.glob("done-*")), seconds=45, worker=worker, what="the first run's email")
        child_pid = int((markers / "runs").read_text().split()[0])
        killed_at = time.monotonic()
        os.kill(child_pid, signal.SIGKILL)
        wait_for(lambda: len(list(markers.glob("done-*"))) == 2, seconds=20, worker=worker, what="the requeued run")
        requeued_after = time.monotonic() - killed_at
        (markers / "hang").unlink()
    finally:
        stop_worker(worker, log)

    runs = (markers / "runs").read_text().split()
    assert len(runs) == 2 and runs[0] != runs[1]  # a new child ran it
    assert sorted(path.read_text() for path in markers.glob("done-*")) == ["mailed", "nothing to do"]
    assert len(re.findall(r"^To: mayor@example\.org", (tmp_path / "worker.log").read_text(), flags=re.MULTILINE)) == 1
    print(f"requeued and run again {requeued_after:.1f} s after the child was killed")
