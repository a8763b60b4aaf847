"""Reconciliation: the ledger compared with Stripe, hourly (fundraising.tasks.reconciliation_run)
and on demand from the admin.

One run (a ReconciliationRun row; at most one `running`, by a partial unique constraint):

1. pages through Stripe's charges created since the last finished run's window end minus OVERLAP
   (`created[gt]`, auto-paging, through fundraising.gateway only), with their refunds, and matches
   each to its Donation by our metadata (`donation_id`), else by PaymentIntent id, else by charge
   id, else by the PaymentIntent's own metadata (charges do not always carry it);
   - a succeeded charge whose donation is pending, failed or canceled (a lost webhook) is applied
     with the same guarded transition the webhook uses (`_mark_succeeded`: totals and receipt);
   - a Stripe refund we have no Refund row for is recorded (one Refund per Stripe refund id) and
     applied with the webhook's `_apply_refund`;
   - what it cannot fix becomes an open Discrepancy for finance staff: an amount or currency that
     differs, refunds that do not add up, a charge naming no donation of ours (or a donation that
     was paid with another PaymentIntent: a double charge);
2. asks Stripe about every donation that became paid inside the window and whose charge was not
   in the listing: if its PaymentIntent did not succeed for the same amount, an open Discrepancy
   (a local success with no Stripe charge);
3. recomputes every campaign's raised total and donor count from the ledger (`counted_minor`) and
   repairs any drift, with the before/after kept as a `repaired` Discrepancy (the audit entry);
4. counts the webhook events left failed, or pending for over an hour.

Each fix is its own short transaction under the usual lock order (Donation row, then the
CampaignFunding row last), so payments keep flowing during a run. Every step is idempotent: the
transitions are no-ops once taken, refunds are keyed by Stripe's id and an open discrepancy is
not opened twice for the same subject, so running twice changes nothing the second time.
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from causeweb.core.exceptions import Conflict, PermissionDenied
from causeweb.moderation.services import moderation_action_record
from fundraising import gateway, policies
from fundraising.models import CampaignFunding, Discrepancy, Donation, ReconciliationRun, Refund, StripeEvent
from fundraising.services import receipts
from fundraising.services.transitions import _apply_refund, _funding_ensure, _mark_succeeded

logger = logging.getLogger(__name__)

# Charges are read from the last finished run's window end minus this, so a charge created while
# that run was listing (or stamped by a clock slightly off) is not missed.
OVERLAP = timedelta(minutes=15)
# The first run ever looks this far back.
FIRST_WINDOW = timedelta(days=7)
# A run still `running` after this lost its worker; it is marked abandoned so the next can start.
ABANDON_AFTER = timedelta(hours=2)
# A webhook event pending for longer than this lost its task (the sweep re-queues after minutes).
EVENT_STUCK_AFTER = timedelta(hours=1)
# Stripe counts pending refunds in amount_refunded; failed and canceled ones moved no money.
REFUND_COUNTED_STATUSES = ("succeeded", "pending")
COUNTED_DONOR_STATES = (Donation.State.SUCCEEDED, Donation.State.PARTIALLY_REFUNDED)


class ReconciliationBusy(Conflict):
    def __init__(self):
        super().__init__("A reconciliation run is already in progress.", code="reconciliation_running")


@dataclass
class _Tally:
    charges: int = 0
    refunds: int = 0
    donations: int = 0
    campaigns: int = 0
    fixed: int = 0
    flagged: int = 0
    seen_donations: set = field(default_factory=set)


def _ts(moment: datetime) -> int:
    return int(moment.timestamp())


def _record(run, tally, *, kind, subject, message, repaired, donation=None, campaign_id=None, obj="", details=None):
    """A repaired discrepancy is the audit entry of a fix (always written). An open one is written
    unless the same subject is already open (then a second run adds nothing)."""
    common = {
        "run": run,
        "kind": kind,
        "subject": subject[:255],
        "donation": donation,
        "campaign_id": campaign_id if campaign_id is not None else getattr(donation, "campaign_id", None),
        "stripe_object_id": obj[:255],
        "message": message[:500],
        "details": details or {},
    }
    if repaired:
        Discrepancy.objects.create(status=Discrepancy.Status.REPAIRED, **common)
        tally.fixed += 1
        return
    if Discrepancy.objects.filter(kind=kind, subject=subject[:255], status=Discrepancy.Status.OPEN).exists():
        return
    try:
        with transaction.atomic():
            Discrepancy.objects.create(status=Discrepancy.Status.OPEN, **common)
    except IntegrityError:  # opened concurrently (one open per subject)
        return
    tally.flagged += 1
    logger.warning("reconciliation: %s", message)


# 1. Stripe's charges and refunds against the ledger -------------------------------------------


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


def _check_refunds(run, tally, donation: Donation, charge: dict, stripe_refunds: list[dict]) -> None:
    """On a locked, paid donation: record each Stripe refund we lack, then check the sums agree."""
    counted = sorted(
        (r for r in stripe_refunds if r["status"] in REFUND_COUNTED_STATUSES), key=lambda r: (r["created"], r["id"])
    )
    tally.refunds += len(counted)
    stripe_total = sum(r["amount"] for r in counted)
    ours = list(Refund.objects.filter(donation=donation))
    known = {r.stripe_refund_id for r in ours if r.stripe_refund_id}
    unnamed = [r for r in ours if not r.stripe_refund_id]
    unknown = [r for r in counted if r["id"] not in known]
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
        _record(
            run,
            tally,
            kind=Discrepancy.Kind.REFUND_RECORDED,
            subject=f"refund:{stripe_refund['id']}",
            message=f"Refund {stripe_refund['id']} of {stripe_refund['amount']} {donation.currency} was missing "
            f"from donation {donation.pk}; recorded.",
            repaired=True,
            donation=donation,
            obj=stripe_refund["id"],
            details={"before": before, "after": {"state": donation.state, "refunded_minor": donation.refunded_minor}},
        )
    if donation.refunded_minor != stripe_total:
        _record(
            run,
            tally,
            kind=Discrepancy.Kind.REFUND_MISMATCH,
            subject=f"charge:{charge['id']}",
            message=f"Stripe refunded {stripe_total} {charge['currency']} of charge {charge['id']}; donation "
            f"{donation.pk} records {donation.refunded_minor} {donation.currency} refunded.",
            repaired=False,
            donation=donation,
            obj=charge["id"],
            details={
                "stripe_refunded": stripe_total,
                "ledger_refunded": donation.refunded_minor,
                "stripe_refund_ids": [r["id"] for r in counted],
                "ledger_refund_ids": sorted(known),
            },
        )


def _card_or_blank(payment_method_id: str) -> dict:
    """The card of a charge that does not describe it (localstripe; old API versions)."""
    try:
        return gateway.payment_method_card(payment_method_id=payment_method_id)
    except gateway.GatewayError as exc:
        if not exc.missing:
            raise
        return {"brand": "", "last4": ""}


def _check_charge(run, tally, charge: dict) -> None:
    tally.charges += 1
    if charge["status"] != "succeeded":
        return  # a failed charge moved no money; a pending one is the stale-payment settler's
    donation_pk = _donation_pk_for(charge)
    if donation_pk is None:
        _record(
            run,
            tally,
            kind=Discrepancy.Kind.UNKNOWN_CHARGE,
            subject=f"charge:{charge['id']}",
            message=f"Stripe charge {charge['id']} ({charge['amount']} {charge['currency']}) matches no donation.",
            repaired=False,
            obj=charge["id"],
            details={"charge": {k: charge[k] for k in ("id", "payment_intent", "amount", "currency", "metadata")}},
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
        facts = {
            "stripe": {"charge": charge["id"], "intent": charge["payment_intent"], "amount": charge["amount"]},
            "ledger": {"intent": donation.stripe_payment_intent_id, "amount": donation.total_minor},
        }
        facts["stripe"]["currency"], facts["ledger"]["currency"] = charge["currency"], donation.currency
        paid_with = donation.stripe_payment_intent_id
        if paid_with and charge["payment_intent"] not in ("", paid_with):
            _record(
                run,
                tally,
                kind=Discrepancy.Kind.UNKNOWN_CHARGE,
                subject=f"charge:{charge['id']}",
                message=f"Stripe charge {charge['id']} names donation {donation.pk}, which was paid with "
                f"{donation.stripe_payment_intent_id}: a second charge for one donation?",
                repaired=False,
                donation=donation,
                obj=charge["id"],
                details=facts,
            )
            return
        if charge["amount"] != donation.total_minor or charge["currency"] != donation.currency:
            _record(
                run,
                tally,
                kind=Discrepancy.Kind.AMOUNT_MISMATCH,
                subject=f"charge:{charge['id']}",
                message=f"Stripe charged {charge['amount']} {charge['currency']} ({charge['id']}); donation "
                f"{donation.pk} expects {donation.total_minor} {donation.currency}. Nothing was applied.",
                repaired=False,
                donation=donation,
                obj=charge["id"],
                details=facts,
            )
            return
        if card["last4"] and not donation.card_last4:  # for the receipt
            donation.card_brand, donation.card_last4 = card["brand"][:20], card["last4"][:4]
            donation.save(update_fields=["card_brand", "card_last4", "updated_at"])
        if donation.state not in Donation.PAID_STATES:
            before = donation.state
            _mark_succeeded(donation, payment_intent_id=charge["payment_intent"], charge_id=charge["id"])
            _record(
                run,
                tally,
                kind=Discrepancy.Kind.PAYMENT_APPLIED,
                subject=f"charge:{charge['id']}",
                message=f"Stripe charge {charge['id']} succeeded but donation {donation.pk} was {before}; "
                "applied (totals and receipt).",
                repaired=True,
                donation=donation,
                obj=charge["id"],
                details={**facts, "before": before, "after": donation.state},
            )
        elif not donation.stripe_charge_id:
            donation.stripe_charge_id = charge["id"]
            donation.save(update_fields=["stripe_charge_id", "updated_at"])
        _check_refunds(run, tally, donation, charge, stripe_refunds)


# 2. Local successes Stripe does not confirm ---------------------------------------------------


def _check_local_successes(run, tally) -> None:
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
        _record(
            run,
            tally,
            kind=Discrepancy.Kind.MISSING_CHARGE,
            subject=f"donation:{pk}",
            message=f"Donation {pk} is paid here, but Stripe reports its PaymentIntent {intent_id or '(none)'} "
            f"as {status} ({amount} {intent_currency or currency}).",
            repaired=False,
            donation=Donation.objects.get(pk=pk),
            obj=intent_id or "",
            details={"stripe_status": status, "stripe_amount": amount, "ledger_amount": amount_minor + fee_minor},
        )


# 3. Campaign totals recomputed from the ledger ------------------------------------------------


def _ledger_totals(campaign_ids=None) -> dict[int, tuple[int, int]]:
    """{campaign id: (raised_minor, donor_count)} summed over paid donations net of refunds."""
    paid = Donation.objects.filter(state__in=Donation.PAID_STATES)
    if campaign_ids is not None:
        paid = paid.filter(campaign_id__in=campaign_ids)
    rows = paid.values("campaign_id").annotate(
        raised=Coalesce(
            Sum(Greatest(F("amount_minor") - F("refunded_minor"), Value(0)), output_field=BigIntegerField()), 0
        ),
        donors=Count("pk", filter=Q(state__in=COUNTED_DONOR_STATES)),
    )
    return {row["campaign_id"]: (int(row["raised"]), row["donors"]) for row in rows}


def _check_totals(run, tally) -> None:
    ledger = _ledger_totals()
    stored = {
        row["campaign_id"]: (row["raised_minor"], row["donor_count"])
        for row in CampaignFunding.objects.values("campaign_id", "raised_minor", "donor_count")
    }
    for campaign_id in sorted(set(ledger) | set(stored)):
        tally.campaigns += 1
        if ledger.get(campaign_id, (0, 0)) == stored.get(campaign_id, (0, 0)):
            continue
        with transaction.atomic():
            if campaign_id not in stored:
                currency = Donation.objects.filter(campaign_id=campaign_id).values_list("currency", flat=True).first()
                _funding_ensure(campaign_id=campaign_id, currency=currency)
            # Locked first, then summed: a webhook that is moving this total waits for the lock and
            # adds its delta on top of what we write (its donation change is not committed yet).
            funding = CampaignFunding.objects.select_for_update().get(campaign_id=campaign_id)
            raised, donors = _ledger_totals([campaign_id]).get(campaign_id, (0, 0))
            if (funding.raised_minor, funding.donor_count) == (raised, donors):
                continue
            before = {"raised_minor": funding.raised_minor, "donor_count": funding.donor_count}
            CampaignFunding.objects.filter(pk=funding.pk).update(raised_minor=raised, donor_count=donors)
            _record(
                run,
                tally,
                kind=Discrepancy.Kind.FUNDING_DRIFT,
                subject=f"campaign:{campaign_id}",
                message=f"Campaign {campaign_id} showed {before['raised_minor']} {funding.currency} from "
                f"{before['donor_count']} donors; the ledger says {raised} from {donors}. Corrected.",
                repaired=True,
                campaign_id=campaign_id,
                details={"before": before, "after": {"raised_minor": raised, "donor_count": donors}},
            )


# The run ---------------------------------------------------------------------------------------


def _run_start(*, trigger: str, actor) -> ReconciliationRun | None:
    now = timezone.now()
    ReconciliationRun.objects.filter(
        status=ReconciliationRun.Status.RUNNING, started_at__lt=now - ABANDON_AFTER
    ).update(status=ReconciliationRun.Status.ABANDONED, finished_at=now, error="The worker was lost mid-run.")
    last = ReconciliationRun.objects.filter(status=ReconciliationRun.Status.SUCCEEDED).order_by("-window_end").first()
    window_start = (last.window_end - OVERLAP) if last else now - FIRST_WINDOW
    try:
        with transaction.atomic():
            return ReconciliationRun.objects.create(
                trigger=trigger,
                requested_by=actor if getattr(actor, "is_authenticated", False) else None,
                window_start=window_start,
                window_end=now,
            )
    except IntegrityError:  # another run holds the one `running` slot
        return None


def reconciliation_run(*, trigger: str = ReconciliationRun.Trigger.SCHEDULE, actor=None) -> ReconciliationRun:
    """Compare the ledger with Stripe and repair what a lost webhook missed (see the module
    docstring). Finance staff only when started by a person. Raises ReconciliationBusy when a run
    is in progress. A Stripe outage ends the run `failed` with the error (the window does not
    advance, so the next run reads it again); the run is returned either way."""
    if trigger == ReconciliationRun.Trigger.ADMIN and not policies.can_run_reconciliation(actor):
        raise PermissionDenied("Only finance staff can run the reconciliation.")
    run = _run_start(trigger=trigger, actor=actor)
    if run is None:
        raise ReconciliationBusy()
    started = time.monotonic()
    tally = _Tally()
    status, error = ReconciliationRun.Status.SUCCEEDED, ""
    try:
        for charge in gateway.charges_list(created_gt=_ts(run.window_start)):
            _check_charge(run, tally, charge)
        _check_local_successes(run, tally)
        _check_totals(run, tally)
    except (gateway.GatewayError, Conflict) as exc:
        logger.warning("reconciliation run %s failed: %s", run.pk, exc)
        status, error = ReconciliationRun.Status.FAILED, str(exc)
    except BaseException:
        ReconciliationRun.objects.filter(pk=run.pk).update(
            status=ReconciliationRun.Status.FAILED, finished_at=timezone.now(), error="Crashed; see the logs."
        )
        raise
    stuck = StripeEvent.objects.filter(
        Q(status=StripeEvent.Status.FAILED)
        | Q(status=StripeEvent.Status.PENDING, received_at__lt=timezone.now() - EVENT_STUCK_AFTER)
    ).count()
    run.status, run.error = status, error
    run.charges_checked, run.refunds_checked = tally.charges, tally.refunds
    run.donations_checked, run.campaigns_checked = tally.donations, tally.campaigns
    run.fixed_count, run.flagged_count, run.events_needing_attention = tally.fixed, tally.flagged, stuck
    run.finished_at = timezone.now()
    run.duration_ms = int((time.monotonic() - started) * 1000)
    run.save()
    logger.info("reconciliation run %s: %s fixed, %s flagged", run.pk, tally.fixed, tally.flagged)
    return run


@transaction.atomic
def discrepancy_resolve(*, actor, discrepancy: Discrepancy, note: str) -> Discrepancy:
    """Finance staff close an open discrepancy with a note of what they did. Locks the row; a
    discrepancy already resolved (or repaired by a run) is left as it is."""
    if not policies.can_resolve_discrepancies(actor):
        raise PermissionDenied("Only finance staff can resolve discrepancies.")
    discrepancy = Discrepancy.objects.select_for_update().get(pk=discrepancy.pk)
    if discrepancy.status != Discrepancy.Status.OPEN:
        return discrepancy
    discrepancy.status = Discrepancy.Status.RESOLVED
    discrepancy.resolved_at = timezone.now()
    discrepancy.resolved_by = actor
    discrepancy.resolution_note = note[:500]
    discrepancy.save(update_fields=["status", "resolved_at", "resolved_by", "resolution_note"])
    moderation_action_record(
        moderator=actor,
        action="discrepancy_resolve",
        target=discrepancy,
        reason=discrepancy.resolution_note,
        before={"status": Discrepancy.Status.OPEN},
        after={"status": Discrepancy.Status.RESOLVED},
    )
    return discrepancy
