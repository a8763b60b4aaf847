"""Paying a pledge on-session after its off-session charge at the deadline failed (the pledge is
`payment_required`: the card was declined, or the bank asked for 3-D Secure while the backer
was away). The backer opens the link in their email within the grace period and pays with the
saved card or a new one; 3-D Secure runs in their browser. Success makes the pledge `collected`
through the donation state machine (a Donation with its receipt), exactly once.

Each attempt is a Donation the pledge points to (`Pledge.donation`): a pending one is reused (a
double click, a reload, the off-session intent that waits for 3-D Secure), a failed or canceled
one is kept as history and a new attempt takes its place. As everywhere in fundraising, no
Stripe call is made inside a transaction: (1) lock the pledge and its attempt, claim it, commit;
(2) create the PaymentIntent and store its id; (3) confirm it on-session (2 and 3 are
services.saved_card, shared with the off-session charges); (4) lock and apply Stripe's answer.
A second request during (2) finds the claim and waits (the page polls); a webhook and the page
arriving together meet in `_mark_succeeded`, which counts a payment once.

Lock order: Pledge row -> Donation row -> CampaignFunding row (as in services.pledges).
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from fundraising import gateway, policies, rules
from fundraising.models import Donation, Pledge, StripeCustomer
from fundraising.services.saved_card import card_for_receipt, saved_card_intent
from fundraising.services.transitions import _apply_intent, _lock, _mark_canceled

logger = logging.getLogger(__name__)

# A request creating an attempt's PaymentIntent; after this long its claim is stale (it died).
PAY_CLAIM_TIMEOUT = timedelta(minutes=2)


@dataclass(frozen=True)
class PledgePayment:
    """What the pay page does next: `collected` (show the receipt), `requires_action` (run
    3-D Secure with `client_secret`, then refresh), `failed` (show `message`, offer another
    card) or `processing` (another request is paying: check again shortly)."""

    status: str
    client_secret: str = ""
    message: str = ""


def _check_payable(pledge: Pledge, actor) -> None:
    if not policies.can_manage_pledge(pledge=pledge, user=actor):
        raise PermissionDenied(gettext("Only the backer can pay this pledge."))
    problem = rules.pledge_payment_closed_reason(pledge)
    if problem:
        raise Conflict(problem, code="pledge_not_payable")


def _lock_pledge(pledge_id: int) -> Pledge:
    return Pledge.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=pledge_id)


def pledge_pay_card_setup(*, pledge: Pledge, actor) -> dict:
    """A SetupIntent for a new card (the page confirms it with the card element); nothing is
    charged until `pledge_pay` with its id. Returns {"setup_intent_id", "client_secret"}."""
    pledge = Pledge.objects.select_related("campaign").get(pk=pledge.pk)
    _check_payable(pledge, actor)
    customer_id = pledge.stripe_customer_id or StripeCustomer.objects.get(user_id=pledge.backer_id).customer_id
    attempt = Pledge.objects.filter(pk=pledge.pk).values_list("updated_at", flat=True).get()
    setup = gateway.setup_intent_create(
        customer_id=customer_id,
        metadata={"pledge_id": str(pledge.pk), "campaign_id": str(pledge.campaign_id), "purpose": "pledge_payment"},
        idempotency_key=f"pledge-{pledge.pk}-pay-setup-{int(attempt.timestamp() * 1000)}",
    )
    # Touch the pledge, so the next new-card attempt gets its own key.
    Pledge.objects.filter(pk=pledge.pk).update(updated_at=timezone.now())
    return {"setup_intent_id": setup["id"], "client_secret": setup["client_secret"]}


def _new_card(pledge: Pledge, setup_intent_id: str) -> str:
    """The payment method of a new card the page saved for this pledge (checked with Stripe)."""
    setup = gateway.setup_intent_retrieve(setup_intent_id=setup_intent_id)
    if setup["metadata"].get("pledge_id") != str(pledge.pk) or setup["customer"] != pledge.stripe_customer_id:
        raise ValidationError(gettext("This card confirmation does not belong to this pledge."))
    if setup["status"] != "succeeded" or not setup["payment_method"]:
        raise ValidationError(
            rules.payment_failure_message(
                code=setup["error_code"], decline_code=setup["decline_code"], stripe_message=setup["error_message"]
            )
            if setup["error_code"] or setup["decline_code"]
            else (setup["error_message"] or rules.CARD_NOT_SAVED_MESSAGE)
        )
    return setup["payment_method"]


def _claim(pledge_id: int, actor, payment_method_id: str):
    """Step 1, one short transaction: lock the pledge and its current attempt; reuse a pending
    attempt with this card, or start a new one. Returns (pledge, attempt, claimed_at, to_cancel):
    claimed_at is set when this request must create the PaymentIntent; to_cancel is a pending
    attempt with another card whose PaymentIntent must be canceled first."""
    with transaction.atomic():
        pledge = _lock_pledge(pledge_id)
        if pledge.state == Pledge.State.COLLECTED:
            return pledge, None, None, None
        _check_payable(pledge, actor)
        attempt = _lock(pledge.donation_id) if pledge.donation_id else None
        if attempt is not None and attempt.is_paid:
            return pledge, attempt, None, None  # paid (a webhook won): the pledge moves with it
        if attempt is not None and attempt.state == Donation.State.PENDING:
            if attempt.stripe_payment_method_id != payment_method_id:
                if attempt.stripe_payment_intent_id:
                    return pledge, attempt, None, attempt
                # No PaymentIntent yet: the card can still change on this attempt.
                attempt.stripe_payment_method_id = payment_method_id
                attempt.save(update_fields=["stripe_payment_method_id", "updated_at"])
        else:
            attempt = Donation.objects.create(
                campaign_id=pledge.campaign_id,
                donor_id=pledge.backer_id,
                donor_name=pledge.backer_name,
                email=pledge.email,
                visibility=pledge.visibility,
                amount_minor=pledge.amount_minor,
                currency=pledge.currency,
                stripe_customer_id=pledge.stripe_customer_id,
                stripe_payment_method_id=payment_method_id,
            )
            pledge.donation = attempt
            pledge.save(update_fields=["donation", "updated_at"])
        if attempt.stripe_payment_intent_id:
            return pledge, attempt, None, None
        now = timezone.now()
        if attempt.charge_started_at and attempt.charge_started_at > now - PAY_CLAIM_TIMEOUT:
            return pledge, attempt, None, None  # another request is creating the PaymentIntent
        attempt.charge_started_at = now
        attempt.save(update_fields=["charge_started_at", "updated_at"])
        return pledge, attempt, now, None


def _cancel_attempt(pledge: Pledge, attempt: Donation) -> gateway.PaymentIntentResult:
    """The backer switched cards while an attempt waits (e.g. for 3-D Secure): cancel its
    PaymentIntent so it can never be paid as well, unless Stripe says it already succeeded."""
    intent = gateway.payment_intent_retrieve(payment_intent_id=attempt.stripe_payment_intent_id)
    if intent.status not in ("succeeded", "canceled", "processing"):
        try:
            intent = gateway.payment_intent_cancel(
                payment_intent_id=intent.id, idempotency_key=f"pledge-{pledge.pk}-pay-{attempt.pk}-cancel"
            )
        except gateway.GatewayError as exc:
            if exc.code == "unavailable":
                raise
            intent = gateway.payment_intent_retrieve(payment_intent_id=intent.id)
    with transaction.atomic():
        _lock_pledge(pledge.pk)
        locked = _lock(attempt.pk)
        if intent.status == "canceled":
            _mark_canceled(locked)
        else:
            _apply_intent(locked, intent)
    return intent


def _stripe_answer(pledge: Pledge, attempt: Donation, claimed_at) -> gateway.PaymentIntentResult:
    """Steps 2 and 3, no transaction open (services.saved_card): the attempt's PaymentIntent,
    created and its id stored when this request holds the claim (with the card's brand and last
    four for the receipt), else the stored one fetched; confirmed on-session when it waits for it.
    A refused or unreachable creation releases the claim, so the backer can try again."""
    store = {}
    if not attempt.stripe_payment_intent_id:
        card_brand, card_last4 = card_for_receipt(attempt.stripe_payment_method_id)
        store = {"card_brand": card_brand, "card_last4": card_last4}
    try:
        return saved_card_intent(
            attempt,
            metadata={
                "donation_id": str(attempt.pk),
                "pledge_id": str(pledge.pk),
                "campaign_id": str(pledge.campaign_id),
            },
            create_key=f"pledge-{pledge.pk}-pay-{attempt.pk}-intent",
            confirm_key=f"pledge-{pledge.pk}-pay-{attempt.pk}-confirm",
            off_session=False,
            store=store,
        )
    except gateway.GatewayError:
        if claimed_at is not None:  # guarded: a stored PaymentIntent keeps the attempt
            Donation.objects.filter(pk=attempt.pk, charge_started_at=claimed_at, stripe_payment_intent_id=None).update(
                charge_started_at=None
            )
        raise


def _apply(pledge_id: int, attempt_id: int, intent: gateway.PaymentIntentResult | None) -> PledgePayment:
    """Step 4: lock the pledge, then the attempt, and apply Stripe's answer. A success moves the
    pledge to `collected` inside `_mark_succeeded` (with the receipt and the campaign's totals)."""
    with transaction.atomic():
        pledge = _lock_pledge(pledge_id)
        attempt = _lock(attempt_id)
        client_secret = _apply_intent(attempt, intent) if intent is not None and not attempt.is_paid else ""
        if attempt.is_paid:
            return PledgePayment("collected")
        if client_secret:
            return PledgePayment("requires_action", client_secret=client_secret)
        if attempt.state == Donation.State.PENDING:
            return PledgePayment("processing")
        if pledge.state == Pledge.State.PAYMENT_REQUIRED:
            pledge.failure_message = attempt.failure_message[:300]
            pledge.save(update_fields=["failure_message", "updated_at"])
        return PledgePayment("failed", message=attempt.failure_message or rules.DECLINED_MESSAGE)


def pledge_pay(*, pledge: Pledge, actor, setup_intent_id: str = "") -> PledgePayment:
    """Pay a `payment_required` pledge now: with the saved card, or with the new card of the
    SetupIntent `setup_intent_id` (from `pledge_pay_card_setup`). Safe to call twice at once."""
    fresh = Pledge.objects.select_related("campaign").get(pk=pledge.pk)
    if fresh.state == Pledge.State.COLLECTED and policies.can_manage_pledge(pledge=fresh, user=actor):
        return PledgePayment("collected")  # a second click after the first one paid
    _check_payable(fresh, actor)
    payment_method_id = _new_card(pledge, setup_intent_id) if setup_intent_id else pledge.stripe_payment_method_id
    for _ in range(2):  # a second round only after canceling an attempt with another card
        current, attempt, claimed_at, to_cancel = _claim(pledge.pk, actor, payment_method_id)
        if attempt is None:
            return PledgePayment("collected")
        if to_cancel is None:
            break
        if _cancel_attempt(current, to_cancel).status == "succeeded":
            return PledgePayment("collected")
    else:
        return PledgePayment("processing")
    if attempt.is_paid:
        return PledgePayment("collected")
    if claimed_at is None and not attempt.stripe_payment_intent_id:
        return PledgePayment("processing")  # another request is creating its PaymentIntent
    return _apply(pledge.pk, attempt.pk, _stripe_answer(current, attempt, claimed_at))


def pledge_pay_refresh(*, pledge: Pledge, actor) -> PledgePayment:
    """After 3-D Secure in the page: ask Stripe how the attempt ended (the browser's word never
    counts) and apply it."""
    if not policies.can_manage_pledge(pledge=pledge, user=actor):
        raise PermissionDenied(gettext("Only the backer can pay this pledge."))
    current = Pledge.objects.select_related("donation").get(pk=pledge.pk)
    attempt = current.donation
    if attempt is None or not attempt.stripe_payment_intent_id:
        raise Conflict(gettext("This pledge has no payment to check yet."), code="no_payment")
    if attempt.is_paid:
        return PledgePayment("collected")
    intent = gateway.payment_intent_retrieve(payment_intent_id=attempt.stripe_payment_intent_id)
    return _apply(current.pk, attempt.pk, intent)
