"""Donations left pending (the page closed mid-way, 3D Secure never answered, a lost webhook),
finished against Stripe by the hourly task."""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from causeweb.core.exceptions import Conflict
from fundraising import gateway
from fundraising.models import Donation
from fundraising.services.charging import CHARGE_CLAIM_TIMEOUT
from fundraising.services.transitions import _apply_intent, _lock, _mark_canceled

logger = logging.getLogger(__name__)

# A donation still pending this long is settled against Stripe (was 24 h). The webhook records
# nearly every outcome within a minute; this net is for the rest (a lost webhook, a page closed
# mid-way, a 3-D Secure challenge never answered). An hour is the smallest value we hold safe:
# settling cancels a PaymentIntent still waiting for the donor and cancels a donation with none, so
# it must not reach a donor still at work. The card step takes minutes (issuers' 3-D Secure
# challenges typically time out within about 10), and a donor back after an hour is told
# EXPIRED_MESSAGE. A request creating its PaymentIntent is never raced (CHARGE_CLAIM_TIMEOUT).
# Run every 15 minutes (fundraising/tasks.py): worst case about 75 minutes pending.
STALE_AFTER = timedelta(hours=1)

EXPIRED_MESSAGE = _("This donation was not completed in time and nothing was charged. Please start again.")


def _settle_one(pk: int) -> bool:
    """Ask Stripe (outside any transaction) about one pending donation, then apply its answer
    under the row lock. False when the donation was no longer pending."""
    donation = Donation.objects.filter(pk=pk).first()
    if donation is None or donation.state != Donation.State.PENDING:
        return False
    claimed = donation.charge_started_at and donation.charge_started_at > timezone.now() - CHARGE_CLAIM_TIMEOUT
    if claimed and not donation.stripe_payment_intent_id:
        return False  # a request is creating its PaymentIntent right now: the next run settles it
    intent = None
    if donation.stripe_payment_intent_id:
        intent = gateway.payment_intent_retrieve(payment_intent_id=donation.stripe_payment_intent_id)
        if intent.status in ("requires_action", "requires_confirmation", "requires_payment_method"):
            intent = gateway.payment_intent_cancel(
                payment_intent_id=intent.id, idempotency_key=f"donation-{donation.pk}-cancel"
            )
    with transaction.atomic():
        donation = _lock(pk)
        if donation.state != Donation.State.PENDING:
            return False
        if intent is not None:
            _apply_intent(donation, intent)
        elif not donation.stripe_payment_intent_id:
            _mark_canceled(donation)
        if donation.state == Donation.State.CANCELED and not donation.failure_message:
            # What the page says to a donor who comes back to it (not "your card was declined").
            donation.failure_message = EXPIRED_MESSAGE
            donation.save(update_fields=["failure_message", "updated_at"])
    return True


def donation_settle_stale(*, older_than: timedelta = STALE_AFTER, limit: int = 200) -> dict[str, int]:
    """Finish donations left pending (page closed mid-way, 3D Secure never answered, a lost
    webhook): ask Stripe about each PaymentIntent, cancel the ones still waiting for the donor
    so they can never be charged later, and apply whatever Stripe says. Stripe is called with no
    transaction open; each answer is applied under the donation row lock. Safe to run again."""
    cutoff = timezone.now() - older_than
    pending_ids = list(
        Donation.objects.filter(state=Donation.State.PENDING, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    outcome = {"succeeded": 0, "failed": 0, "canceled": 0, "pending": 0, "errors": 0}
    for pk in pending_ids:
        try:
            if not _settle_one(pk):
                continue
        except (gateway.GatewayError, Conflict) as exc:
            logger.warning("could not settle stale donation %s: %s", pk, exc)
            outcome["errors"] += 1
            continue
        state = Donation.objects.filter(pk=pk).values_list("state", flat=True).first()
        key = "succeeded" if state in Donation.PAID_STATES else state
        outcome[key] = outcome.get(key, 0) + 1
    return outcome
