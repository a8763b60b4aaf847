"""Moderation's Celery tasks: thin wrappers over services, idempotent."""

from celery import shared_task
from celery.schedules import crontab

from causeweb.accounts import services as account_services
from causeweb.celery import TASK_DEFAULTS

# services -> tasks (delay_on_commit) and tasks -> services is a cycle Python resolves: the
# attribute is looked up when the task runs.
from causeweb.moderation import alerts, services


@shared_task(name="causeweb.moderation.tasks.end_sessions", **TASK_DEFAULTS)
def end_sessions(user_id: int) -> int:
    """Delete every session of a suspended person (they are already refused on their next request)."""
    return account_services.user_sessions_end(user_id=user_id)


@shared_task(name="causeweb.moderation.tasks.end_expired_suspensions", **TASK_DEFAULTS)
def end_expired_suspensions() -> int:
    return services.suspensions_end_expired()


@shared_task(name="causeweb.moderation.tasks.alert_waiting_items", **TASK_DEFAULTS)
def alert_waiting_items() -> int:
    """One batched alert to moderators about items waiting too long (causeweb.moderation.alerts)."""
    return alerts.moderation_alert_waiting()


BEAT_SCHEDULE = {
    "moderation-end-expired-suspensions": {
        "task": "causeweb.moderation.tasks.end_expired_suspensions",
        "schedule": crontab(minute="*/5"),
    },
    "moderation-alert-waiting-items": {"task": "causeweb.moderation.tasks.alert_waiting_items", "schedule": 600.0},
}
