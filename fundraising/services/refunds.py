"""Refunds made by finance staff through Stripe. (A refund made in the Stripe dashboard arrives
as a charge.refunded webhook: see fundraising.services.webhooks.)

Like donation_charge, in three steps so that no row lock or transaction is held while Stripe is
asked (a slow Stripe would otherwise block the donation's webhooks and the campaign's totals):

1. claim, under the donation's row lock: check what is left to refund, counting refunds already
   being asked (`Refund.Status.PENDING`), and write the pending Refund row; commit;
2. ask Stripe, outside any transaction, with the idempotency key `donation-<id>-refund-<id>`;
3. apply, under the lock again: the refund row becomes `applied` and the totals move, once; if the
   charge.refunded webhook got there first (it matches the pending row by the `refund_id` in the
   refund's metadata), nothing more is applied.

Two staff refunding the same money at once: the second claim sees the first one pending and gets
"nothing left to refund". If Stripe refuses, the claim is released (`failed`). If the process dies
between 2 and 3, the webhook applies the pending row."""

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext

from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.moderation.services import moderation_action_record
from fundraising import gateway, l10n, policies
from fundraising.models import Donation, Refund
from fundraising.services import receipts
from fundraising.services.transitions import _apply_refund, _lock


def pending_refunds_minor(donation) -> int:
    return donation.refunds.filter(status=Refund.Status.PENDING).aggregate(total=Sum("amount_minor"))["total"] or 0


@transaction.atomic
def _refund_claim(*, actor, donation_id: int, amount_minor: int, reason: str) -> Refund:
    """Step 1, under the donation row lock."""
    donation = _lock(donation_id)
    left = donation.refundable_minor - pending_refunds_minor(donation)
    if not donation.stripe_payment_intent_id or left <= 0:
        raise Conflict(gettext("This donation has nothing left to refund."), code="nothing_to_refund")
    if not isinstance(amount_minor, int) or amount_minor <= 0 or amount_minor > left:
        raise ValidationError(
            {"amount": gettext("Refund between 1 and %(left)s.") % {"left": l10n.local_money(left, donation.currency)}}
        )
    return Refund.objects.create(
        donation=donation,
        status=Refund.Status.PENDING,
        amount_minor=amount_minor,
        currency=donation.currency,
        source=Refund.Source.ADMIN,
        reason=reason[:200],
        created_by=actor,
    )


@transaction.atomic
def refund_apply_pending(*, refund_id: int, stripe_refund_id: str) -> Refund:
    """Step 3 (also called by the charge.refunded webhook for a pending row): under the donation
    row lock, apply a pending refund once. Returns the refund as it now is."""
    refund = Refund.objects.select_related("donation").get(pk=refund_id)
    donation = _lock(refund.donation_id)
    refund = Refund.objects.select_for_update().get(pk=refund_id)
    if refund.status != Refund.Status.PENDING:
        if not refund.stripe_refund_id and refund.status == Refund.Status.APPLIED:
            refund.stripe_refund_id = stripe_refund_id
            refund.save(update_fields=["stripe_refund_id"])
        return refund
    refund.status = Refund.Status.APPLIED
    refund.stripe_refund_id = stripe_refund_id or refund.stripe_refund_id
    refund.save(update_fields=["status", "stripe_refund_id"])
    _apply_refund(donation, amount_minor=refund.amount_minor)
    receipts.refund_notice_send(donation, refund)
    return refund


def donation_refund(*, actor, donation_id: int, amount_minor: int, reason: str = "") -> Refund:
    """Refund part or all of a donation through Stripe (finance staff only). No lock or
    transaction is held during the Stripe call (see the module docstring)."""
    if not policies.can_manage_refunds(actor):
        raise PermissionDenied(gettext("Only finance staff can refund donations."))
    refund = _refund_claim(actor=actor, donation_id=donation_id, amount_minor=amount_minor, reason=reason)
    try:
        stripe_refund = gateway.refund_create(
            payment_intent_id=refund.donation.stripe_payment_intent_id,
            amount_minor=amount_minor,
            metadata={"donation_id": str(donation_id), "refund_id": str(refund.pk)},
            idempotency_key=f"donation-{donation_id}-refund-{refund.pk}",
        )
    except gateway.GatewayError:
        # Refused or unreachable: release the claim. Had Stripe refunded after all (a timeout after
        # it answered), its charge.refunded webhook records the refund as made in Stripe.
        Refund.objects.filter(pk=refund.pk, status=Refund.Status.PENDING).update(status=Refund.Status.FAILED)
        raise
    before = {
        "refunded_minor": refund.donation.refunded_minor,
        "state": refund.donation.state,
        "currency": refund.donation.currency,
    }
    applied = refund_apply_pending(refund_id=refund.pk, stripe_refund_id=stripe_refund["id"])
    donation = Donation.objects.get(pk=donation_id)
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
    return applied
