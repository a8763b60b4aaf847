"""A task for tests/core/test_worker_killed.py, imported by its worker with `--include`: the real
petition delivery (campaigns.services.delivery.petition_delivery_email, idempotent: it locks the
row and mails only once), with the project's task options (acks_late), then a hang while a
`hang` file exists, so the test can SIGKILL the worker (or its pool child) after the work and
before the ack."""

import os
import time
from pathlib import Path

from celery import shared_task

from causeweb.celery import TASK_DEFAULTS


@shared_task(name="tests.worker_kill.deliver_then_hang", **TASK_DEFAULTS)
def deliver_then_hang(delivery_id: int, marker_dir: str) -> bool:
    from campaigns.services.delivery import petition_delivery_email

    markers = Path(marker_dir)
    with open(markers / "runs", "a") as runs:
        runs.write(f"{os.getpid()}\n")
    mailed = petition_delivery_email(delivery_id=delivery_id)
    (markers / f"done-{os.getpid()}").write_text("mailed" if mailed else "nothing to do")
    deadline = time.monotonic() + 120
    while (markers / "hang").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return mailed
