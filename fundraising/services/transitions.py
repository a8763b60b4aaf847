"""The donation state machine, shared by donations, charging, refunds, webhooks and settling:

    pending -> succeeded -> partially_refunded -> refunded
    pending -> failed        pending -> canceled
    failed/canceled -> succeeded (Stripe itself says the money moved)

Each `_mark_*` works on a donation locked by `_lock` and returns False when the step was already
taken; the campaign's totals move in the same transaction (`_funding_add`, on a shard row).
`donation_mark_succeeded` / `donation_mark_failed` / `donation_cancel` lock one by id and take the step.
Also here: the messages a donor is shown about the outcome of a payment.
"""

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from campaigns.services.webhooks import DONATION_SUCCEEDED, webhook_event_emit
from causeweb.core.exceptions import Conflict
from fundraising import gateway, rules
from fundraising.models import (
    FUNDING_SHARDS,
    CampaignFunding,
    CampaignFundingShard,
    Donation,
    MonthlyCharge,
    MonthlyPlan,
    Pledge,
)
from fundraising.page_scopes import funding_changed
from fundraising.services import receipts

# The donor-facing messages live in fundraising.rules (one map of Stripe's codes); kept here by
# name for the modules that import them from the state machine.
DECLINED_MESSAGE = rules.DECLINED_MESSAGE
CARD_NOT_SAVED_MESSAGE = rules.CARD_NOT_SAVED_MESSAGE
AUTH_FAILED_MESSAGE = rules.AUTH_FAILED_MESSAGE


class EventMismatch(Conflict):
    """Stripe's word contradicts our records (amount, intent): nothing is applied and a person
    must look (the event is kept as failed in admin)."""

    def __init__(self, message: str):
        super().__init__(message, code="stripe_mismatch")


# One statement on PostgreSQL and SQLite alike: the shard row is created or moved, never lost.
_SHARD_ADD_SQL = """
    INSERT INTO fundraising_campaignfundingshard (campaign_id, shard, raised_minor, donor_count)
    VALUES (%s, %s, %s, %s)
    ON CONFLICT (campaign_id, shard) DO UPDATE
    SET raised_minor = fundraising_campaignfundingshard.raised_minor + excluded.raised_minor,
        donor_count = fundraising_campaignfundingshard.donor_count + excluded.donor_count
"""
assert CampaignFundingShard._meta.db_table == "fundraising_campaignfundingshard"


def _lock(donation_id: int) -> Donation:
    return Donation.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=donation_id)


def _funding_add(*, campaign_id: int, currency: str, raised_delta: int, donor_delta: int, donation_id: int) -> None:
    """Move a campaign's totals: add the deltas to one shard row (the donation's, by id) with one
    INSERT ... ON CONFLICT DO UPDATE SET x = x + d (no lost updates). The shard row stays locked
    to the commit; concurrent successes to one campaign share a shard, and so wait, only 1 time in
    FUNDING_SHARDS. The CampaignFunding row (currency, funding model) is only read."""
    if not raised_delta and not donor_delta:
        return
    _funding_ensure(campaign_id=campaign_id, currency=currency)
    with connection.cursor() as cursor:
        cursor.execute(
            _SHARD_ADD_SQL,
            [campaign_id, donation_id % FUNDING_SHARDS, raised_delta, donor_delta],
        )
    funding_changed(campaign_id)


def _funding_lock_all(*, campaign_id: int) -> CampaignFunding:
    """Lock a campaign's totals whole, for a repair: its CampaignFunding row, then all its shard
    rows in order (created first, so none can appear under the lock). A webhook moving the total
    meanwhile waits on its shard and adds its delta on top of what the repair writes."""
    CampaignFundingShard.objects.bulk_create(
        [CampaignFundingShard(campaign_id=campaign_id, shard=n) for n in range(FUNDING_SHARDS)], ignore_conflicts=True
    )
    funding = CampaignFunding.objects.select_for_update().get(campaign_id=campaign_id)
    list(CampaignFundingShard.objects.select_for_update().filter(campaign_id=campaign_id).order_by("shard"))
    return funding


def _funding_set(*, campaign_id: int, raised_minor: int, donor_count: int) -> None:
    """Under `_funding_lock_all`: the totals become exactly these (shards folded to zero)."""
    CampaignFunding.objects.filter(campaign_id=campaign_id).update(raised_minor=raised_minor, donor_count=donor_count)
    CampaignFundingShard.objects.filter(campaign_id=campaign_id).update(raised_minor=0, donor_count=0)
    funding_changed(campaign_id)


def _funding_ensure(*, campaign_id: int, currency: str) -> None:
    if CampaignFunding.objects.filter(campaign_id=campaign_id).exists():
        return
    try:
        with transaction.atomic():
            CampaignFunding.objects.get_or_create(campaign_id=campaign_id, defaults={"currency": currency})
    except IntegrityError:  # created concurrently: it exists now
        pass


def _failure_message(stripe_message: str, *, code: str = "", decline_code: str = "") -> str:
    """Stripe's reason, said plainly, and what the donor can do next (fundraising.rules)."""
    return rules.payment_failure_message(code=code, decline_code=decline_code, stripe_message=stripe_message)


def _check_amount(donation: Donation, *, amount: int, currency: str) -> None:
    if amount != donation.total_minor or currency.upper() != donation.currency:
        raise EventMismatch(
            f"Stripe reports {amount} {currency} for donation {donation.pk}, "
            f"which expects {donation.total_minor} {donation.currency}."
        )


def _mark_succeeded(donation: Donation, *, payment_intent_id: str, charge_id: str = "") -> bool:
    """On a locked donation. pending (or failed/canceled, when Stripe says the money moved
    after all) -> succeeded; the totals move and the receipt is sent after commit."""
    if donation.state in Donation.PAID_STATES:
        return False
    donation.state = Donation.State.SUCCEEDED
    donation.succeeded_at = timezone.now()
    donation.failure_message = ""
    donation.stripe_payment_intent_id = payment_intent_id or donation.stripe_payment_intent_id
    donation.stripe_charge_id = charge_id or donation.stripe_charge_id
    donation.save(
        update_fields=[
            "state",
            "succeeded_at",
            "failure_message",
            "stripe_payment_intent_id",
            "stripe_charge_id",
            "updated_at",
        ]
    )
    _funding_add(
        campaign_id=donation.campaign_id,
        currency=donation.currency,
        raised_delta=donation.counted_minor,
        donor_delta=1,
        donation_id=donation.pk,
    )
    receipts.receipt_send(donation)
    webhook_event_emit(
        campaign_id=donation.campaign_id,
        event_type=DONATION_SUCCEEDED,
        data={
            "donation_id": str(donation.public_id),
            "amount_minor": donation.amount_minor,
            "currency": donation.currency,
            "donor_name": donation.public_name,  # as the donor chose to appear; never their email
            "succeeded_at": donation.succeeded_at,
        },
        event_key=f"donation:{donation.pk}",
    )
    # The donation collecting a pledge (off-session at the deadline, on-session after a failed
    # charge, or settled by a webhook): the pledge is collected with it.
    Pledge.objects.filter(donation_id=donation.pk).exclude(state=Pledge.State.COLLECTED).update(
        state=Pledge.State.COLLECTED, failure_message="", charge_claimed_at=None, updated_at=timezone.now()
    )
    _monthly_mark_paid(donation)
    return True


def _monthly_mark_paid(donation: Donation) -> None:
    """A donation of a monthly plan succeeded (on the donate page, off-session, or settled by a
    webhook): its period is paid, and the first one makes the plan active with the card that paid
    it (fundraising/services/monthly.py charges the next periods)."""
    MonthlyCharge.objects.filter(donation_id=donation.pk).exclude(state=MonthlyCharge.State.SUCCEEDED).update(
        state=MonthlyCharge.State.SUCCEEDED, claimed_at=None, updated_at=timezone.now()
    )
    MonthlyPlan.objects.filter(first_donation_id=donation.pk, state=MonthlyPlan.State.SETTING_UP).update(
        state=MonthlyPlan.State.ACTIVE,
        stripe_customer_id=donation.stripe_customer_id,
        stripe_payment_method_id=donation.stripe_payment_method_id,
        updated_at=timezone.now(),
    )


def _mark_failed(donation: Donation, *, message: str) -> bool:
    if donation.state != Donation.State.PENDING:
        return False
    donation.state = Donation.State.FAILED
    donation.failed_at = timezone.now()
    donation.failure_message = message[:300]
    donation.save(update_fields=["state", "failed_at", "failure_message", "updated_at"])
    return True


def _mark_canceled(donation: Donation) -> bool:
    if donation.state != Donation.State.PENDING:
        return False
    donation.state = Donation.State.CANCELED
    donation.save(update_fields=["state", "updated_at"])
    return True


def _apply_intent(donation: Donation, intent: gateway.PaymentIntentResult) -> str:
    """Apply a PaymentIntent as Stripe returned it to the (locked) donation. Returns the client
    secret when the page must run 3D Secure, else ''."""
    if intent.status == "succeeded":
        _check_amount(donation, amount=intent.amount, currency=intent.currency)
        _mark_succeeded(donation, payment_intent_id=intent.id, charge_id=intent.charge_id)
    elif intent.status == "requires_payment_method":
        _mark_failed(
            donation,
            message=_failure_message(intent.error_message, code=intent.error_code, decline_code=intent.decline_code),
        )
    elif intent.status == "canceled":
        _mark_canceled(donation)
    elif intent.status == "requires_action":
        return intent.client_secret
    # processing / requires_capture: still pending; the webhook settles it.
    return ""


def _apply_refund(donation: Donation, *, amount_minor: int) -> None:
    """On a locked, paid donation: record `amount_minor` more refunded and move the totals."""
    was_counted_donor = donation.state in (Donation.State.SUCCEEDED, Donation.State.PARTIALLY_REFUNDED)
    counted_before = donation.counted_minor
    donation.refunded_minor += amount_minor
    donation.state = (
        Donation.State.REFUNDED
        if donation.refunded_minor >= donation.total_minor
        else Donation.State.PARTIALLY_REFUNDED
    )
    donation.save(update_fields=["refunded_minor", "state", "updated_at"])
    _funding_add(
        campaign_id=donation.campaign_id,
        currency=donation.currency,
        raised_delta=donation.counted_minor - counted_before,
        donor_delta=-1 if was_counted_donor and donation.state == Donation.State.REFUNDED else 0,
        donation_id=donation.pk,
    )


@transaction.atomic
def donation_mark_succeeded(*, donation_id: int, payment_intent_id: str, charge_id: str = "") -> bool:
    """Lock the donation and mark it succeeded; False when it already was (a duplicate)."""
    return _mark_succeeded(_lock(donation_id), payment_intent_id=payment_intent_id, charge_id=charge_id)


@transaction.atomic
def donation_mark_failed(*, donation_id: int, message: str = DECLINED_MESSAGE) -> bool:
    """Lock the donation and mark it failed; False when it was not pending any more."""
    return _mark_failed(_lock(donation_id), message=message)


@transaction.atomic
def donation_cancel(*, donation_id: int) -> bool:
    """Lock the donation and cancel it; False when it was not pending any more."""
    return _mark_canceled(_lock(donation_id))
