"""Thin Celery tasks over notifications.delivery and services, all on the `notifications`
queue (CELERY_TASK_ROUTES). Every task is idempotent: delivery claims each row once, the
digest inserts a unique DigestRun first, the sweep only re-queues what is still undelivered.
`acks_late` + `reject_on_worker_lost`: a task whose worker dies is redelivered, which is safe."""

import logging
from datetime import date as date_type

from celery import shared_task
from celery.schedules import crontab
from django.db import DatabaseError
from django.utils import timezone

from causeweb.celery import TASK_DEFAULTS
from causeweb.notifications import delivery, digest, services

logger = logging.getLogger(__name__)

# A batch of emails is cut by the soft limit (what is left is retried) and the worker killed at the
# hard limit, so no live worker holds a claim longer than this; delivery.claim_timeout() is this + 30 s.
TASK_TIME_LIMIT = delivery.DELIVERY_TIME_LIMIT  # the claim timeout is derived from it


@shared_task(
    bind=True,
    name="causeweb.notifications.tasks.deliver_emails",
    **{
        **TASK_DEFAULTS,
        # Mail errors (OSError, SMTP) are handled per row by delivery, which retries only the rows
        # that need it; an automatic retry of the whole batch would re-claim rows already sent.
        "autoretry_for": (DatabaseError,),
        # Each row's own attempt count (NOTIFICATIONS_MAX_ATTEMPTS) decides when it fails for good.
        "max_retries": 12,
    },
    soft_time_limit=TASK_TIME_LIMIT - 30,
    time_limit=TASK_TIME_LIMIT,
)
def deliver_emails(self, notification_ids: list[int]) -> int:
    results = delivery.deliver_batch(notification_ids)
    to_retry = [r.notification_id for r in results if r.outcome == delivery.RETRY]
    if to_retry and not self.request.is_eager:
        # Exponential backoff; the row's own attempt count decides when it fails for good.
        raise self.retry(args=[to_retry], countdown=delivery.backoff_seconds(self.request.retries + 1))
    return sum(1 for r in results if r.outcome == delivery.SENT)


@shared_task(
    name="causeweb.notifications.tasks.sweep_undelivered",
    # No automatic retry: the next minute's sweep is the retry (and a late one expires anyway).
    **{**TASK_DEFAULTS, "autoretry_for": ()},
    ignore_result=True,
    time_limit=120,
)
def sweep_undelivered() -> dict:
    return services.notification_sweep_undelivered()


@shared_task(
    name="causeweb.notifications.tasks.send_daily_digests",
    **TASK_DEFAULTS,
    ignore_result=True,
)
def send_daily_digests(date: str | None = None) -> int:
    """Fan the day's digests out in per-100-people tasks. Firing twice sends nothing twice."""
    day = date or timezone.now().date().isoformat()
    user_ids = digest.digest_recipient_ids()
    for start in range(0, len(user_ids), 100):
        send_digests.delay(user_ids[start : start + 100], day)
    return len(user_ids)


@shared_task(
    bind=True,
    name="causeweb.notifications.tasks.send_digests",
    # Six retries with backoff span about an hour: a digest later than that is stale news.
    **{**TASK_DEFAULTS, "max_retries": 6},
    time_limit=TASK_TIME_LIMIT,
)
def send_digests(self, user_ids: list[int], date: str) -> int:
    day = date_type.fromisoformat(date)
    sent, retry = 0, []
    for user_id in user_ids:
        try:
            sent += digest.digest_send_for_user(user_id=user_id, date=day)
        except Exception as exc:
            if delivery.is_transient(exc):
                retry.append(user_id)
            else:  # one person's broken digest must not hold up everyone else's
                logger.exception("digest for user %s failed", user_id)
    if retry and not self.request.is_eager:
        raise self.retry(args=[retry, date], countdown=delivery.backoff_seconds(self.request.retries + 1))
    return sent


BEAT_SCHEDULE = {
    "notifications-sweep-undelivered": {
        "task": "causeweb.notifications.tasks.sweep_undelivered",
        "schedule": 60.0,
        "options": {"expires": 55},  # a sweep that waited a minute is superseded by the next one
    },
    "notifications-daily-digest": {
        "task": "causeweb.notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=0),
    },
}
