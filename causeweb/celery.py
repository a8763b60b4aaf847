"""The Celery app. Three queues so that a mail backlog never delays money:
`payments` (Stripe webhooks, charges, reconciliation), `notifications` (email) and `default`."""

import os

from celery import Celery
from django.db import DatabaseError
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "causeweb.settings")

# Every task of ours is idempotent (it loads its rows by id and re-checks their state under a lock),
# so a redelivery after a worker dies mid-task is safe and a passing database or network fault is
# retried with backoff rather than lost. Tasks take these with `@shared_task(name=..., **TASK_DEFAULTS)`
# and override only what differs (a bound task that retries by hand, a longer backoff for money).
TASK_DEFAULTS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (DatabaseError, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}

app = Celery("causeweb")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = (Queue("default"), Queue("notifications"), Queue("payments"))
app.conf.task_default_queue = "default"
app.autodiscover_tasks()

# Each app contributes its periodic tasks through a BEAT_SCHEDULE dict in its tasks module;
# they are merged here so `celery beat` has one schedule.
app.conf.beat_schedule = {}


@app.on_after_finalize.connect
def _collect_beat_schedules(sender, **kwargs):
    from importlib import import_module

    from django.conf import settings

    for app_name in settings.LOCAL_APPS:
        try:
            module = import_module(f"{app_name}.tasks")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app_name}.tasks":
                raise
            continue
        sender.conf.beat_schedule.update(getattr(module, "BEAT_SCHEDULE", {}))


@app.task(name="causeweb.ping")
def ping(value: str) -> str:
    """A round trip used by /readyz-style checks and the worker test."""
    return f"pong:{value}"
