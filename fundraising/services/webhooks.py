"""Stripe webhook events: stored once as Stripe signed them (`stripe_event_record`), applied by
the payments queue (`stripe_event_process`), applied again by finance staff from the admin after
fixing the cause of a failure (`stripe_event_retry`)."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from causeweb.core.exceptions import PermissionDenied
from fundraising import policies
from fundraising.models import Donation, Refund, StripeEvent
from fundraising.services import receipts, refunds
from fundraising.services.transitions import (
    EventMismatch,
    _apply_refund,
    _check_amount,
    _failure_message,
    _mark_failed,
    _mark_succeeded,
)

logger = logging.getLogger(__name__)


class EventNotApplicable(Exception):
    """A webhook event that does not concern a donation we know (ignored)."""


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
    message = _failure_message(
        error.get("message") or "", code=error.get("code") or "", decline_code=error.get("decline_code") or ""
    )
    _mark_failed(donation, message=message)


# A refund that did not go through gives the money back to the charge: not ours to record.
_REFUND_NOT_MADE = {"failed", "canceled"}


def _listed_refunds(charge: dict) -> list[dict]:
    """The refunds a charge event lists, oldest first. Stripe lists them newest first; `created`
    orders them when present, else the list order reversed."""
    data = [r for r in ((charge.get("refunds") or {}).get("data") or []) if r.get("id")]
    ordered = sorted(enumerate(data), key=lambda pair: (int(pair[1].get("created") or 0), -pair[0]))
    return [refund for _, refund in ordered if refund.get("status") not in _REFUND_NOT_MADE]


def _on_charge_refunded(charge: dict) -> None:
    """A refund made anywhere (our admin or the Stripe dashboard): one Refund row, and one email,
    per Stripe refund id, whatever order the events arrive in.

    `amount_refunded` is Stripe's running total for the charge and caps what is applied: only what
    exceeds ours is new, so an older event, a redelivery or one for a refund our admin already
    recorded changes nothing. Each refund the event lists that we do not know yet (oldest first)
    becomes a row with its id; whatever of the new total the list does not explain (a truncated or
    absent list: newer API versions leave `refunds` out unless expanded) becomes one row without
    an id, as before. Runs under the donation row lock (`_donation_for`), so two events for one
    charge apply one after the other."""
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
    # Admin refunds asked of Stripe whose last step has not run yet (fundraising.services.refunds).
    pending = list(Refund.objects.filter(donation=donation, status=Refund.Status.PENDING).order_by("pk"))
    for listed in _listed_refunds(charge):
        amount = int(listed.get("amount") or 0)
        if listed["id"] in known or amount <= 0:
            continue
        if amount > missing:
            logger.warning(
                "refund %s (%s) exceeds what charge %s has left to explain (%s); not recorded",
                listed["id"],
                amount,
                charge.get("id"),
                missing,
            )
            continue
        claimed = pending_refund_for(listed, pending)
        if claimed is not None:
            pending.remove(claimed)
            refunds.refund_apply_pending(refund_id=claimed.pk, stripe_refund_id=listed["id"])
            donation.refresh_from_db()
        else:
            _record_stripe_refund(donation, amount_minor=amount, stripe_refund_id=listed["id"])
        missing -= amount
    for claimed in pending:  # what the list does not explain: the pending admin refunds first
        if 0 < claimed.amount_minor <= missing:
            refunds.refund_apply_pending(refund_id=claimed.pk, stripe_refund_id="")
            donation.refresh_from_db()
            missing -= claimed.amount_minor
    if missing > 0:
        _record_stripe_refund(donation, amount_minor=missing, stripe_refund_id=None)


def pending_refund_for(stripe_refund: dict, pending: list[Refund]) -> Refund | None:
    """The pending admin refund a Stripe refund is: by the refund_id we put in its metadata, else
    the oldest of the same amount."""
    named = str((stripe_refund.get("metadata") or {}).get("refund_id") or "")
    by_id = next((refund for refund in pending if str(refund.pk) == named), None)
    if by_id is not None or named:
        return by_id
    return next((refund for refund in pending if refund.amount_minor == int(stripe_refund.get("amount") or 0)), None)


def _record_stripe_refund(donation: Donation, *, amount_minor: int, stripe_refund_id: str | None) -> None:
    refund = Refund.objects.create(
        donation=donation,
        amount_minor=amount_minor,
        currency=donation.currency,
        stripe_refund_id=stripe_refund_id,
        source=Refund.Source.STRIPE,
        reason=gettext("Refunded in Stripe"),
    )
    _apply_refund(donation, amount_minor=amount_minor)
    receipts.refund_notice_send(donation, refund)


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


def stripe_event_retry(*, actor, stripe_event_pk: int) -> str | None:
    """Apply a failed event again (finance staff, after fixing the cause): it goes back to
    pending and is processed now. Returns its new status, or None when the event was not failed
    (a processed, ignored or pending event is left alone)."""
    if not policies.can_retry_stripe_events(actor):
        raise PermissionDenied(gettext("Only finance staff can apply Stripe events again."))
    with transaction.atomic():
        reset = StripeEvent.objects.filter(pk=stripe_event_pk, status=StripeEvent.Status.FAILED).update(
            status=StripeEvent.Status.PENDING, error=""
        )
    if not reset:
        return None
    return stripe_event_process(stripe_event_pk=stripe_event_pk)
