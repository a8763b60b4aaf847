"""Monthly giving: our own monthly off-session charges of the donor's saved card, scheduled by
beat, each one a Donation in the ledger with its receipt.

Why not Stripe Subscriptions: they need Prices (localstripe has none, so the flow could only be
tested against hand-made webhook payloads), and they would put a second ledger (invoices) next to
ours. Charging the saved card ourselves reuses what pledges already do off-session (one
PaymentIntent per charge, its id stored before it is confirmed), every charge goes through the
same guarded Donation transition (totals, receipt, reconciliation), and the whole life of a plan
runs against localstripe in tests.

A plan's first month is an ordinary on-session donation from the donate page (its card saved
for off-session use); it becomes `active` when that donation succeeds (transitions). Then, for
each period ("2027-02"), `monthly_plan_charge`:

1. claim (one short transaction, plan row lock): the period's MonthlyCharge row (unique on plan
   and period) and its Donation exist before any money moves; a live claim keeps a second worker
   (a double beat fire) off it;
2. Stripe, no transaction open: create the PaymentIntent (idempotency key
   `plan-<id>-<period>`, `-retry-<n>` for retries), store its id, confirm it off-session. A
   resumed claim (the worker died after Stripe answered) fetches the stored intent instead;
3. apply (plan, charge, donation locked): success -> the next period; failure -> retry after
   rules.MONTHLY_RETRY_DELAYS, after the last one the plan is paused and the donor asked to
   update the card (an on-session page: fundraising/services/monthly_manage.py, with the donor's
   other controls; what the donor is told: monthly_notices.py).

Lock order: MonthlyPlan row -> Donation row -> CampaignFunding row.
"""

import calendar
import logging
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from causeweb.core.exceptions import ValidationError
from fundraising import gateway, rules
from fundraising.models import Donation, MonthlyCharge, MonthlyPlan
from fundraising.services import donations, monthly_notices
from fundraising.services.saved_card import saved_card_intent
from fundraising.services.transitions import _apply_intent, _lock, _mark_failed

logger = logging.getLogger(__name__)

# A claim older than this lost its worker (the Stripe calls take ~17 s each at worst): taken over.
CHARGE_CLAIM_TIMEOUT = timedelta(minutes=10)
# Monthly charges run at this hour (UTC) on the anchor day.
CHARGE_HOUR_UTC = 6
AUTH_REQUIRED_MESSAGE = rules.AUTH_REQUIRED_MESSAGE


# --- Dates ---------------------------------------------------------------------------------------


def period_of(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def charge_date(period: str, anchor_day: int) -> datetime:
    """When a period is charged: its anchor day (the 31st is the last day of shorter months)."""
    year, month = (int(part) for part in period.split("-"))
    day = min(anchor_day, calendar.monthrange(year, month)[1])
    return datetime(year, month, day, CHARGE_HOUR_UTC, tzinfo=UTC)


def period_after(period: str) -> str:
    year, month = (int(part) for part in period.split("-"))
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


# --- Start ---------------------------------------------------------------------------------------


def monthly_plan_begin(*, gift: donations.Gift, card_setup: bool = True) -> tuple[Donation, MonthlyPlan, dict]:
    """Start a monthly gift from the donate page or the API: the first month's donation (paid
    now, on-session, as a one-time donation is) and the plan (`setting_up` until that donation
    succeeds). Returns (donation, plan, card step as donation_begin returns it)."""
    campaign = gift.campaign
    if not rules.campaign_accepts_monthly(campaign):
        raise ValidationError(gettext("This campaign does not take monthly gifts."))
    with transaction.atomic():
        donation = donations.donation_create(**gift.as_kwargs())
        now = timezone.now()
        first_period = period_of(now)
        plan = MonthlyPlan.objects.create(
            campaign=campaign,
            donor=donation.donor,
            donor_name=donation.donor_name,
            email=donation.email,
            visibility=donation.visibility,
            amount_minor=donation.amount_minor,
            cover_fee=bool(donation.fee_minor),
            currency=donation.currency,
            anchor_day=now.day,
            next_period=period_after(first_period),
            next_charge_at=charge_date(period_after(first_period), now.day),
            first_donation=donation,
        )
        MonthlyCharge.objects.create(plan=plan, period=first_period, donation=donation, attempts=1)
    # The card step as for a one-time donation (card_setup=False on the donate page: the first
    # month's PaymentIntent saves the card for the next months, one 3-D Secure challenge).
    return donation, plan, donations.donation_prepare_card(donation=donation, card_setup=card_setup)


# --- Monthly charges -----------------------------------------------------------------------------


def monthly_plan_ids_due(*, now=None, limit: int = 500) -> list[int]:
    now = now or timezone.now()
    return list(
        MonthlyPlan.objects.filter(state=MonthlyPlan.State.ACTIVE, next_charge_at__lte=now)
        .order_by("next_charge_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def _intent_key(plan: MonthlyPlan, charge: MonthlyCharge) -> str:
    key = f"plan-{plan.pk}-{charge.period}"
    return key if charge.attempts <= 1 else f"{key}-retry-{charge.attempts - 1}"


def _claim(plan_id: int):
    """Step 1 (plan row lock): the period's charge row and the attempt's Donation. Returns
    (plan, charge) or None when there is nothing to charge now (not due, paused, cancelled, or
    another live worker holds the claim)."""
    with transaction.atomic():
        plan = MonthlyPlan.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=plan_id)
        now = timezone.now()
        if plan.state != MonthlyPlan.State.ACTIVE or plan.next_charge_at > now:
            return None
        if not rules.campaign_accepts_monthly(plan.campaign):
            # The campaign ended (deadline, closed): the gift ends with it, nothing charged.
            plan.state = MonthlyPlan.State.CANCELLED
            plan.cancelled_at = now
            plan.save(update_fields=["state", "cancelled_at", "updated_at"])
            monthly_notices.plan_cancelled_send(plan, campaign_closed=True)
            return None
        charge, _ = MonthlyCharge.objects.get_or_create(plan=plan, period=plan.next_period)
        if charge.claimed_at and charge.claimed_at > now - CHARGE_CLAIM_TIMEOUT:
            return None  # a live worker is charging it (beat fired twice)
        donation = Donation.objects.filter(pk=charge.donation_id).first() if charge.donation_id else None
        if charge.state != MonthlyCharge.State.SUCCEEDED and (donation is None or donation.state in _RETRYABLE):
            charge.attempts += 1
            charge.state = MonthlyCharge.State.PENDING
            charge.donation = Donation.objects.create(
                campaign_id=plan.campaign_id,
                donor_id=plan.donor_id,
                donor_name=plan.donor_name,
                email=plan.email,
                # A later month's receipt speaks the language the donor chose the gift in.
                language=Donation.objects.filter(pk=plan.first_donation_id).values_list("language", flat=True).first()
                or "",
                visibility=plan.visibility,
                amount_minor=plan.amount_minor,
                fee_minor=rules.processing_fee(amount_minor=plan.amount_minor, currency=plan.currency)
                if plan.cover_fee
                else 0,
                currency=plan.currency,
                stripe_customer_id=plan.stripe_customer_id,
                stripe_payment_method_id=plan.stripe_payment_method_id,
                charge_started_at=now,
            )
        charge.claimed_at = now
        charge.save(update_fields=["attempts", "state", "donation", "claimed_at", "updated_at"])
        return plan, charge


_RETRYABLE = (Donation.State.FAILED, Donation.State.CANCELED)


def _stripe_answer(plan: MonthlyPlan, charge: MonthlyCharge, donation: Donation):
    """Step 2, no transaction open: the attempt's PaymentIntent as Stripe has it, created and
    confirmed off-session unless a previous (crashed) run already did. A bank that wants the
    donor present (requires_action) cannot be answered off-session: that intent is cancelled, so
    it can never be charged later, and the attempt counts as failed."""
    intent = saved_card_intent(
        donation,
        metadata={
            "donation_id": str(donation.pk),
            "monthly_plan_id": str(plan.pk),
            "period": charge.period,
            "campaign_id": str(plan.campaign_id),
        },
        create_key=_intent_key(plan, charge),
        confirm_key=f"{_intent_key(plan, charge)}-confirm",
        off_session=True,
    )
    if intent.status == "requires_action":
        intent = gateway.payment_intent_cancel(
            payment_intent_id=intent.id, idempotency_key=f"{_intent_key(plan, charge)}-cancel"
        )
    return intent


def monthly_plan_charge(*, plan_id: int) -> str:
    """Charge a due plan's period once (see the module docstring). Returns the charge's state
    afterwards ('' when there was nothing to charge now)."""
    claimed = _claim(plan_id)
    if claimed is None:
        return ""
    plan, charge = claimed
    donation = Donation.objects.get(pk=charge.donation_id)
    intent = None
    if donation.state == Donation.State.PENDING:
        try:
            intent = _stripe_answer(plan, charge, donation)
        except gateway.GatewayError as exc:
            if exc.code == "unavailable":
                raise  # outcome unknown: the claim times out and a later run resumes from Stripe
            # Stripe refused the request itself (the saved card was removed, say): a failed attempt.
            return _apply(plan_id=plan.pk, charge_id=charge.pk, intent=None, refused=exc.message)
    return _apply(plan_id=plan.pk, charge_id=charge.pk, intent=intent)


@transaction.atomic
def _apply(*, plan_id: int, charge_id: int, intent, refused: str = "") -> str:
    """Step 3: lock the plan, then the donation (its guarded transition counts it and sends the
    receipt), then move the plan: the next period, a retry, or paused."""
    plan = MonthlyPlan.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=plan_id)
    charge = MonthlyCharge.objects.select_for_update().get(pk=charge_id)
    donation = _lock(charge.donation_id)
    if intent is not None:
        _apply_intent(donation, intent)
        if intent.status == "canceled" and donation.state == Donation.State.CANCELED:
            donation.failure_message = AUTH_REQUIRED_MESSAGE[:300]
            donation.save(update_fields=["failure_message", "updated_at"])
    elif refused:
        _mark_failed(donation, message=refused)
    now = timezone.now()
    if donation.is_paid:
        charge.state = MonthlyCharge.State.SUCCEEDED
        if plan.next_period == charge.period:
            plan.next_period = period_after(charge.period)
            plan.next_charge_at = charge_date(plan.next_period, plan.anchor_day)
            plan.failure_count = 0
            plan.failure_message = ""
    elif donation.state == Donation.State.PENDING:
        # Processing: the webhook settles the donation; the claim ends and a later run applies it.
        charge.claimed_at = None
        charge.save(update_fields=["claimed_at", "updated_at"])
        return charge.state
    else:
        charge.state = MonthlyCharge.State.FAILED
        if plan.next_period == charge.period and plan.state == MonthlyPlan.State.ACTIVE:
            plan.failure_count += 1
            plan.failure_message = donation.failure_message
            if plan.failure_count <= len(rules.MONTHLY_RETRY_DELAYS):
                plan.next_charge_at = now + rules.MONTHLY_RETRY_DELAYS[plan.failure_count - 1]
            else:
                plan.state = MonthlyPlan.State.PAUSED
                plan.paused_at = now
                monthly_notices.plan_paused_send(plan)
    charge.claimed_at = None
    charge.save(update_fields=["state", "claimed_at", "updated_at"])
    plan.save(
        update_fields=[
            "state",
            "next_period",
            "next_charge_at",
            "failure_count",
            "failure_message",
            "paused_at",
            "updated_at",
        ]
    )
    return charge.state
