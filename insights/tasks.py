"""Thin Celery wrappers around the insights services; idempotent (digests carry dedupe keys)."""

from celery import shared_task
from celery.schedules import crontab

from causeweb.celery import TASK_DEFAULTS
from insights import services


@shared_task(name="insights.tasks.send_weekly_digests", **TASK_DEFAULTS)
def send_weekly_digests() -> int:
    return services.organizer_weekly_digest_send()


BEAT_SCHEDULE = {
    # Mondays 07:00 (site time): last week's numbers.
    "insights-weekly-digests": {
        "task": "insights.tasks.send_weekly_digests",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
}
