"""Reconciliation, steps 1 and 2 (see fundraising.services.reconciliation): Stripe's charges and
their refunds checked against the ledger (lost payments applied, lost refunds recorded, the rest
flagged), and the ledger's recent successes checked against Stripe."""

from django.db import transaction
from django.db.models import Q

from fundraising import gateway
from fundraising.models import Discrepancy, Donation, Refund
from fundraising.services import receipts, refunds, webhooks
from fundraising.services.reconciliation_records import Tally
from fundraising.services.transitions import _apply_refund, _mark_succeeded

Kind = Discrepancy.Kind
# Stripe counts pending refunds in amount_refunded; failed and canceled ones moved no money.
REFUND_COUNTED_STATUSES = ("succeeded", "pending")


def _donation_pk_for(charge: dict) -> int | None:
    """Which donation a charge pays for, without locking: our metadata, the PaymentIntent id, the
    charge id, and last the PaymentIntent's metadata (one more Stripe call, only for strangers)."""
    donation_id = str(charge["metadata"].get("donation_id") or "")
    if donation_id.isdigit() and Donation.objects.filter(pk=int(donation_id)).exists():
        return int(donation_id)
    by_ids = Q(stripe_charge_id=charge["id"])
    if charge["payment_intent"]:
        by_ids |= Q(stripe_payment_intent_id=charge["payment_intent"])
    pk = Donation.objects.filter(by_ids).values_list("pk", flat=True).first()
    if pk is not None or not charge["payment_intent"]:
        return pk
    try:
        intent = gateway.payment_intent_retrieve(payment_intent_id=charge["payment_intent"])
    except gateway.GatewayError as exc:
        if exc.missing:
            return None
        raise
    donation_id = str(intent.metadata.get("donation_id") or "")
    if donation_id.isdigit() and Donation.objects.filter(pk=int(donation_id)).exists():
        return int(donation_id)
    return None


def _stripe_refunds_of(charge: dict) -> list[dict]:
    if charge["refunds"] is not None:
        return charge["refunds"]
    if not charge["amount_refunded"]:
        return []
    return gateway.refunds_list(charge_id=charge["id"])


def _check_refunds(tally: Tally, donation: Donation, charge: dict, stripe_refunds: list[dict]) -> None:
    """On a locked, paid donation: record each Stripe refund we lack, then check the sums agree."""
    counted = sorted(
        (r for r in stripe_refunds if r["status"] in REFUND_COUNTED_STATUSES), key=lambda r: (r["created"], r["id"])
    )
    tally.refunds += len(counted)
    stripe_total = sum(r["amount"] for r in counted)
    ours = list(Refund.objects.filter(donation=donation).exclude(status=Refund.Status.FAILED))
    known = {r.stripe_refund_id for r in ours if r.stripe_refund_id}
    pending = [r for r in ours if r.status == Refund.Status.PENDING]
    unnamed = [r for r in ours if not r.stripe_refund_id and r.status == Refund.Status.APPLIED]
    unknown = [r for r in counted if r["id"] not in known]
    for stripe_refund in list(unknown):
        # An admin refund Stripe made whose last step has not run (or died): apply it as that row.
        claimed = webhooks.pending_refund_for(stripe_refund, pending)
        if claimed is not None:
            pending.remove(claimed)
            unknown.remove(stripe_refund)
            refunds.refund_apply_pending(refund_id=claimed.pk, stripe_refund_id=stripe_refund["id"])
            donation.refresh_from_db()
    for stripe_refund in list(unknown):
        # A refund the charge.refunded webhook recorded without being able to name it: name it.
        same = next((r for r in unnamed if r.amount_minor == stripe_refund["amount"]), None)
        if same is not None:
            same.stripe_refund_id = stripe_refund["id"]
            same.save(update_fields=["stripe_refund_id"])
            unnamed.remove(same)
            unknown.remove(stripe_refund)
    missing = stripe_total - donation.refunded_minor
    for stripe_refund in unknown:
        if stripe_refund["amount"] > missing:
            continue
        refund = Refund.objects.create(
            donation=donation,
            amount_minor=stripe_refund["amount"],
            currency=donation.currency,
            stripe_refund_id=stripe_refund["id"],
            source=Refund.Source.STRIPE,
            reason="Refunded in Stripe (recorded by reconciliation)",
        )
        before = {"state": donation.state, "refunded_minor": donation.refunded_minor}
        _apply_refund(donation, amount_minor=stripe_refund["amount"])
        receipts.refund_notice_send(donation, refund)
        missing -= stripe_refund["amount"]
        tally.repaired(
            Kind.REFUND_RECORDED,
            f"refund:{stripe_refund['id']}",
            donation=donation,
            obj=stripe_refund["id"],
            details={"before": before, "after": {"state": donation.state, "refunded_minor": donation.refunded_minor}},
            refund=stripe_refund["id"],
            amount=stripe_refund["amount"],
            currency=donation.currency,
        )
    if donation.refunded_minor != stripe_total:
        tally.flag(
            Kind.REFUND_MISMATCH,
            f"charge:{charge['id']}",
            donation=donation,
            obj=charge["id"],
            details={
                "stripe_refunded": stripe_total,
                "ledger_refunded": donation.refunded_minor,
                "stripe_refund_ids": [r["id"] for r in counted],
                "ledger_refund_ids": sorted(known),
            },
            stripe_total=stripe_total,
            currency=charge["currency"],
            charge=charge["id"],
            ledger_total=donation.refunded_minor,
            ledger_currency=donation.currency,
        )


def _card_or_blank(payment_method_id: str) -> dict:
    """The card of a charge that does not describe it (localstripe; old API versions)."""
    try:
        return gateway.payment_method_card(payment_method_id=payment_method_id)
    except gateway.GatewayError as exc:
        if not exc.missing:
            raise
        return {"brand": "", "last4": ""}


def _facts(donation: Donation, charge: dict) -> dict:
    """The charge and the donation side by side, for a discrepancy's details."""
    return {
        "stripe": {
            "charge": charge["id"],
            "intent": charge["payment_intent"],
            "amount": charge["amount"],
            "currency": charge["currency"],
        },
        "ledger": {
            "intent": donation.stripe_payment_intent_id,
            "amount": donation.total_minor,
            "currency": donation.currency,
        },
    }


def _charge_disagrees(tally: Tally, donation: Donation, charge: dict, facts: dict) -> bool:
    """On a locked donation: flag a charge that cannot be applied to it (another PaymentIntent
    paid it already, or the amount or currency differs). True when flagged."""
    about = {"donation": donation, "obj": charge["id"], "details": facts}
    paid_with = donation.stripe_payment_intent_id
    if paid_with and charge["payment_intent"] not in ("", paid_with):
        tally.flag("second_charge", f"charge:{charge['id']}", charge=charge["id"], paid_with=paid_with, **about)
        return True
    if charge["amount"] != donation.total_minor or charge["currency"] != donation.currency:
        tally.flag(
            Kind.AMOUNT_MISMATCH,
            f"charge:{charge['id']}",
            charge=charge["id"],
            amount=charge["amount"],
            currency=charge["currency"],
            expected=donation.total_minor,
            expected_currency=donation.currency,
            **about,
        )
        return True
    return False


def _check_charge(run, tally: Tally, charge: dict) -> None:
    tally.charges += 1
    if charge["status"] != "succeeded":
        return  # a failed charge moved no money; a pending one is the stale-payment settler's
    donation_pk = _donation_pk_for(charge)
    if donation_pk is None:
        tally.flag(
            Kind.UNKNOWN_CHARGE,
            f"charge:{charge['id']}",
            obj=charge["id"],
            details={"charge": {k: charge[k] for k in ("id", "payment_intent", "amount", "currency", "metadata")}},
            charge=charge["id"],
            amount=charge["amount"],
            currency=charge["currency"],
        )
        return
    stripe_refunds = _stripe_refunds_of(charge)  # Stripe is called before any row is locked
    card = charge["card"]
    missing_card = not card["last4"] and charge["payment_method"]
    if missing_card and Donation.objects.filter(pk=donation_pk, card_last4="").exists():
        card = _card_or_blank(charge["payment_method"])
    with transaction.atomic():
        donation = (
            Donation.objects.select_for_update(of=("self",)).select_related("campaign", "donor").get(pk=donation_pk)
        )
        tally.seen_donations.add(donation.pk)
        facts = _facts(donation, charge)
        if _charge_disagrees(tally, donation, charge, facts):
            return
        if card["last4"] and not donation.card_last4:  # for the receipt
            donation.card_brand, donation.card_last4 = card["brand"][:20], card["last4"][:4]
            donation.save(update_fields=["card_brand", "card_last4", "updated_at"])
        if donation.state not in Donation.PAID_STATES:
            before = donation.state
            _mark_succeeded(donation, payment_intent_id=charge["payment_intent"], charge_id=charge["id"])
            tally.repaired(
                Kind.PAYMENT_APPLIED,
                f"charge:{charge['id']}",
                donation=donation,
                obj=charge["id"],
                details={**facts, "before": before, "after": donation.state},
                charge=charge["id"],
                before=before,
            )
        elif not donation.stripe_charge_id:
            donation.stripe_charge_id = charge["id"]
            donation.save(update_fields=["stripe_charge_id", "updated_at"])
        _check_refunds(tally, donation, charge, stripe_refunds)


def _check_local_successes(run, tally: Tally) -> None:
    """Every donation that became paid inside the window and whose charge was not in the listing:
    Stripe is asked about its PaymentIntent; a disagreement is flagged."""
    paid = (
        Donation.objects.filter(
            state__in=Donation.PAID_STATES, succeeded_at__gt=run.window_start, succeeded_at__lte=run.window_end
        )
        .order_by("pk")
        .values_list("pk", "stripe_payment_intent_id", "amount_minor", "fee_minor", "currency")
    )
    for pk, intent_id, amount_minor, fee_minor, currency in paid.iterator():
        tally.donations += 1
        if pk in tally.seen_donations:
            continue
        status, amount, intent_currency = "none", 0, ""
        if intent_id:
            try:
                intent = gateway.payment_intent_retrieve(payment_intent_id=intent_id)
                status, amount, intent_currency = intent.status, intent.amount, intent.currency
            except gateway.GatewayError as exc:
                if not exc.missing:
                    raise
                status = "missing"
        if status == "succeeded" and amount == amount_minor + fee_minor and intent_currency == currency:
            continue  # charged just before the window (a slow 3-D Secure): Stripe agrees
        tally.flag(
            Kind.MISSING_CHARGE,
            f"donation:{pk}",
            donation=Donation.objects.get(pk=pk),
            obj=intent_id or "",
            details={"stripe_status": status, "stripe_amount": amount, "ledger_amount": amount_minor + fee_minor},
            intent=intent_id or "(none)",
            status=status,
            amount=amount,
            currency=intent_currency or currency,
        )
