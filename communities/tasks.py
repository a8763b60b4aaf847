"""Thin Celery wrappers around community services."""

from celery import shared_task


@shared_task(
    name="communities.tasks.send_announcement",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
    # Announcements fan out to every member: keep a worker from flooding the notifications queue.
    rate_limit="30/m",
)
def send_announcement(announcement_id: int) -> int:
    """Idempotent: the service locks the announcement and does nothing once it was sent."""
    from communities.services import announcement_send

    return announcement_send(announcement_id=announcement_id)
