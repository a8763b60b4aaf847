"""Reconciliation, step 3 (see fundraising.services.reconciliation): every campaign's raised
total and donor count recomputed from the ledger, and any drift repaired with an audit entry."""

from django.db import transaction
from django.db.models import BigIntegerField, Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from fundraising.models import Discrepancy, Donation
from fundraising.selectors import campaign_funding_totals
from fundraising.services.reconciliation_records import Tally
from fundraising.services.transitions import _funding_ensure, _funding_lock_all, _funding_set

COUNTED_DONOR_STATES = (Donation.State.SUCCEEDED, Donation.State.PARTIALLY_REFUNDED)


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


def _check_totals(run, tally: Tally, *, ledger_totals=_ledger_totals) -> None:
    """`ledger_totals` is the summing function (the run passes its own name for it, so a test can
    hold the run at the moment it sums under the lock)."""
    ledger = ledger_totals()
    stored = {cid: (row["raised_minor"], row["donor_count"]) for cid, row in campaign_funding_totals().items()}
    for campaign_id in sorted(set(ledger) | set(stored)):
        tally.campaigns += 1
        if ledger.get(campaign_id, (0, 0)) == stored.get(campaign_id, (0, 0)):
            continue
        with transaction.atomic():
            if campaign_id not in stored:
                currency = Donation.objects.filter(campaign_id=campaign_id).values_list("currency", flat=True).first()
                _funding_ensure(campaign_id=campaign_id, currency=currency)
            # Locked first (the row and every shard), then summed: a webhook that is moving this
            # total waits for its shard and adds its delta on top of what we write.
            funding = _funding_lock_all(campaign_id=campaign_id)
            shown = campaign_funding_totals(campaign_ids=[campaign_id])[campaign_id]
            before = {"raised_minor": shown["raised_minor"], "donor_count": shown["donor_count"]}
            raised, donors = ledger_totals([campaign_id]).get(campaign_id, (0, 0))
            if (before["raised_minor"], before["donor_count"]) == (raised, donors):
                continue
            _funding_set(campaign_id=campaign_id, raised_minor=raised, donor_count=donors)
            tally.repaired(
                Discrepancy.Kind.FUNDING_DRIFT,
                f"campaign:{campaign_id}",
                campaign_id=campaign_id,
                details={"before": before, "after": {"raised_minor": raised, "donor_count": donors}},
                raised_before=before["raised_minor"],
                donors_before=before["donor_count"],
                currency=funding.currency,
                raised=raised,
                donors=donors,
            )
