"""What a reconciliation run writes about each difference it finds: a Discrepancy row, `repaired`
(the audit entry of a fix the run made) or `open` (for finance staff), and the run's counts.

Every kind of discrepancy has its message here, once (MESSAGES); the checks name the kind, the
subject and the facts, and `Tally.repaired` / `Tally.flag` write the row.
"""

import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from fundraising.models import Discrepancy, ReconciliationRun

logger = logging.getLogger(__name__)

Kind = Discrepancy.Kind

# The message of each kind, formatted with the facts the check passes.
MESSAGES = {
    Kind.PAYMENT_APPLIED: "Stripe charge {charge} succeeded but donation {donation} was {before}; applied (totals "
    "and receipt).",
    Kind.REFUND_RECORDED: "Refund {refund} of {amount} {currency} was missing from donation {donation}; recorded.",
    Kind.FUNDING_DRIFT: "Campaign {campaign} showed {raised_before} {currency} from {donors_before} donors; the "
    "ledger says {raised} from {donors}. Corrected.",
    Kind.AMOUNT_MISMATCH: "Stripe charged {amount} {currency} ({charge}); donation {donation} expects "
    "{expected} {expected_currency}. Nothing was applied.",
    Kind.REFUND_MISMATCH: "Stripe refunded {stripe_total} {currency} of charge {charge}; donation {donation} "
    "records {ledger_total} {ledger_currency} refunded.",
    Kind.UNKNOWN_CHARGE: "Stripe charge {charge} ({amount} {currency}) matches no donation.",
    # An unknown charge that does name one of our donations, already paid with another intent.
    "second_charge": "Stripe charge {charge} names donation {donation}, which was paid with {paid_with}: a "
    "second charge for one donation?",
    Kind.MISSING_CHARGE: "Donation {donation} is paid here, but Stripe reports its PaymentIntent {intent} as "
    "{status} ({amount} {currency}).",
}


@dataclass
class Tally:
    """One run's counts, and the writer of its discrepancies."""

    run: ReconciliationRun
    charges: int = 0
    refunds: int = 0
    donations: int = 0
    campaigns: int = 0
    fixed: int = 0
    flagged: int = 0
    seen_donations: set = field(default_factory=set)

    def repaired(self, kind, subject: str, **about) -> None:
        """The audit entry of a fix the run made (always written)."""
        Discrepancy.objects.create(status=Discrepancy.Status.REPAIRED, **self._row(kind, subject, **about))
        self.fixed += 1

    def flag(self, kind, subject: str, **about) -> None:
        """An open discrepancy for finance staff, unless the same subject is already open (so a
        second run adds nothing)."""
        row = self._row(kind, subject, **about)
        already = Discrepancy.objects.filter(kind=row["kind"], subject=row["subject"], status=Discrepancy.Status.OPEN)
        if already.exists():
            return
        try:
            with transaction.atomic():
                Discrepancy.objects.create(status=Discrepancy.Status.OPEN, **row)
        except IntegrityError:  # opened concurrently (one open per subject)
            return
        self.flagged += 1
        logger.warning("reconciliation: %s", row["message"])

    def _row(self, kind, subject, *, donation=None, campaign_id=None, obj="", details=None, **facts):
        return {
            "run": self.run,
            "kind": Kind.UNKNOWN_CHARGE if kind == "second_charge" else kind,
            "subject": subject[:255],
            "donation": donation,
            "campaign_id": campaign_id if campaign_id is not None else getattr(donation, "campaign_id", None),
            "stripe_object_id": obj[:255],
            "message": MESSAGES[kind].format(donation=getattr(donation, "pk", None), campaign=campaign_id, **facts)[
                :500
            ],
            "details": details or {},
        }
