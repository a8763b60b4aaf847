"""Thin Celery wrappers around community services."""

from celery import shared_task

from causeweb.celery import TASK_DEFAULTS
from communities.services import announcements


@shared_task(
    name="communities.tasks.send_announcement",
    **TASK_DEFAULTS,
    # Announcements fan out to every member: keep a worker from flooding the notifications queue.
    rate_limit="30/m",
)
def send_announcement(announcement_id: int) -> int:
    """Idempotent: the service locks the announcement and does nothing once it was sent."""
    return announcements.announcement_send(announcement_id=announcement_id)
