"""Thin Celery wrappers around campaigns.services."""

from celery import shared_task
from celery.schedules import crontab


@shared_task(
    name="campaigns.tasks.close_expired_campaigns", acks_late=True, autoretry_for=(OSError,), retry_backoff=True
)
def close_expired_campaigns() -> int:
    """Close published campaigns whose deadline passed. Idempotent: a rerun closes nothing new."""
    from campaigns.services import campaign_close_expired

    return campaign_close_expired()


@shared_task(name="campaigns.tasks.purge_unconfirmed_signatures", acks_late=True)
def purge_unconfirmed_signatures() -> int:
    from campaigns.services import signature_purge_unconfirmed

    return signature_purge_unconfirmed()


BEAT_SCHEDULE = {
    "campaigns-close-expired": {"task": "campaigns.tasks.close_expired_campaigns", "schedule": crontab(minute=5)},
    "campaigns-purge-unconfirmed-signatures": {
        "task": "campaigns.tasks.purge_unconfirmed_signatures",
        "schedule": crontab(hour=3, minute=30),
    },
}
