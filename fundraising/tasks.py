"""Thin Celery tasks on the `payments` queue (CELERY_TASK_ROUTES sends fundraising.tasks.* there),
so a mail backlog never delays money. Each is idempotent: the service locks the StripeEvent row
and skips an event that was already applied. Tasks call services and selectors only."""

import logging
from datetime import timedelta

from celery import shared_task

from causeweb.celery import TASK_DEFAULTS
from fundraising import gateway, selectors
from fundraising.services import monthly, pledges, reconciliation, settling, webhooks

logger = logging.getLogger(__name__)

# An event still pending after this long lost its task (broker down at receipt): the sweep, every
# minute, re-queues it. Worst case from receipt to applied while the broker is up: about 90 s.
SWEEP_AFTER = timedelta(seconds=30)

SETTLE_EVERY = 900.0

BEAT_SCHEDULE = {
    "fundraising-stripe-event-sweep": {
        "task": "fundraising.tasks.stripe_event_sweep",
        "schedule": 60.0,
        "options": {"expires": 55},  # a sweep that waited a minute is superseded by the next one
    },
    # Donations pending over settling.STALE_AFTER (1 h): worst case about 75 minutes pending.
    "fundraising-settle-stale-donations": {
        "task": "fundraising.tasks.donation_settle_stale",
        "schedule": SETTLE_EVERY,
        "options": {"expires": SETTLE_EVERY - 60},  # superseded by the next run
    },
    # Finds all-or-nothing campaigns past their deadline (and collections a crash left half done).
    "fundraising-pledge-deadlines": {
        "task": "fundraising.tasks.pledge_deadline_sweep",
        "schedule": 300.0,
    },
    "fundraising-pledge-payment-reminders": {
        "task": "fundraising.tasks.pledge_payment_reminders",
        "schedule": 3600.0,
    },
    # Monthly gifts due (their anchor day, or a retry after a failed charge). Every 15 minutes: a
    # plan is charged at most once per period whatever beat does (MonthlyCharge is unique).
    "fundraising-monthly-charges": {
        "task": "fundraising.tasks.monthly_charges_due",
        "schedule": 900.0,
        "options": {"expires": 840},
    },
    "fundraising-reconciliation": {
        "task": "fundraising.tasks.reconciliation_run",
        "schedule": 3600.0,
    },
}


# A webhook must be applied: more tries, spaced at most five minutes apart (the sweep runs every five).
@shared_task(
    name="fundraising.tasks.stripe_event_process", **{**TASK_DEFAULTS, "max_retries": 8, "retry_backoff_max": 300}
)
def stripe_event_process(stripe_event_pk: int) -> str:
    return webhooks.stripe_event_process(stripe_event_pk=stripe_event_pk)


@shared_task(name="fundraising.tasks.stripe_event_sweep", **TASK_DEFAULTS)
def stripe_event_sweep() -> int:
    count = 0
    for pk in selectors.stripe_event_ids_stale(older_than=SWEEP_AFTER, limit=500):
        stripe_event_process.delay(pk)
        count += 1
    return count


# Runs hourly and calls Stripe once per stale donation: few retries, the next run picks up the rest.
@shared_task(name="fundraising.tasks.donation_settle_stale", **{**TASK_DEFAULTS, "max_retries": 3})
def donation_settle_stale() -> dict:
    return settling.donation_settle_stale()


@shared_task(name="fundraising.tasks.pledge_deadline_sweep", **TASK_DEFAULTS)
def pledge_deadline_sweep() -> int:
    campaign_ids = selectors.campaign_ids_pledges_due()
    for campaign_id in campaign_ids:
        pledge_campaign_settle.delay(campaign_id)
    return len(campaign_ids)


@shared_task(name="fundraising.tasks.pledge_campaign_settle", **TASK_DEFAULTS)
def pledge_campaign_settle(campaign_id: int) -> str:
    """Decide once (goal met or missed), then charge one batch and queue the next one, so a big
    campaign never holds a payments worker for long (other payments run between batches)."""
    outcome = pledges.pledge_campaign_decide(campaign_id=campaign_id)
    if outcome == "collecting":
        left, progressed = pledges.pledge_collect_batch(campaign_id=campaign_id)
        if left and progressed:  # no progress (Stripe down, claims held elsewhere): the sweep comes back
            pledge_campaign_settle.delay(campaign_id)
    return outcome


@shared_task(name="fundraising.tasks.pledge_payment_reminders", **TASK_DEFAULTS)
def pledge_payment_reminders() -> dict:
    return pledges.pledge_payment_reminders()


@shared_task(name="fundraising.tasks.monthly_charges_due", **TASK_DEFAULTS)
def monthly_charges_due() -> int:
    """Queue one task per plan due now, so one slow or failing charge holds up no other."""
    plan_ids = monthly.monthly_plan_ids_due()
    for plan_id in plan_ids:
        monthly_plan_charge.delay(plan_id)
    return len(plan_ids)


# A charge left claimed (Stripe down, worker lost) is resumed by a later beat run once its claim is
# stale, from the PaymentIntent it stored; a retried task meanwhile finds the claim and does nothing.
@shared_task(name="fundraising.tasks.monthly_plan_charge", **TASK_DEFAULTS)
def monthly_plan_charge(plan_id: int) -> str:
    try:
        return monthly.monthly_plan_charge(plan_id=plan_id)
    except gateway.GatewayError as exc:
        logger.warning("monthly plan %s not charged now (%s); a later run resumes it", plan_id, exc.message)
        return ""


# Hourly, and from the admin's "run now". One run at a time (the service refuses a second while one
# is `running`); a Stripe outage ends the run failed and the next hour reads the same window again,
# so no retry here beyond the database/network defaults.
@shared_task(name="fundraising.tasks.reconciliation_run", **TASK_DEFAULTS)
def reconciliation_run(trigger: str = "schedule", actor_id: int | None = None) -> int | None:
    actor = selectors.user_by_id(actor_id) if actor_id else None
    try:
        return reconciliation.reconciliation_run(trigger=trigger, actor=actor).pk
    except reconciliation.ReconciliationBusy:
        logger.info("reconciliation already running; skipped")
        return None
