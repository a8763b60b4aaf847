"""The scheduled jobs of the embedded demo (`make run`): reminders, turnout decisions, waitlist
expiry, digests, settling, reconciliation — the same beat schedule production runs.

Without `REDIS_URL` tasks run eagerly, so a plain `celery beat` child on the in-memory broker runs
each due task in its own process: nothing else to install or start. With `REDIS_URL` the tasks go
to the broker, so the child is a worker with an embedded beat (`-B`) consuming every queue; a real
deployment runs beat and workers as separate services instead (docker-compose.yml)."""

import ctypes
import ctypes.util
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings

QUEUES = "default,notifications,payments"


def scheduler_command(schedule_file: Path) -> list[str]:
    celery = [sys.executable, "-m", "celery", "-A", "causeweb"]
    common = ["--loglevel=INFO", f"--schedule={schedule_file}"]
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return [*celery, "beat", *common]
    return [*celery, "worker", "-B", "-Q", QUEUES, "--concurrency=1", *common]


def start_scheduler(state_dir: Path) -> subprocess.Popen:
    state_dir.mkdir(parents=True, exist_ok=True)
    # The schedule file records when each job last ran, so a restart does not fire every job at once.
    return subprocess.Popen(scheduler_command(state_dir / "celerybeat-schedule"), preexec_fn=_die_with_parent)


def _die_with_parent() -> None:
    """On Linux, ask the kernel to stop the child when `make run` dies however it dies (atexit does
    not run on SIGKILL), so no scheduler is left running jobs against the demo database."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


def stop_scheduler(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
