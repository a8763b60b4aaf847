"""Refunds made by finance staff through Stripe. (A refund made in the Stripe dashboard arrives
as a charge.refunded webhook: see fundraising.services.webhooks.)"""

from django.db import transaction

from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.core.money import format_money
from causeweb.moderation.services import moderation_action_record
from fundraising import gateway, policies
from fundraising.models import Refund
from fundraising.services import receipts
from fundraising.services.transitions import _apply_refund, _lock


@transaction.atomic
def donation_refund(*, actor, donation_id: int, amount_minor: int, reason: str = "") -> Refund:
    """Refund part or all of a donation through Stripe (finance staff only).

    Holds the donation row lock across the Stripe call so two staff members cannot refund the
    same money twice; if Stripe refunds but our commit fails, the charge.refunded webhook records
    it (see stripe_event_process)."""
    if not policies.can_manage_refunds(actor):
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
    before = {"refunded_minor": donation.refunded_minor, "state": donation.state, "currency": donation.currency}
    _apply_refund(donation, amount_minor=amount_minor)
    moderation_action_record(
        moderator=actor,
        action="donation_refund",
        target=donation,
        reason=reason,
        before=before,
        after={
            "refunded_minor": donation.refunded_minor,
            "state": donation.state,
            "currency": donation.currency,
            "refund_id": refund.pk,
            "amount_minor": amount_minor,
        },
    )
    receipts.refund_notice_send(donation, refund)
    return refund
