"""Charging a pending donation's card, and what Stripe says of it afterwards: `donation_charge`
(one PaymentIntent the server creates and confirms, in four steps with no Stripe call under a row
lock), `donation_charge_new` (the API's create with a new card), `donation_refresh` (after 3D
Secure) and `donation_setup_failed` (the page could not save the card). The browser's word never
counts: only what Stripe returns to the server."""

import logging
import re
from datetime import timedelta

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from causeweb.core.exceptions import Conflict, ValidationError
from fundraising import gateway
from fundraising.models import Donation, MonthlyPlan
from fundraising.services.donations import DonationNotStarted
from fundraising.services.saved_card import card_for_receipt
from fundraising.services.transitions import (
    CARD_NOT_SAVED_MESSAGE,
    DECLINED_MESSAGE,
    _apply_intent,
    _failure_message,
    _lock,
    _mark_failed,
    donation_mark_failed,
)

logger = logging.getLogger(__name__)

# How long a request's claim to create a donation's PaymentIntent holds: longer than the two
# Stripe calls can take (2 x ~17 s worst case, see fundraising/gateway.py), so a second request
# never creates a second intent while the first is still talking to Stripe.
CHARGE_CLAIM_TIMEOUT = timedelta(seconds=60)
# What Stripe.js hands the page for a card: a PaymentMethod (pm_), or a token's card (card_: what
# localstripe's fake Stripe.js makes, see static/fundraising/donate.js).
PAYMENT_METHOD_ID = re.compile(r"(pm|card)_[A-Za-z0-9_]{1,200}")


def _setup_failure_message(setup: dict) -> str:
    if setup["error_code"] or setup.get("decline_code"):
        return _failure_message(
            setup["error_message"], code=setup["error_code"], decline_code=setup.get("decline_code")
        )
    return setup["error_message"] or DECLINED_MESSAGE


def _release_charge_claim(donation_pk: int, claimed_at) -> None:
    """The PaymentIntent could not be created: let the donor try again at once."""
    Donation.objects.filter(pk=donation_pk, charge_started_at=claimed_at, stripe_payment_intent_id=None).update(
        charge_started_at=None
    )


def _claim_charge(donation: Donation, setup_intent_id: str, payment_method_id: str = ""):
    """Step 1 of a charge, one short transaction: lock the row, check it, and record that this
    request is creating the PaymentIntent (`charge_started_at`), so a second click or a retry
    during the Stripe call waits for it instead of creating a second one. Returns (donation,
    claimed_at): claimed_at is None when there is nothing to create (the intent is stored, another
    request holds a fresh claim, or the donation is not pending any more)."""
    with transaction.atomic():
        locked = Donation.objects.select_for_update().get(pk=donation.pk)
        if locked.state != Donation.State.PENDING:
            return locked, None
        if payment_method_id:
            if locked.stripe_setup_intent_id or not PAYMENT_METHOD_ID.fullmatch(payment_method_id):
                raise ValidationError(gettext("This card does not belong to this donation."))
        elif not setup_intent_id or setup_intent_id != locked.stripe_setup_intent_id:
            raise ValidationError(gettext("This card confirmation does not belong to this donation."))
        if locked.stripe_payment_intent_id:
            return locked, None
        now = timezone.now()
        if locked.charge_started_at and locked.charge_started_at > now - CHARGE_CLAIM_TIMEOUT:
            return locked, None
        locked.charge_started_at = now
        locked.save(update_fields=["charge_started_at", "updated_at"])
        return locked, now


def _create_intent(donation: Donation, claimed_at, payment_method_id: str = "") -> Donation | None:
    """Step 2, no transaction open: check the saved card with Stripe (SetupIntent path) and
    create the PaymentIntent, then store its id (a short transaction). Returns None when the card
    was not saved (the donation is failed). With `payment_method_id` (the page's card, not saved
    yet) the one PaymentIntent also saves it for off-session use when a monthly gift needs it."""
    try:
        if payment_method_id:
            setup = {"payment_method": payment_method_id}
        else:
            setup = gateway.setup_intent_retrieve(setup_intent_id=donation.stripe_setup_intent_id)
            if setup["status"] != "succeeded" or not setup["payment_method"]:
                with transaction.atomic():
                    locked = _lock(donation.pk)
                    if not locked.stripe_payment_intent_id:
                        _mark_failed(locked, message=_setup_failure_message(setup))
                return None
        card_brand, card_last4 = card_for_receipt(setup["payment_method"])
        intent = gateway.payment_intent_create(
            amount_minor=donation.total_minor,
            currency=donation.currency,
            customer_id=donation.stripe_customer_id,
            payment_method_id=setup["payment_method"],
            metadata={"donation_id": str(donation.pk), "campaign_id": str(donation.campaign_id)},
            idempotency_key=f"donation-{donation.pk}-intent",
            save_card=bool(payment_method_id) and MonthlyPlan.objects.filter(first_donation_id=donation.pk).exists(),
        )
    except gateway.GatewayError:
        _release_charge_claim(donation.pk, claimed_at)
        raise
    with transaction.atomic():
        locked = Donation.objects.select_for_update().get(pk=donation.pk)
        if not locked.stripe_payment_intent_id:
            locked.stripe_payment_intent_id = intent.id
            locked.stripe_payment_method_id = setup["payment_method"]
            locked.card_brand, locked.card_last4 = card_brand, card_last4
            locked.save(
                update_fields=[
                    "stripe_payment_intent_id",
                    "stripe_payment_method_id",
                    "card_brand",
                    "card_last4",
                    "updated_at",
                ]
            )
        elif locked.stripe_payment_intent_id != intent.id:  # only after a claim outlived its timeout
            logger.error(
                "donation %s: PaymentIntent %s not stored, %s was",
                locked.pk,
                intent.id,
                locked.stripe_payment_intent_id,
            )
    return locked


def _confirm_intent(donation: Donation) -> gateway.PaymentIntentResult:
    """Step 3, no transaction open: Stripe's current answer for the stored PaymentIntent,
    confirming it first when it waits for confirmation. A PaymentIntent charges at most once, so
    two requests confirming it at the same moment are harmless; the loser reads the outcome."""
    intent = gateway.payment_intent_retrieve(payment_intent_id=donation.stripe_payment_intent_id)
    if intent.status != "requires_confirmation":
        return intent
    try:
        return gateway.payment_intent_confirm(
            payment_intent_id=intent.id, idempotency_key=f"donation-{donation.pk}-confirm"
        )
    except gateway.GatewayError as exc:
        if exc.code == "unavailable":
            raise
        return gateway.payment_intent_retrieve(payment_intent_id=intent.id)


def _apply_answer(donation: Donation, intent: gateway.PaymentIntentResult) -> tuple[Donation, str]:
    """Step 4: lock the row again and apply Stripe's answer. Money may have moved by now, so a
    database failure here is not the donor's error: the donation stays pending, the
    payment_intent webhook and `donation_settle_stale` record the outcome, and the page polls."""
    try:
        with transaction.atomic():
            locked = _lock(donation.pk)
            if locked.state != Donation.State.PENDING:
                return locked, ""
            return locked, _apply_intent(locked, intent)
    except DatabaseError:
        logger.exception(
            "donation %s: could not record %s (%s); left to the webhook", donation.pk, intent.id, intent.status
        )
        donation.state = Donation.State.PENDING
        return donation, ""


def donation_charge(
    *, donation: Donation, setup_intent_id: str = "", payment_method_id: str = ""
) -> tuple[Donation, str]:
    """Charge the donor's card with one PaymentIntent the server creates and confirms: the card
    the page just made into a PaymentMethod (`payment_method_id`, the donate page: one 3-D Secure
    challenge at most), or the card saved by a confirmed SetupIntent (`setup_intent_id`, the API),
    checked with Stripe first. Returns the donation and, when the bank
    asks for 3D Secure, the PaymentIntent client secret the page passes to confirmCardPayment.

    No Stripe call is made inside a transaction or under a row lock (a slow Stripe must not hold
    database connections and locks): (1) lock, check, record the claim, commit; (2) create the
    PaymentIntent and store its id; (3) confirm it; (4) lock and apply Stripe's answer. A retry
    or a second click finds the stored intent (or a fresh claim) and never creates another one.
    If Stripe cannot be reached while confirming, the outcome is unknown: the donation is
    returned pending (the page says "we are confirming your payment" and polls); the webhook or
    the settling task records it.
    """
    locked, claimed_at = _claim_charge(donation, setup_intent_id, payment_method_id)
    if locked.state != Donation.State.PENDING:
        return locked, ""
    if claimed_at is not None:
        locked = _create_intent(locked, claimed_at, payment_method_id)
        if locked is None or locked.state != Donation.State.PENDING:  # failed, or settled meanwhile
            return Donation.objects.get(pk=donation.pk), ""
    if not locked.stripe_payment_intent_id:  # another request is creating it: the page polls
        return locked, ""
    try:
        intent = _confirm_intent(locked)
    except gateway.GatewayError as exc:
        if exc.code != "unavailable":
            raise
        logger.warning("donation %s: Stripe unreachable while confirming; outcome left to the webhook", locked.pk)
        return locked, ""
    return _apply_answer(locked, intent)


def donation_charge_new(*, donation: Donation, payment_method_id: str) -> tuple[Donation, str]:
    """Charge a donation just made by `donation_begin(card_setup=False)` with the card's
    PaymentMethod: one PaymentIntent (the API's create). Stripe refusing to create the intent
    (an unknown card, an outage) means no money moved: the donation is failed, so it never waits
    for a charge nobody will make, and DonationNotStarted is raised; a card Stripe does not know
    is the caller's input, a ValidationError on `payment_method_id`. No transaction open."""
    try:
        return donation_charge(donation=donation, payment_method_id=payment_method_id)
    except gateway.GatewayError as exc:
        donation_mark_failed(donation_id=donation.pk, message=exc.message)
        if exc.missing:
            raise ValidationError(
                {"payment_method_id": gettext("Stripe does not know this card; make it again with Stripe's SDK.")}
            ) from exc
        raise DonationNotStarted(exc, donation=donation) from exc


def donation_refresh(*, donation: Donation) -> tuple[Donation, str]:
    """Ask Stripe how the PaymentIntent ended (after the page ran 3D Secure). The browser's word
    never counts: only the PaymentIntent as Stripe returns it to the server. Stripe is asked
    outside any transaction; the answer is applied under the row lock."""
    current = Donation.objects.get(pk=donation.pk)
    if current.state != Donation.State.PENDING:
        return current, ""
    if not current.stripe_payment_intent_id:
        raise Conflict(gettext("This donation has no payment to check yet."), code="no_payment")
    intent = gateway.payment_intent_retrieve(payment_intent_id=current.stripe_payment_intent_id)
    return _apply_answer(current, intent)


def donation_setup_failed(*, donation: Donation) -> Donation:
    """The page could not save the card (declined at setup, 3D Secure refused). Stripe is asked
    (outside any transaction) for the SetupIntent's state; a donation with a PaymentIntent is
    settled by that instead."""
    current = Donation.objects.get(pk=donation.pk)
    if current.state != Donation.State.PENDING or current.stripe_payment_intent_id:
        return current
    message = CARD_NOT_SAVED_MESSAGE
    if current.stripe_setup_intent_id:
        setup = gateway.setup_intent_retrieve(setup_intent_id=current.stripe_setup_intent_id)
        if setup["status"] == "succeeded":
            return current  # the card was saved after all: the page may still charge it
        if setup["error_code"] or setup.get("decline_code"):
            message = _setup_failure_message(setup)
        elif setup["error_message"]:
            message = setup["error_message"]
    with transaction.atomic():
        locked = _lock(donation.pk)
        if locked.state == Donation.State.PENDING and not locked.stripe_payment_intent_id:
            _mark_failed(locked, message=message)
        return locked
