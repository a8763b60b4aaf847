"""Thin Celery wrappers around campaigns.services."""

from celery import shared_task
from celery.schedules import crontab

from campaigns.services import delivery, lifecycle, signatures, trending, webhooks
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
    "campaigns-sweep-webhooks": {"task": "campaigns.tasks.sweep_webhooks", "schedule": 600.0},
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


WEBHOOK_RETRIES = 8  # about 1, 2, 4 ... 128 minutes apart: a partner's outage of a few hours


@shared_task(
    bind=True,
    name="campaigns.tasks.deliver_webhook",
    # Retried by hand below (a partner's non-2xx answer is not an exception), with a longer
    # backoff than TASK_DEFAULTS': partners' outages last longer than our database's hiccups.
    **{**TASK_DEFAULTS, "max_retries": WEBHOOK_RETRIES},
)
def deliver_webhook(self, delivery_id: int) -> bool:
    """Send one webhook delivery; retry with exponential backoff until delivered or given up.
    Idempotent: a delivered (or given-up) delivery is not sent again."""
    if webhooks.webhook_delivery_attempt(delivery_id=delivery_id):
        return True
    if self.request.retries >= WEBHOOK_RETRIES:
        webhooks.webhook_delivery_give_up(delivery_id=delivery_id)
        return False
    if self.request.is_eager:
        # Without a broker (the embedded mode) there is nobody to retry later: the sweep below does.
        return False
    raise self.retry(countdown=60 * 2**self.request.retries)


@shared_task(name="campaigns.tasks.sweep_webhooks", **TASK_DEFAULTS)
def sweep_webhooks() -> int:
    """Send deliveries that were recorded but never sent (the broker was down at commit, or no
    broker at all). Idempotent: a delivery already sent is not sent again."""
    stalled = webhooks.webhook_delivery_ids_stalled()
    for delivery_id in stalled:
        deliver_webhook.delay(delivery_id)
    return len(stalled)
