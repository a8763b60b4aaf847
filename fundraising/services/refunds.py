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
"nothing left to refund" (or, for a partial refund, "another refund is being asked"). If Stripe
refuses, the claim is released (`failed`). If the process dies between 2 and 3, the webhook
applies the pending row.

A retry never refunds twice. A donation has at most one pending admin refund (a partial unique
constraint): when Stripe did not answer (a timeout: it may have refunded) the claim stays
`pending` with no live request (`claimed_at` cleared, or older than REFUND_CLAIM_TIMEOUT when the
process died), and the next attempt of the same amount resumes that claim instead of writing a
new one: it first looks for the Stripe refund whose metadata names the claim (localstripe, like
any server that ignores idempotency keys, would otherwise refund again) and only if there is none
asks again with the same idempotency key, which the claim's pk makes stable across retries."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.moderation.services import moderation_action_record
from fundraising import gateway, l10n, policies
from fundraising.models import Donation, Refund
from fundraising.services import receipts
from fundraising.services.transitions import _apply_refund, _lock


def pending_refunds_minor(donation) -> int:
    return donation.refunds.filter(status=Refund.Status.PENDING).aggregate(total=Sum("amount_minor"))["total"] or 0


# A request asking Stripe holds its claim this long at most (the gateway gives up after about
# 17 s); an older claim lost its request (the process died) and the next attempt resumes it.
REFUND_CLAIM_TIMEOUT = timedelta(seconds=60)
# Refunds Stripe did not make (they give the money back to the charge): not the claim's refund.
_NOT_MADE = ("failed", "canceled")


def _claim_live(refund: Refund, now) -> bool:
    return refund.claimed_at is not None and refund.claimed_at > now - REFUND_CLAIM_TIMEOUT


@transaction.atomic
def _refund_claim(*, actor, donation_id: int, amount_minor: int, reason: str) -> tuple[Refund, bool]:
    """Step 1, under the donation row lock. Returns (the claim, whether it resumes an earlier
    attempt whose outcome Stripe did not tell us)."""
    donation = _lock(donation_id)
    now = timezone.now()
    pending = donation.refunds.filter(status=Refund.Status.PENDING, source=Refund.Source.ADMIN).first()
    if pending is not None and not _claim_live(pending, now):
        if pending.amount_minor != amount_minor:
            raise Conflict(
                gettext(
                    "A refund of %(amount)s of this donation is not confirmed by Stripe yet; "
                    "refund that amount again to finish it."
                )
                % {"amount": l10n.local_money(pending.amount_minor, pending.currency)},
                code="refund_unconfirmed",
            )
        pending.claimed_at = now
        pending.save(update_fields=["claimed_at"])
        return pending, True
    left = donation.refundable_minor - pending_refunds_minor(donation)
    if not donation.stripe_payment_intent_id or left <= 0:
        raise Conflict(gettext("This donation has nothing left to refund."), code="nothing_to_refund")
    if not isinstance(amount_minor, int) or amount_minor <= 0 or amount_minor > left:
        raise ValidationError(
            {"amount": gettext("Refund between 1 and %(left)s.") % {"left": l10n.local_money(left, donation.currency)}}
        )
    if pending is not None:
        raise Conflict(
            gettext("Another refund of this donation is being asked of Stripe; try again in a minute."),
            code="refund_in_progress",
        )
    refund = Refund.objects.create(
        donation=donation,
        status=Refund.Status.PENDING,
        amount_minor=amount_minor,
        currency=donation.currency,
        source=Refund.Source.ADMIN,
        reason=reason[:200],
        created_by=actor,
        claimed_at=now,
    )
    return refund, False


def _stripe_refund_of(refund: Refund) -> dict | None:
    """The refund Stripe made for this claim in an earlier attempt (its metadata names the claim)."""
    donation = refund.donation
    listed = gateway.refunds_list(
        charge_id=donation.stripe_charge_id, payment_intent_id=donation.stripe_payment_intent_id
    )
    return next(
        (
            made
            for made in listed
            if made["metadata"].get("refund_id") == str(refund.pk) and made["status"] not in _NOT_MADE
        ),
        None,
    )


def _refund_ask(refund: Refund, *, resumed: bool) -> dict:
    """Step 2, no transaction or lock held: Stripe's refund for the claim, asked under the claim's
    own idempotency key unless an earlier attempt already got it made."""
    made = _stripe_refund_of(refund) if resumed else None
    if made is not None:
        return made
    return gateway.refund_create(
        payment_intent_id=refund.donation.stripe_payment_intent_id,
        amount_minor=refund.amount_minor,
        metadata={"donation_id": str(refund.donation_id), "refund_id": str(refund.pk)},
        idempotency_key=f"donation-{refund.donation_id}-refund-{refund.pk}",
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
    refund, resumed = _refund_claim(actor=actor, donation_id=donation_id, amount_minor=amount_minor, reason=reason)
    try:
        stripe_refund = _refund_ask(refund, resumed=resumed)
    except gateway.GatewayError as exc:
        claim = Refund.objects.filter(pk=refund.pk, status=Refund.Status.PENDING)
        if exc.code == "unavailable":
            # No answer: Stripe may have refunded. The claim stays pending, its request ended, so
            # the next attempt resumes it (same key, after looking for the refund in Stripe), and
            # the charge.refunded webhook or reconciliation applies it if Stripe made it.
            claim.update(claimed_at=None)
            raise gateway.GatewayError(
                gettext(
                    "Stripe did not answer, so this refund is not confirmed. Refund the same amount again "
                    "in a moment to finish it: it will not be refunded twice."
                ),
                code="unavailable",
            ) from exc
        # Refused: release the claim.
        claim.update(status=Refund.Status.FAILED, claimed_at=None)
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
