"""Thin Celery tasks over causeweb.moderation; idempotent (see each service)."""

from celery import shared_task

from causeweb.celery import TASK_DEFAULTS
from causeweb.moderation import alerts

BEAT_SCHEDULE = {
    "moderation-alert-waiting-items": {"task": "causeweb.moderation.tasks.alert_waiting_items", "schedule": 600.0},
}


@shared_task(name="causeweb.moderation.tasks.alert_waiting_items", **TASK_DEFAULTS)
def alert_waiting_items() -> int:
    """One batched alert to moderators about items waiting too long (causeweb.moderation.alerts)."""
    return alerts.moderation_alert_waiting()
