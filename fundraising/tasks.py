"""Thin Celery tasks on the `payments` queue (CELERY_TASK_ROUTES sends fundraising.tasks.* there),
so a mail backlog never delays money. Each is idempotent: the service locks the StripeEvent row
and skips an event that was already applied."""

import logging
from datetime import timedelta

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

logger = logging.getLogger(__name__)

# An event still pending after this long lost its task (broker down at receipt): the sweep re-queues it.
SWEEP_AFTER = timedelta(minutes=2)

BEAT_SCHEDULE = {
    "fundraising-stripe-event-sweep": {
        "task": "fundraising.tasks.stripe_event_sweep",
        "schedule": 300.0,
    },
    "fundraising-settle-stale-donations": {
        "task": "fundraising.tasks.donation_settle_stale",
        "schedule": 3600.0,
    },
}


@shared_task(
    name="fundraising.tasks.stripe_event_process",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=8,
)
def stripe_event_process(stripe_event_pk: int) -> str:
    from fundraising import services

    return services.stripe_event_process(stripe_event_pk=stripe_event_pk)


@shared_task(name="fundraising.tasks.stripe_event_sweep", acks_late=True)
def stripe_event_sweep() -> int:
    from fundraising.models import StripeEvent

    stale = StripeEvent.objects.filter(
        status=StripeEvent.Status.PENDING, received_at__lt=timezone.now() - SWEEP_AFTER
    ).values_list("pk", flat=True)[:500]
    count = 0
    for pk in stale:
        stripe_event_process.delay(pk)
        count += 1
    return count


@shared_task(
    name="fundraising.tasks.donation_settle_stale",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=3,
)
def donation_settle_stale() -> dict:
    from fundraising import services

    return services.donation_settle_stale()
