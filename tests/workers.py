"""A real Celery worker as a subprocess, for tests marked `redis` + `postgres`: it talks to the
same Redis and the same (committed, non-transactional) test database as the test process."""

import os
import signal
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection


def worker_database_url() -> str:
    """The database the test process uses (e.g. test_causeweb in CI), as a URL for the worker."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{db.get('HOST') or '127.0.0.1'}{port}/{db['NAME']}"


def worker_environment(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "SECRET_KEY": settings.SECRET_KEY,
        "CONN_MAX_AGE": "0",
        "ALLOW_LOCALSTRIPE": "true",  # a test process, not a real host (causeweb/settings.py)
        "EMAIL_URL": "consolemail://",
        "PYTHONPATH": str(settings.BASE_DIR),
        **extra,
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    return env


def start_worker(*, queues: str, log_path: Path, name: str, pool: str = "solo", include: str = "", **extra_env: str):
    """Start `celery worker` in its own process group (so a kill takes its pool children too).
    `include`: extra task modules to import (a test's own tasks). Returns (process, log file);
    stop it with `stop_worker`."""
    log = open(log_path, "wb")  # noqa: SIM115 - closed by stop_worker
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "causeweb", "worker", "-Q", queues, "-c", "1", "-P", pool,
         "-l", "info", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-n", f"{name}-{uuid.uuid4().hex[:8]}@%h", *(["--include", include] if include else [])],
        cwd=settings.BASE_DIR,
        env=worker_environment(**extra_env),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    return process, log


def stop_worker(process: subprocess.Popen, log, *, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)
    log.close()


@contextmanager
def running_worker(*, queues: str, log_path: Path, name: str, **kwargs):
    process, log = start_worker(queues=queues, log_path=log_path, name=name, **kwargs)
    try:
        yield process
    finally:
        stop_worker(process, log)
