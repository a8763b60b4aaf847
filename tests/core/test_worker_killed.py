"""A real Celery worker SIGKILLed in the middle of a task (`acks_late`): the message was never
acknowledged, so Redis hands it to the next worker once the `visibility_timeout` has passed, and
the task, being idempotent, has its effect once. Here the worker dies after the petition email
went out and before the ack (the worst moment): the redelivered run finds the delivery mailed and
sends nothing. The visibility timeout is shrunk to 3 s (15 min in production, docs/reliability.md).

DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_ops REDIS_URL=redis://127.0.0.1:6379/5 \\
    .venv/bin/python -m pytest tests/core/test_worker_killed.py
"""

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


def wait_for(condition, *, seconds: float, worker, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        assert worker.poll() is None, f"the worker exited while waiting for {what}"
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def test_a_worker_killed_mid_task_is_redelivered_and_the_effect_happens_once(tmp_path):
    started = time.monotonic()
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
    env = {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT), "EMAIL_URL": "consolemail://"}
    options = {"queues": "default", "include": "tests.core.worker_kill_tasks", **env}

    first, first_log = start_worker(log_path=tmp_path / "worker-1.log", name="kill-1", **options)
    try:
        deliver_then_hang.apply_async(args=[delivery.pk, str(markers)], queue="default")
        wait_for(lambda: list(markers.glob("done-*")), seconds=45, worker=first, what="the first run's email")
    finally:
        stop_worker(first, first_log, sig=signal.SIGKILL)  # the email is out, the message not acked
    delivery.refresh_from_db()
    assert delivery.emailed_at is not None
    (markers / "hang").unlink()

    killed_at = time.monotonic()
    second, second_log = start_worker(log_path=tmp_path / "worker-2.log", name="kill-2", **options)
    try:
        wait_for(lambda: len(list(markers.glob("done-*"))) == 2, seconds=45, worker=second, what="the redelivered run")
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
