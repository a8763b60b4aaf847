"""Thin Celery wrappers around campaigns.services."""

from celery import shared_task
from celery.schedules import crontab

from campaigns.services import delivery, lifecycle, signatures, trending
from causeweb.celery import TASK_DEFAULTS


@shared_task(name="campaigns.tasks.close_expired_campaigns", **TASK_DEFAULTS)
def close_expired_campaigns() -> int:
    """Close published campaigns whose deadline passed. Idempotent: a rerun closes nothing new."""
    return lifecycle.campaign_close_expired()


@shared_task(name="campaigns.tasks.purge_unconfirmed_signatures", **TASK_DEFAULTS)
def purge_unconfirmed_signatures() -> int:
    """Forget guests who never confirmed. Idempotent: a rerun deletes nothing new."""
    return signatures.signature_purge_unconfirmed()


@shared_task(name="campaigns.tasks.refresh_trending_scores", **TASK_DEFAULTS)
def refresh_trending_scores() -> int:
    """Recompute the campaigns' trending scores over the window. Idempotent."""
    return trending.campaign_trending_refresh()


BEAT_SCHEDULE = {
    "campaigns-refresh-trending": {
        "task": "campaigns.tasks.refresh_trending_scores",
        "schedule": crontab(minute="*/10"),
    },
    "campaigns-close-expired": {"task": "campaigns.tasks.close_expired_campaigns", "schedule": crontab(minute=5)},
    "campaigns-purge-unconfirmed-signatures": {
        "task": "campaigns.tasks.purge_unconfirmed_signatures",
        "schedule": crontab(hour=3, minute=30),
    },
}


@shared_task(name="campaigns.tasks.deliver_petition", **TASK_DEFAULTS)
def deliver_petition(delivery_id: int, note: str = "") -> bool:
    """Mail the petition file to its decision-maker. Idempotent: a mailed delivery is not mailed again."""
    return delivery.petition_delivery_email(delivery_id=delivery_id, note=note)
