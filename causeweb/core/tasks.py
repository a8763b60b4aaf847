"""The outbox relay: publishes tasks whose after-commit publish failed (broker down)."""

from celery import shared_task

from causeweb.celery import TASK_DEFAULTS
from causeweb.core import outbox


@shared_task(name="causeweb.core.tasks.outbox_relay", **{**TASK_DEFAULTS, "max_retries": 0})
def outbox_relay() -> int:
    return outbox.relay_pending()


BEAT_SCHEDULE = {
    # Every 15 s: a task kept during a broker outage is published within ~15 s of the broker's return.
    "core-outbox-relay": {"task": "causeweb.core.tasks.outbox_relay", "schedule": 15.0},
}
