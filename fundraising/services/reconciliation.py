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

Where each step lives: this module runs them (the window, the ReconciliationRun row, the
outcome); reconciliation_charges has steps 1 and 2, reconciliation_totals step 3, and
reconciliation_records the Discrepancy rows (one message per kind) and the run's counts.
"""

import logging
import time
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from causeweb.core.exceptions import Conflict, PermissionDenied
from causeweb.moderation.services import moderation_action_record
from fundraising import gateway, policies
from fundraising.models import Discrepancy, ReconciliationRun, StripeEvent
from fundraising.services.reconciliation_charges import _check_charge, _check_local_successes
from fundraising.services.reconciliation_records import Tally
from fundraising.services.reconciliation_totals import _check_totals, _ledger_totals

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


class ReconciliationBusy(Conflict):
    def __init__(self):
        super().__init__("A reconciliation run is already in progress.", code="reconciliation_running")


def _ts(moment: datetime) -> int:
    return int(moment.timestamp())


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
        raise PermissionDenied(gettext("Only finance staff can run the reconciliation."))
    run = _run_start(trigger=trigger, actor=actor)
    if run is None:
        raise ReconciliationBusy()
    started = time.monotonic()
    tally = Tally(run=run)
    status, error = ReconciliationRun.Status.SUCCEEDED, ""
    try:
        for charge in gateway.charges_list(created_gt=_ts(run.window_start)):
            _check_charge(run, tally, charge)
        _check_local_successes(run, tally)
        _check_totals(run, tally, ledger_totals=_ledger_totals)
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
        raise PermissionDenied(gettext("Only finance staff can resolve discrepancies."))
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
