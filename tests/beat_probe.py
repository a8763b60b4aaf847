"""A Celery app for tests/foundation/test_demo_scheduler.py: Causeweb's own app and settings plus one
probe job due every second that writes a file, so a test can see that a beat child on the demo's
settings (eager tasks, in-memory broker) really runs due jobs itself."""

import os
from pathlib import Path

from causeweb.celery import app

PROBE_FILE_ENV = "CAUSEWEB_BEAT_PROBE_FILE"


@app.task(name="tests.beat_probe.touch")
def touch() -> None:
    path = Path(os.environ[PROBE_FILE_ENV])
    with path.open("a") as probe:
        probe.write("ran\n")


app.conf.beat_schedule["beat-probe"] = {"task": "tests.beat_probe.touch", "schedule": 1.0}
