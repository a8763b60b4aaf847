"""Writes for money. Every state change of a Donation is a function here that locks the donation
row (`select_for_update`), returns early when the change was already made, and moves the
campaign's CampaignFunding totals with F() in the same transaction. Duplicate and out-of-order
webhooks, double clicks and the server's own re-fetches all end in the same place.

Lock order, everywhere: StripeEvent row -> Donation row -> CampaignFunding row.

Stripe is called only through fundraising.gateway; a Stripe call is never made while the
CampaignFunding row is locked (it is locked last, for one UPDATE).
"""

import logging
from datetime import timedelta

from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.core.money import SUPPORTED_CURRENCIES, format_money
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify
from fundraising import gateway
from fundraising.models import CampaignFunding, Donation, Refund, StripeCustomer, StripeEvent

logger = logging.getLogger(__name__)

# Per currency: smallest and largest one-time donation (minor units) and the preset amounts.
DONATION_LIMITS = {
    "EUR": (100, 1_000_000),
    "USD": (100, 1_000_000),
    "GBP": (100, 1_000_000),
    "JPY": (100, 1_000_000),
}
PRESET_AMOUNTS = {
    "EUR": (1000, 2500, 5000, 10000),
    "USD": (1000, 2500, 5000, 10000),
    "GBP": (1000, 2500, 5000, 10000),
    "JPY": (1000, 3000, 5000, 10000),
}
# Card processing fee the donor may cover: basis points of the charge plus a fixed part in minor units.
PROCESSING_FEES = {
    "EUR": (150, 25),
    "GBP": (150, 20),
    "USD": (290, 30),
    "JPY": (360, 0),
}
DECLINED_MESSAGE = "Your card was declined. No money was taken; please try another card."
CARD_NOT_SAVED_MESSAGE = (
    "Your card could not be used: it was declined, its details were incomplete or the security "
    "check was not completed. No money was taken."
)
AUTH_FAILED_MESSAGE = "The card's security check (3D Secure) was not completed. No money was taken."
assert set(DONATION_LIMITS) == set(SUPPORTED_CURRENCIES)


class EventNotApplicable(Exception):
    """A webhook event that does not concern a donation we know (ignored)."""


class EventMismatch(Conflict):
    """Stripe's word contradicts our records (amount, intent): nothing is applied and a person
    must look (the event is kept as failed in admin)."""

    def __init__(self, message: str):
        super().__init__(message, code="stripe_mismatch")


def processing_fee(*, amount_minor: int, currency: str) -> int:
    """The fee to add so that, after Stripe takes its cut of the whole charge, the campaign still
    receives `amount_minor`: gross = (amount + fixed) / (1 - percent), rounded up."""
    basis_points, fixed = PROCESSING_FEES[currency]
    gross = -(-(amount_minor + fixed) * 10_000 // (10_000 - basis_points))  # integer ceiling division
    return gross - amount_minor


def _funding_add(*, campaign_id: int, currency: str, raised_delta: int, donor_delta: int) -> None:
    """Move a campaign's totals with one UPDATE ... SET x = x + d (no lost updates)."""
    if not raised_delta and not donor_delta:
        return
    updated = CampaignFunding.objects.filter(campaign_id=campaign_id).update(
        raised_minor=F("raised_minor") + raised_delta, donor_count=F("donor_count") + donor_delta
    )
    if not updated:
        _funding_ensure(campaign_id=campaign_id, currency=currency)
        CampaignFunding.objects.filter(campaign_id=campaign_id).update(
            raised_minor=F("raised_minor") + raised_delta, donor_count=F("donor_count") + donor_delta
        )


def _funding_ensure(*, campaign_id: int, currency: str) -> None:
    try:
        with transaction.atomic():
            CampaignFunding.objects.get_or_create(campaign_id=campaign_id, defaults={"currency": currency})
    except IntegrityError:  # created concurrently: it exists now
        pass


def _campaign_accepts_donations(campaign) -> bool:
    from campaigns.models import Campaign

    if campaign.status != Campaign.Status.PUBLISHED or not campaign.goal_minor:
        return False
    return not (campaign.deadline and campaign.deadline <= timezone.now())


@transaction.atomic
def donation_create(
    *,
    campaign,
    amount_minor: int,
    cover_fee: bool,
    donor_name: str,
    email: str,
    visibility: str,
    message: str = "",
    user=None,
    referral_share_link_id: int | None = None,
) -> Donation:
    """A pending donation. No money moves yet: the page saves a card next (donation_start_payment)."""
    if not _campaign_accepts_donations(campaign):
        raise ValidationError("This campaign is not taking donations.")
    currency = campaign.currency
    low, high = DONATION_LIMITS[currency]
    errors = {}
    if not isinstance(amount_minor, int) or amount_minor < low or amount_minor > high:
        errors["amount"] = f"Give between {format_money(low, currency)} and {format_money(high, currency)}."
    if user is not None and getattr(user, "is_authenticated", False):
        email = email or user.email
        donor_name = donor_name or user.public_name
    else:
        user = None
    email = (email or "").strip().lower()
    donor_name = " ".join((donor_name or "").split())[:120]
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = "Enter the email address the receipt should go to."
    if not donor_name:
        errors["donor_name"] = "Enter your name (you can still give anonymously)."
    if visibility not in Donation.Visibility.values:
        errors["visibility"] = "Choose how you appear on the donor wall."
    message = (message or "").strip()
    if len(message) > 500:
        errors["message"] = "Keep the message under 500 characters."
    if errors:
        raise ValidationError(errors)
    _funding_ensure(campaign_id=campaign.pk, currency=currency)
    if CampaignFunding.objects.filter(campaign_id=campaign.pk).values_list("currency", flat=True).get() != currency:
        # Rare (the organizer changed the currency): lock the totals row while deciding.
        funding = CampaignFunding.objects.select_for_update().get(campaign_id=campaign.pk)
        if Donation.objects.filter(campaign_id=campaign.pk).exclude(currency=currency).exists():
            # Totals in two currencies cannot be added up: the organizer must keep the first one.
            raise ValidationError(
                f"This campaign raised money in {funding.currency}; it cannot take donations in {currency}."
            )
        funding.currency = currency
        funding.save(update_fields=["currency", "updated_at"])
    donation = Donation.objects.create(
        campaign=campaign,
        donor=user,
        donor_name=donor_name,
        email=email,
        visibility=visibility,
        message=message,
        amount_minor=amount_minor,
        fee_minor=processing_fee(amount_minor=amount_minor, currency=currency) if cover_fee else 0,
        currency=currency,
        referral_share_link_id=referral_share_link_id,
    )
    return donation


def _customer_for(donation: Donation) -> str:
    """The Stripe customer the card is saved to: the donor's own when signed in (reused by later
    donations, pledges and monthly giving), else a customer for this guest donation."""
    if donation.donor_id:
        existing = StripeCustomer.objects.filter(user_id=donation.donor_id).first()
        if existing:
            return existing.customer_id
    customer_id = gateway.customer_create(
        email=donation.email,
        name=donation.donor_name,
        metadata={"donation_id": str(donation.pk), "user_id": str(donation.donor_id or "")},
        idempotency_key=f"donation-{donation.pk}-customer",
    )
    if donation.donor_id:
        StripeCustomer.objects.update_or_create(user_id=donation.donor_id, defaults={"customer_id": customer_id})
    return customer_id


def donation_start_payment(*, donation: Donation) -> dict:
    """Create the SetupIntent the page confirms with the Card element. Returns its client secret.
    Calling it again for the same pending donation returns a fresh secret of the same intent."""
    if donation.state != Donation.State.PENDING or donation.stripe_payment_intent_id:
        raise Conflict("This donation is already being processed.", code="already_started")
    customer_id = donation.stripe_customer_id or _customer_for(donation)
    metadata = {"donation_id": str(donation.pk), "campaign_id": str(donation.campaign_id)}
    try:
        setup = gateway.setup_intent_create(
            customer_id=customer_id, metadata=metadata, idempotency_key=f"donation-{donation.pk}-setup"
        )
    except gateway.GatewayError as exc:
        if not (exc.missing and donation.donor_id):
            raise
        # The saved customer no longer exists at Stripe (e.g. a reset test account): start over.
        StripeCustomer.objects.filter(user_id=donation.donor_id).delete()
        customer_id = _customer_for(donation)
        setup = gateway.setup_intent_create(
            customer_id=customer_id, metadata=metadata, idempotency_key=f"donation-{donation.pk}-setup-2"
        )
    Donation.objects.filter(pk=donation.pk, state=Donation.State.PENDING).update(
        stripe_customer_id=customer_id, stripe_setup_intent_id=setup["id"], updated_at=timezone.now()
    )
    donation.stripe_customer_id = customer_id
    donation.stripe_setup_intent_id = setup["id"]
    return {"setup_intent_id": setup["id"], "client_secret": setup["client_secret"]}


def donation_charge(*, donation: Donation, setup_intent_id: str) -> tuple[Donation, str]:
    """After the page confirmed the SetupIntent: check with Stripe that the card was saved, then
    create and confirm the PaymentIntent on the server. Returns the donation and, when the bank
    asks for 3D Secure, the PaymentIntent client secret the page passes to confirmCardPayment.

    Two transactions, each holding the donation row lock: the first creates the PaymentIntent and
    stores its id (so it is known before any money can move), the second confirms and applies.
    """
    with transaction.atomic():
        locked = Donation.objects.select_for_update().get(pk=donation.pk)
        if locked.state != Donation.State.PENDING:
            return locked, ""
        if not setup_intent_id or setup_intent_id != locked.stripe_setup_intent_id:
            raise ValidationError("This card confirmation does not belong to this donation.")
        if not locked.stripe_payment_intent_id:
            setup = gateway.setup_intent_retrieve(setup_intent_id=setup_intent_id)
            if setup["status"] != "succeeded" or not setup["payment_method"]:
                _mark_failed(locked, message=setup["error_message"] or DECLINED_MESSAGE)
                return locked, ""
            intent = gateway.payment_intent_create(
                amount_minor=locked.total_minor,
                currency=locked.currency,
                customer_id=locked.stripe_customer_id,
                payment_method_id=setup["payment_method"],
                metadata={"donation_id": str(locked.pk), "campaign_id": str(locked.campaign_id)},
                idempotency_key=f"donation-{locked.pk}-intent",
            )
            locked.stripe_payment_intent_id = intent.id
            locked.stripe_payment_method_id = setup["payment_method"]
            locked.save(update_fields=["stripe_payment_intent_id", "stripe_payment_method_id", "updated_at"])
    with transaction.atomic():
        locked = Donation.objects.select_for_update().get(pk=donation.pk)
        if locked.state != Donation.State.PENDING:
            return locked, ""
        intent = gateway.payment_intent_retrieve(payment_intent_id=locked.stripe_payment_intent_id)
        if intent.status == "requires_confirmation":
            intent = gateway.payment_intent_confirm(
                payment_intent_id=intent.id, idempotency_key=f"donation-{locked.pk}-confirm"
            )
        return locked, _apply_intent(locked, intent)


def donation_refresh(*, donation: Donation) -> tuple[Donation, str]:
    """Ask Stripe how the PaymentIntent ended (after the page ran 3D Secure). The browser's word
    never counts: only the PaymentIntent as Stripe returns it to the server."""
    with transaction.atomic():
        locked = Donation.objects.select_for_update().get(pk=donation.pk)
        if locked.state != Donation.State.PENDING:
            return locked, ""
        if not locked.stripe_payment_intent_id:
            raise Conflict("This donation has no payment to check yet.", code="no_payment")
        intent = gateway.payment_intent_retrieve(payment_intent_id=locked.stripe_payment_intent_id)
        return locked, _apply_intent(locked, intent)


def donation_setup_failed(*, donation: Donation) -> Donation:
    """The page could not save the card (declined at setup, 3D Secure refused). Stripe is asked
    for the SetupIntent's state; a donation with a PaymentIntent is settled by that instead."""
    with transaction.atomic():
        locked = Donation.objects.select_for_update().get(pk=donation.pk)
        if locked.state != Donation.State.PENDING or locked.stripe_payment_intent_id:
            return locked
        message = CARD_NOT_SAVED_MESSAGE
        if locked.stripe_setup_intent_id:
            setup = gateway.setup_intent_retrieve(setup_intent_id=locked.stripe_setup_intent_id)
            if setup["status"] == "succeeded":
                return locked  # the card was saved after all: the page may still charge it
            message = setup["error_message"] or message
        _mark_failed(locked, message=message)
        return locked


def _apply_intent(donation: Donation, intent: gateway.PaymentIntentResult) -> str:
    """Apply a PaymentIntent as Stripe returned it to the (locked) donation. Returns the client
    secret when the page must run 3D Secure, else ''."""
    if intent.status == "succeeded":
        _check_amount(donation, amount=intent.amount, currency=intent.currency)
        _mark_succeeded(donation, payment_intent_id=intent.id, charge_id=intent.charge_id)
    elif intent.status == "requires_payment_method":
        _mark_failed(donation, message=_failure_message(intent.error_message))
    elif intent.status == "canceled":
        _mark_canceled(donation)
    elif intent.status == "requires_action":
        return intent.client_secret
    # processing / requires_capture: still pending; the webhook settles it.
    return ""


def _failure_message(stripe_message: str) -> str:
    """Stripe's reason, said plainly, and what it means for the donor."""
    if "authentication" in stripe_message.lower():
        return AUTH_FAILED_MESSAGE
    if not stripe_message:
        return DECLINED_MESSAGE
    return f"{stripe_message.rstrip('.')}. No money was taken; please try another card."


def _check_amount(donation: Donation, *, amount: int, currency: str) -> None:
    if amount != donation.total_minor or currency.upper() != donation.currency:
        raise EventMismatch(
            f"Stripe reports {amount} {currency} for donation {donation.pk}, "
            f"which expects {donation.total_minor} {donation.currency}."
        )


def _lock(donation_id: int) -> Donation:
    return Donation.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=donation_id)


RECEIPT_SALT = "fundraising.donation-receipt"


def donation_receipt_path(donation: Donation) -> str:
    """The donation's page with a signed token, so the emailed link works in any browser."""
    from django.core import signing
    from django.urls import reverse

    token = signing.dumps(str(donation.public_id), salt=RECEIPT_SALT, compress=True)
    return f"{reverse('fundraising:thanks', kwargs={'public_id': donation.public_id})}?t={token}"


def donation_receipt_token_valid(*, donation: Donation, token: str) -> bool:
    from django.core import signing

    try:
        return signing.loads(token, salt=RECEIPT_SALT) == str(donation.public_id)
    except signing.BadSignature:
        return False


def _mark_succeeded(donation: Donation, *, payment_intent_id: str, charge_id: str = "") -> bool:
    """On a locked donation. pending (or failed/canceled, when Stripe says the money moved
    after all) -> succeeded; the totals move and the receipt is sent after commit."""
    if donation.state in Donation.PAID_STATES:
        return False
    donation.state = Donation.State.SUCCEEDED
    donation.succeeded_at = timezone.now()
    donation.failure_message = ""
    donation.stripe_payment_intent_id = payment_intent_id or donation.stripe_payment_intent_id
    donation.stripe_charge_id = charge_id or donation.stripe_charge_id
    donation.save(
        update_fields=[
            "state",
            "succeeded_at",
            "failure_message",
            "stripe_payment_intent_id",
            "stripe_charge_id",
            "updated_at",
        ]
    )
    _funding_add(
        campaign_id=donation.campaign_id,
        currency=donation.currency,
        raised_delta=donation.counted_minor,
        donor_delta=1,
    )
    campaign = donation.campaign
    notify(
        recipient=donation.donor,
        email=donation.email,
        kind=Kind.DONATION_RECEIPT,
        context={
            "title": f"Thank you for giving {format_money(donation.total_minor, donation.currency)}",
            "body": (
                f"Your donation of {format_money(donation.amount_minor, donation.currency)} to "
                f"“{campaign.title}” was received"
                + (
                    f", plus {format_money(donation.fee_minor, donation.currency)} to cover processing fees"
                    if donation.fee_minor
                    else ""
                )
                + f". Total charged: {format_money(donation.total_minor, donation.currency)}. "
                f"Reference: {donation.public_id}."
            ),
            "url": donation_receipt_path(donation),
            "reference": str(donation.public_id),
            "amount": format_money(donation.total_minor, donation.currency),
            "campaign": campaign.title,
        },
        dedupe_key=f"donation-receipt:{donation.pk}",
    )
    return True


def _mark_failed(donation: Donation, *, message: str) -> bool:
    if donation.state != Donation.State.PENDING:
        return False
    donation.state = Donation.State.FAILED
    donation.failed_at = timezone.now()
    donation.failure_message = message[:300]
    donation.save(update_fields=["state", "failed_at", "failure_message", "updated_at"])
    return True


def _mark_canceled(donation: Donation) -> bool:
    if donation.state != Donation.State.PENDING:
        return False
    donation.state = Donation.State.CANCELED
    donation.save(update_fields=["state", "updated_at"])
    return True


@transaction.atomic
def donation_mark_succeeded(*, donation_id: int, payment_intent_id: str, charge_id: str = "") -> bool:
    """Lock the donation and mark it succeeded; False when it already was (a duplicate)."""
    return _mark_succeeded(_lock(donation_id), payment_intent_id=payment_intent_id, charge_id=charge_id)


@transaction.atomic
def donation_mark_failed(*, donation_id: int, message: str = DECLINED_MESSAGE) -> bool:
    """Lock the donation and mark it failed; False when it was not pending any more."""
    return _mark_failed(_lock(donation_id), message=message)


@transaction.atomic
def donation_cancel(*, donation_id: int) -> bool:
    return _mark_canceled(_lock(donation_id))


def _apply_refund(donation: Donation, *, amount_minor: int) -> None:
    """On a locked, paid donation: record `amount_minor` more refunded and move the totals."""
    was_counted_donor = donation.state in (Donation.State.SUCCEEDED, Donation.State.PARTIALLY_REFUNDED)
    counted_before = donation.counted_minor
    donation.refunded_minor += amount_minor
    donation.state = (
        Donation.State.REFUNDED
        if donation.refunded_minor >= donation.total_minor
        else Donation.State.PARTIALLY_REFUNDED
    )
    donation.save(update_fields=["refunded_minor", "state", "updated_at"])
    _funding_add(
        campaign_id=donation.campaign_id,
        currency=donation.currency,
        raised_delta=donation.counted_minor - counted_before,
        donor_delta=-1 if was_counted_donor and donation.state == Donation.State.REFUNDED else 0,
    )


def _notify_refund(donation: Donation, refund: Refund) -> None:
    notify(
        recipient=donation.donor,
        email=donation.email,
        kind=Kind.REFUND_ISSUED,
        context={
            "title": f"{format_money(refund.amount_minor, refund.currency)} refunded",
            "body": (
                f"We refunded {format_money(refund.amount_minor, refund.currency)} of your donation to "
                f"“{donation.campaign.title}” to your card. It can take 5–10 days to appear. "
                f"Reference: {donation.public_id}."
            ),
            "url": donation_receipt_path(donation),
            "reference": str(donation.public_id),
            "amount": format_money(refund.amount_minor, refund.currency),
            "campaign": donation.campaign.title,
        },
        dedupe_key=f"refund-issued:{refund.pk}",
    )


def can_manage_refunds(user) -> bool:
    """Finance staff: superusers or people with the fundraising.refund_donation permission."""
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.has_perm("fundraising.refund_donation")
    )


@transaction.atomic
def donation_refund(*, actor, donation_id: int, amount_minor: int, reason: str = "") -> Refund:
    """Refund part or all of a donation through Stripe (finance staff only).

    Holds the donation row lock across the Stripe call so two staff members cannot refund the
    same money twice; if Stripe refunds but our commit fails, the charge.refunded webhook records
    it (see stripe_event_process)."""
    if not can_manage_refunds(actor):
        raise PermissionDenied("Only finance staff can refund donations.")
    donation = _lock(donation_id)
    if not donation.stripe_payment_intent_id or donation.refundable_minor <= 0:
        raise Conflict("This donation has nothing left to refund.", code="nothing_to_refund")
    if not isinstance(amount_minor, int) or amount_minor <= 0 or amount_minor > donation.refundable_minor:
        raise ValidationError(
            {"amount": f"Refund between 1 and {format_money(donation.refundable_minor, donation.currency)}."}
        )
    refund = Refund.objects.create(
        donation=donation,
        amount_minor=amount_minor,
        currency=donation.currency,
        source=Refund.Source.ADMIN,
        reason=reason[:200],
        created_by=actor,
    )
    stripe_refund = gateway.refund_create(
        payment_intent_id=donation.stripe_payment_intent_id,
        amount_minor=amount_minor,
        metadata={"donation_id": str(donation.pk), "refund_id": str(refund.pk)},
        idempotency_key=f"donation-{donation.pk}-refund-{refund.pk}",
    )
    refund.stripe_refund_id = stripe_refund["id"]
    refund.save(update_fields=["stripe_refund_id"])
    _apply_refund(donation, amount_minor=amount_minor)
    _notify_refund(donation, refund)
    return refund


# --- Webhook events -----------------------------------------------------------------------------


def stripe_event_record(*, event: dict) -> tuple[StripeEvent, bool]:
    """Store a verified event once. Returns (event, created); a redelivery returns created=False."""
    try:
        with transaction.atomic():
            return StripeEvent.objects.create(event_id=event["id"], type=event["type"], payload=event), True
    except IntegrityError:
        return StripeEvent.objects.get(event_id=event["id"]), False


def _donation_for(obj: dict, *, payment_intent_id: str) -> Donation:
    """The donation an intent/charge/dispute is about: by our metadata, else by the intent id."""
    metadata = obj.get("metadata") or {}
    donation_id = metadata.get("donation_id")
    query = Donation.objects.select_for_update(of=("self",)).select_related("campaign", "donor")
    donation = None
    if donation_id and str(donation_id).isdigit():
        donation = query.filter(pk=int(donation_id)).first()
    if donation is None and payment_intent_id:
        donation = query.filter(stripe_payment_intent_id=payment_intent_id).first()
    if donation is None:
        raise EventNotApplicable(f"no donation for {obj.get('id')}")
    if payment_intent_id and donation.stripe_payment_intent_id not in (None, "", payment_intent_id):
        raise EventMismatch(
            f"{payment_intent_id} names donation {donation.pk}, paid with {donation.stripe_payment_intent_id}."
        )
    return donation


def _on_payment_intent_succeeded(intent: dict) -> None:
    donation = _donation_for(intent, payment_intent_id=intent["id"])
    amount = int(intent.get("amount_received") or intent.get("amount") or 0)
    _check_amount(donation, amount=amount, currency=intent.get("currency") or "")
    charge = intent.get("latest_charge")
    charge_id = charge if isinstance(charge, str) else (charge or {}).get("id", "")
    _mark_succeeded(donation, payment_intent_id=intent["id"], charge_id=charge_id or "")


def _on_payment_intent_failed(intent: dict) -> None:
    donation = _donation_for(intent, payment_intent_id=intent["id"])
    error = intent.get("last_payment_error") or {}
    _mark_failed(donation, message=_failure_message(error.get("message") or ""))


def _on_charge_refunded(charge: dict) -> None:
    """A refund made anywhere (our admin or the Stripe dashboard). `amount_refunded` is Stripe's
    running total for the charge, so applying only what exceeds ours is order-proof: an older
    event, or one for a refund our admin already recorded, changes nothing."""
    payment_intent_id = charge.get("payment_intent") or ""
    donation = _donation_for(charge, payment_intent_id=payment_intent_id)
    if donation.state not in Donation.PAID_STATES:
        # Out of order: the refund arrived before payment_intent.succeeded. A refunded charge was paid.
        if not (charge.get("paid") or charge.get("status") == "succeeded"):
            raise EventNotApplicable(f"charge {charge.get('id')} was never paid")
        _check_amount(donation, amount=int(charge.get("amount") or 0), currency=charge.get("currency") or "")
        _mark_succeeded(donation, payment_intent_id=payment_intent_id, charge_id=charge.get("id", ""))
    missing = min(int(charge.get("amount_refunded") or 0), donation.total_minor) - donation.refunded_minor
    if missing <= 0:
        return
    known = set(
        Refund.objects.filter(donation=donation)
        .exclude(stripe_refund_id=None)
        .values_list("stripe_refund_id", flat=True)
    )
    listed = [r for r in ((charge.get("refunds") or {}).get("data") or []) if r.get("id") not in known]
    refund_id = next((r["id"] for r in listed if int(r.get("amount") or 0) == missing), None)
    refund = Refund.objects.create(
        donation=donation,
        amount_minor=missing,
        currency=donation.currency,
        stripe_refund_id=refund_id,
        source=Refund.Source.STRIPE,
        reason="Refunded in Stripe",
    )
    _apply_refund(donation, amount_minor=missing)
    _notify_refund(donation, refund)


def _on_dispute_created(dispute: dict) -> None:
    """Flag for finance staff (admin filter "disputed"); totals move only if Stripe refunds."""
    charge = dispute.get("charge")
    charge_id = charge if isinstance(charge, str) else (charge or {}).get("id", "")
    payment_intent_id = dispute.get("payment_intent") or ""
    donation = None
    if charge_id and not payment_intent_id:
        donation = Donation.objects.select_for_update().filter(stripe_charge_id=charge_id).first()
    if donation is None:
        donation = _donation_for(dispute, payment_intent_id=payment_intent_id)
    if donation.disputed_at:
        return
    donation.disputed_at = timezone.now()
    donation.stripe_dispute_id = dispute.get("id", "")[:255]
    donation.dispute_reason = (dispute.get("reason") or "")[:100]
    donation.save(update_fields=["disputed_at", "stripe_dispute_id", "dispute_reason", "updated_at"])
    logger.warning("donation %s disputed (%s)", donation.pk, donation.dispute_reason)


EVENT_HANDLERS = {
    "payment_intent.succeeded": _on_payment_intent_succeeded,
    "payment_intent.payment_failed": _on_payment_intent_failed,
    "charge.refunded": _on_charge_refunded,
    "charge.dispute.created": _on_dispute_created,
}


@transaction.atomic
def stripe_event_process(*, stripe_event_pk: int) -> str:
    """Apply one stored event. Locks the event row, so two workers given the same event apply it
    once; each handler is itself a guarded transition, so distinct events about the same payment
    (redeliveries, out-of-order) are harmless too. Returns the event's final status."""
    event = StripeEvent.objects.select_for_update().get(pk=stripe_event_pk)
    if event.status != StripeEvent.Status.PENDING:
        return event.status
    event.attempts += 1
    handler = EVENT_HANDLERS.get(event.type)
    if handler is None:
        event.status = StripeEvent.Status.IGNORED
    else:
        try:
            with transaction.atomic():
                handler(event.payload["data"]["object"])
            event.status = StripeEvent.Status.PROCESSED
        except EventNotApplicable as exc:
            event.status, event.error = StripeEvent.Status.IGNORED, str(exc)
        except (EventMismatch, KeyError, TypeError, ValueError) as exc:
            logger.error("stripe event %s needs attention: %s", event.event_id, exc)
            event.status, event.error = StripeEvent.Status.FAILED, f"{type(exc).__name__}: {exc}"
    event.processed_at = timezone.now()
    event.save(update_fields=["status", "error", "attempts", "processed_at"])
    return event.status


# --- Abandoned payments -------------------------------------------------------------------------

STALE_AFTER = timedelta(hours=24)


def donation_settle_stale(*, older_than: timedelta = STALE_AFTER, limit: int = 200) -> dict[str, int]:
    """Finish donations left pending (page closed mid-way, 3D Secure never answered, a lost
    webhook): ask Stripe about each PaymentIntent, cancel the ones still waiting for the donor
    so they can never be charged later, and apply whatever Stripe says. Safe to run again."""
    cutoff = timezone.now() - older_than
    pending_ids = list(
        Donation.objects.filter(state=Donation.State.PENDING, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    outcome = {"succeeded": 0, "failed": 0, "canceled": 0, "pending": 0, "errors": 0}
    for pk in pending_ids:
        try:
            with transaction.atomic():
                donation = _lock(pk)
                if donation.state != Donation.State.PENDING:
                    continue
                if donation.stripe_payment_intent_id:
                    intent = gateway.payment_intent_retrieve(payment_intent_id=donation.stripe_payment_intent_id)
                    if intent.status in ("requires_action", "requires_confirmation", "requires_payment_method"):
                        intent = gateway.payment_intent_cancel(
                            payment_intent_id=intent.id, idempotency_key=f"donation-{donation.pk}-cancel"
                        )
                    _apply_intent(donation, intent)
                else:
                    _mark_canceled(donation)
        except (gateway.GatewayError, Conflict) as exc:
            logger.warning("could not settle stale donation %s: %s", pk, exc)
            outcome["errors"] += 1
            continue
        state = Donation.objects.filter(pk=pk).values_list("state", flat=True).first()
        key = "succeeded" if state in Donation.PAID_STATES else state
        outcome[key] = outcome.get(key, 0) + 1
    return outcome
