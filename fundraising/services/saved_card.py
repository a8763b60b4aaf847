"""Charging a card we already hold, the Stripe step shared by pledges at the deadline
(`pledges.pledge_charge`), pledges paid later on-session (`pledge_payments.pledge_pay`) and monthly
gifts (`monthly.monthly_plan_charge`).

Every caller does the same four steps, and only the first and the last are its own:

1. claim, in a short transaction of the caller's (its row lock): the Donation the charge will be
   exists before any money moves, and the claim keeps a second worker or click off it;
2. `saved_card_intent` (this module), with **no transaction open**: the donation's PaymentIntent,
   created under the caller's idempotency key and its id stored before it is confirmed (a crash
   after this resumes from the stored id, never a second PaymentIntent), or the stored one
   fetched again;
3. also here: confirm it (off-session for the deadline and the monthly charge) when it waits for
   confirmation, under the caller's second key; an intent Stripe already confirmed is never
   confirmed again;
4. apply, in the caller's transaction: lock the rows and make the guarded donation transition.
"""

import logging

from django.utils import timezone

from fundraising import gateway
from fundraising.models import Donation

logger = logging.getLogger(__name__)


def card_for_receipt(payment_method_id: str) -> tuple[str, str]:
    """Brand and last four of the card that paid, for the receipt. Not worth failing a payment
    over: if Stripe does not answer, the receipt just names no card. Call with no transaction open."""
    try:
        card = gateway.payment_method_card(payment_method_id=payment_method_id)
    except gateway.GatewayError as exc:
        logger.warning("could not read card details of %s: %s", payment_method_id, exc)
        return "", ""
    return card["brand"][:20], card["last4"][:4]


def _intent_create_stored(donation: Donation, *, metadata: dict, create_key: str, store: dict):
    """Create the PaymentIntent and store its id unless one is stored already (a guarded UPDATE).
    When another run stored one first (only after a claim outlived its timeout), that one counts."""
    intent = gateway.payment_intent_create(
        amount_minor=donation.total_minor,
        currency=donation.currency,
        customer_id=donation.stripe_customer_id,
        payment_method_id=donation.stripe_payment_method_id,
        metadata=metadata,
        idempotency_key=create_key,
    )
    stored = Donation.objects.filter(pk=donation.pk, stripe_payment_intent_id__isnull=True).update(
        stripe_payment_intent_id=intent.id, updated_at=timezone.now(), **store
    )
    if stored:
        return intent
    kept = Donation.objects.values_list("stripe_payment_intent_id", flat=True).get(pk=donation.pk)
    if kept == intent.id:
        return intent
    logger.error("donation %s: PaymentIntent %s not stored, %s was", donation.pk, intent.id, kept)
    return gateway.payment_intent_retrieve(payment_intent_id=kept)


def saved_card_intent(
    donation: Donation,
    *,
    metadata: dict,
    create_key: str,
    confirm_key: str,
    off_session: bool,
    store: dict | None = None,
) -> gateway.PaymentIntentResult:
    """Steps 2 and 3 for a claimed `donation` (its saved customer and payment method): Stripe's
    PaymentIntent for it, confirmed. `store` adds fields written with the PaymentIntent id (the
    card's brand and last four). Call it with no transaction open; GatewayError propagates."""
    if donation.stripe_payment_intent_id:
        intent = gateway.payment_intent_retrieve(payment_intent_id=donation.stripe_payment_intent_id)
    else:
        intent = _intent_create_stored(donation, metadata=metadata, create_key=create_key, store=store or {})
    if intent.status != "requires_confirmation":
        return intent
    session = {"off_session": True} if off_session else {}
    return gateway.payment_intent_confirm(payment_intent_id=intent.id, idempotency_key=confirm_key, **session)
