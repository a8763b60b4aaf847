"""All-or-nothing pledges: a backer saves a card (SetupIntent, usage=off_session) and nothing is
charged; at the deadline one decision, under the campaign's CampaignFunding row lock, either
collects every active pledge (goal met) or releases them all (goal missed).

No Stripe call is made inside a database transaction or under a row lock here: each pledge is
claimed (state `charging`, `charge_claimed_at`) in one short transaction, Stripe is called with
no transaction open, and the answer is applied in another short transaction. A crash between
these steps is resumed from what was stored: the collecting Donation exists before its
PaymentIntent is created, the PaymentIntent id is stored before it is confirmed, and an intent
that Stripe already confirmed is fetched again, never confirmed twice. Every Stripe write also
carries an idempotency key named after the pledge (`pledge-<pk>-intent`, `pledge-<pk>-confirm`).

Lock order: Pledge row -> Donation row -> CampaignFunding row (the decision locks only the
CampaignFunding row and updates pledges with one UPDATE).
"""

import logging
from datetime import timedelta

from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext

from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from fundraising import gateway, l10n, policies, rules
from fundraising.models import CampaignFunding, Donation, Pledge, StripeCustomer
from fundraising.services import pledge_notices
from fundraising.services._language import recipient_language_now
from fundraising.services.saved_card import saved_card_intent
from fundraising.services.transitions import _apply_intent, _funding_ensure, _lock

logger = logging.getLogger(__name__)

# A worker's claim on a pledge it is charging; after this long the claim is stale (the worker
# died) and another run resumes the pledge from its stored PaymentIntent.
CHARGE_CLAIM_TIMEOUT = timedelta(minutes=10)
BATCH_SIZE = 25


def _amount_errors(amount_minor: int, currency: str) -> dict:
    low, high = rules.donation_limits(currency)
    if not rules.amount_within_limits(amount_minor, currency):
        return {
            "amount": gettext("Pledge between %(low)s and %(high)s.")
            % {"low": l10n.local_money(low, currency), "high": l10n.local_money(high, currency)}
        }
    return {}


@transaction.atomic
def pledge_create(
    *,
    campaign,
    actor,
    amount_minor: int,
    visibility: str = Donation.Visibility.NAME,
    keep_updated: bool = False,
    referral_share_link_id: int | None = None,
) -> Pledge:
    """A pledge saving its card (`setting_up`). One live pledge per backer and campaign: a backer
    who already pledged changes the amount instead. A pledge left `setting_up` (card form
    abandoned) is reused, its referral updated to the latest (last touch, as for donations)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(gettext("Sign in to back this campaign, so you can change or cancel your pledge later."))
    if not rules.campaign_accepts_pledges(campaign):
        raise ValidationError(gettext("This campaign is not taking pledges."))
    errors = _amount_errors(amount_minor, campaign.currency)
    if visibility not in Donation.Visibility.values:
        errors["visibility"] = gettext("Choose how you appear to the campaign.")
    try:
        validate_email(actor.email)
    except ValidationError:
        errors["__all__"] = gettext("Your account needs an email address for the pledge's receipts.")
    if errors:
        raise ValidationError(errors)
    _funding_ensure(campaign_id=campaign.pk, currency=campaign.currency)
    live = (
        Pledge.objects.select_for_update()
        .filter(campaign=campaign, backer=actor)
        .exclude(state__in=[Pledge.State.CANCELED, Pledge.State.RELEASED, Pledge.State.LAPSED])
    )
    existing = live.first()
    if existing and existing.state != Pledge.State.SETTING_UP:
        raise Conflict(
            gettext("You already back this campaign; change the amount of your pledge instead."), code="pledged"
        )
    if existing:
        existing.amount_minor = amount_minor
        existing.visibility = visibility
        existing.keep_updated = bool(keep_updated)
        existing.referral_share_link_id = referral_share_link_id or existing.referral_share_link_id
        existing.save(
            update_fields=["amount_minor", "visibility", "keep_updated", "referral_share_link_id", "updated_at"]
        )
        return existing
    return Pledge.objects.create(
        campaign=campaign,
        backer=actor,
        backer_name=actor.public_name,
        email=actor.email.lower(),
        visibility=visibility,
        keep_updated=bool(keep_updated),
        amount_minor=amount_minor,
        currency=campaign.currency,
        referral_share_link_id=referral_share_link_id,
        language=recipient_language_now(),
    )


def _customer_for(pledge: Pledge) -> str:
    existing = StripeCustomer.objects.filter(user_id=pledge.backer_id).first()
    if existing:
        return existing.customer_id
    customer_id = gateway.customer_create(
        email=pledge.email,
        name=pledge.backer_name,
        metadata={"pledge_id": str(pledge.pk), "user_id": str(pledge.backer_id)},
        idempotency_key=f"pledge-{pledge.pk}-customer",
    )
    StripeCustomer.objects.update_or_create(user_id=pledge.backer_id, defaults={"customer_id": customer_id})
    return customer_id


def pledge_start_setup(*, pledge: Pledge) -> dict:
    """The SetupIntent (usage=off_session) the pledge page confirms with the card element. Nothing
    is charged. Returns {"setup_intent_id", "client_secret"}. Called with no transaction open."""
    if pledge.state != Pledge.State.SETTING_UP:
        raise Conflict(gettext("This pledge's card is already saved."), code="already_saved")
    customer_id = pledge.stripe_customer_id or _customer_for(pledge)
    attempt = Pledge.objects.filter(pk=pledge.pk).values_list("updated_at", flat=True).get()
    setup = gateway.setup_intent_create(
        customer_id=customer_id,
        metadata={"pledge_id": str(pledge.pk), "campaign_id": str(pledge.campaign_id)},
        # A new key per attempt (an abandoned form started again gets a new SetupIntent).
        idempotency_key=f"pledge-{pledge.pk}-setup-{int(attempt.timestamp())}",
    )
    Pledge.objects.filter(pk=pledge.pk, state=Pledge.State.SETTING_UP).update(
        stripe_customer_id=customer_id, stripe_setup_intent_id=setup["id"], updated_at=timezone.now()
    )
    pledge.stripe_customer_id, pledge.stripe_setup_intent_id = customer_id, setup["id"]
    return {"setup_intent_id": setup["id"], "client_secret": setup["client_secret"]}


def pledge_begin(
    *,
    campaign,
    actor,
    amount_minor: int,
    visibility: str = Donation.Visibility.NAME,
    keep_updated: bool = False,
    referral_share_link_id: int | None = None,
):
    """Create (or reuse) the pledge and its SetupIntent: (pledge, {"setup_intent_id", "client_secret"})."""
    pledge = pledge_create(
        campaign=campaign,
        actor=actor,
        amount_minor=amount_minor,
        visibility=visibility,
        keep_updated=keep_updated,
        referral_share_link_id=referral_share_link_id,
    )
    return pledge, pledge_start_setup(pledge=pledge)


def pledge_confirm(*, pledge: Pledge, setup_intent_id: str) -> Pledge:
    """After the page confirmed the SetupIntent: ask Stripe whether the card was saved; if so the
    pledge becomes `active` (nothing charged) and the backer is told. Stripe first, then lock."""
    if not setup_intent_id or setup_intent_id != pledge.stripe_setup_intent_id:
        raise ValidationError(gettext("This card confirmation does not belong to this pledge."))
    setup = gateway.setup_intent_retrieve(setup_intent_id=setup_intent_id)
    with transaction.atomic():
        locked = Pledge.objects.select_for_update().select_related("campaign").get(pk=pledge.pk)
        if locked.state != Pledge.State.SETTING_UP:
            return locked
        if setup["status"] != "succeeded" or not setup["payment_method"]:
            raise ValidationError(
                setup["error_message"] or gettext("Your card could not be saved; please try another card.")
            )
        locked.state = Pledge.State.ACTIVE
        locked.stripe_payment_method_id = setup["payment_method"]
        locked.save(update_fields=["state", "stripe_payment_method_id", "updated_at"])
        pledge_notices.pledge_saved_send(locked)
    return locked


def _lock_own(pledge: Pledge, actor) -> Pledge:
    locked = Pledge.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=pledge.pk)
    if not policies.can_manage_pledge(pledge=locked, user=actor):
        raise PermissionDenied(gettext("Only the backer can change this pledge."))
    if locked.state not in (Pledge.State.ACTIVE, Pledge.State.SETTING_UP):
        raise Conflict(gettext("This pledge can no longer be changed."), code="pledge_closed")
    if not rules.campaign_accepts_pledges(locked.campaign):
        raise Conflict(gettext("The deadline has passed: pledges can no longer be changed."), code="deadline_passed")
    return locked


@transaction.atomic
def pledge_change_amount(*, pledge: Pledge, actor, amount_minor: int) -> Pledge:
    """The backer changes the amount before the deadline. Locks the pledge row."""
    locked = _lock_own(pledge, actor)
    errors = _amount_errors(amount_minor, locked.currency)
    if errors:
        raise ValidationError(errors)
    locked.amount_minor = amount_minor
    locked.save(update_fields=["amount_minor", "updated_at"])
    return locked


@transaction.atomic
def pledge_cancel(*, pledge: Pledge, actor) -> Pledge:
    """The backer withdraws before the deadline; the saved card will never be charged for it."""
    locked = _lock_own(pledge, actor)
    locked.state = Pledge.State.CANCELED
    locked.save(update_fields=["state", "updated_at"])
    return locked


def _pledged(campaign_id: int) -> dict:
    return Pledge.objects.filter(campaign_id=campaign_id, state=Pledge.State.ACTIVE).aggregate(
        total=Sum("amount_minor"), backers=Count("id")
    )


@transaction.atomic
def pledge_campaign_decide(*, campaign_id: int) -> str:
    """At (or after) the deadline of an all-or-nothing campaign, decide once: goal met ->
    `collecting`, goal missed -> `released` (every pledge released, nobody charged, everyone
    told). Locks the CampaignFunding row; a second call (beat fired twice, a retried task) finds
    the outcome already taken and returns it."""
    funding = (
        CampaignFunding.objects.select_for_update(of=("self",)).select_related("campaign").get(campaign_id=campaign_id)
    )
    campaign = funding.campaign
    if funding.funding_model != CampaignFunding.Model.ALL_OR_NOTHING:
        return ""
    if funding.pledge_outcome != CampaignFunding.PledgeOutcome.OPEN:
        return funding.pledge_outcome
    if not campaign.deadline or campaign.deadline > timezone.now():
        return funding.pledge_outcome
    pledged = _pledged(campaign_id)["total"] or 0
    funding.pledge_decided_at = timezone.now()
    if rules.pledge_goal_met(pledged_minor=pledged, goal_minor=campaign.goal_minor or 0):
        funding.pledge_outcome = CampaignFunding.PledgeOutcome.COLLECTING
    else:
        funding.pledge_outcome = CampaignFunding.PledgeOutcome.RELEASED
        released = list(
            Pledge.objects.filter(
                campaign_id=campaign_id, state__in=[Pledge.State.ACTIVE, Pledge.State.SETTING_UP]
            ).select_related("campaign")
        )
        Pledge.objects.filter(pk__in=[p.pk for p in released]).update(
            state=Pledge.State.RELEASED, updated_at=timezone.now()
        )
        for pledge in released:
            pledge_notices.pledge_released_send(pledge, pledged_minor=pledged)
    funding.save(update_fields=["pledge_outcome", "pledge_decided_at", "updated_at"])
    return funding.pledge_outcome


def _claim(pledge_id: int) -> Pledge | None:
    """Take the pledge for charging (short transaction, pledge row lock): make sure its collecting
    Donation exists. None when it is not to be charged (canceled, charged already, or claimed by
    another live worker)."""
    with transaction.atomic():
        pledge = Pledge.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=pledge_id)
        now = timezone.now()
        if pledge.state == Pledge.State.CHARGING:
            if pledge.charge_claimed_at and pledge.charge_claimed_at > now - CHARGE_CLAIM_TIMEOUT:
                return None
        elif pledge.state != Pledge.State.ACTIVE:
            return None
        if pledge.donation_id is None:
            pledge.donation = Donation.objects.create(
                campaign_id=pledge.campaign_id,
                donor_id=pledge.backer_id,
                donor_name=pledge.backer_name,
                email=pledge.email,
                visibility=pledge.visibility,
                amount_minor=pledge.amount_minor,
                currency=pledge.currency,
                stripe_customer_id=pledge.stripe_customer_id,
                stripe_setup_intent_id=pledge.stripe_setup_intent_id,
                stripe_payment_method_id=pledge.stripe_payment_method_id,
            )
        pledge.state = Pledge.State.CHARGING
        pledge.charge_claimed_at = now
        pledge.save(update_fields=["state", "charge_claimed_at", "donation", "updated_at"])
        return pledge


def pledge_charge(*, pledge_id: int) -> str:
    """Charge one pledge off-session (no transaction open: see the module docstring). Returns the
    pledge's state afterwards ('' when it was not to be charged)."""
    pledge = _claim(pledge_id)
    if pledge is None:
        return ""
    donation = Donation.objects.get(pk=pledge.donation_id)
    if donation.state == Donation.State.PENDING:
        intent = saved_card_intent(
            donation,
            metadata={
                "donation_id": str(donation.pk),
                "pledge_id": str(pledge.pk),
                "campaign_id": str(pledge.campaign_id),
            },
            create_key=f"pledge-{pledge.pk}-intent",
            confirm_key=f"pledge-{pledge.pk}-confirm",
            off_session=True,
        )
    else:
        intent = None  # settled already (a webhook got there first): only the pledge moves
    return _pledge_apply(pledge_id=pledge.pk, intent=intent)


@transaction.atomic
def _pledge_apply(*, pledge_id: int, intent) -> str:
    """Apply Stripe's answer: lock the pledge, then its donation (the guarded donation transition
    counts it and sends the receipt); a refused charge leaves the pledge `payment_required`."""
    pledge = Pledge.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=pledge_id)
    donation = _lock(pledge.donation_id)
    if intent is not None:
        _apply_intent(donation, intent)
    if pledge.state not in (Pledge.State.CHARGING, Pledge.State.ACTIVE):
        return pledge.state  # the donation's success already moved it (see transitions)
    if donation.is_paid:
        pledge.state = Pledge.State.COLLECTED
        pledge.failure_message = ""
    elif donation.state == Donation.State.PENDING and (intent is None or intent.status != "requires_action"):
        return pledge.state  # processing: the webhook settles the donation, the next run the pledge
    else:
        pledge.state = Pledge.State.PAYMENT_REQUIRED
        pledge.failure_message = (donation.failure_message or gettext("Your bank asked you to confirm the payment."))[
            :300
        ]
        pledge.payment_due_at = timezone.now() + rules.PLEDGE_GRACE_PERIOD
        pledge_notices.pledge_payment_required_send(pledge)
    pledge.charge_claimed_at = None
    pledge.save(update_fields=["state", "failure_message", "payment_due_at", "charge_claimed_at", "updated_at"])
    return pledge.state


def pledge_collect_batch(*, campaign_id: int, limit: int = BATCH_SIZE) -> tuple[int, int]:
    """Charge up to `limit` pledges of a `collecting` campaign; returns (left to charge, charged
    or settled in this batch). When none is left the campaign becomes `collected` and the
    organizer is told. A Stripe outage on one pledge leaves it for the next run (the sweep)."""
    progressed = 0
    to_charge = Pledge.objects.filter(
        campaign_id=campaign_id, state__in=[Pledge.State.ACTIVE, Pledge.State.CHARGING]
    ).order_by("pk")
    for pledge_id in list(to_charge.values_list("pk", flat=True)[:limit]):
        try:
            progressed += bool(pledge_charge(pledge_id=pledge_id) not in ("", Pledge.State.CHARGING))
        except gateway.GatewayError as exc:
            logger.warning("pledge %s not charged now (%s); the next run resumes it", pledge_id, exc.message)
    left = to_charge.count()
    if not left:
        _campaign_mark_collected(campaign_id=campaign_id)
    return left, progressed


@transaction.atomic
def _campaign_mark_collected(*, campaign_id: int) -> None:
    funding = (
        CampaignFunding.objects.select_for_update(of=("self",)).select_related("campaign").get(campaign_id=campaign_id)
    )
    if funding.pledge_outcome != CampaignFunding.PledgeOutcome.COLLECTING:
        return
    funding.pledge_outcome = CampaignFunding.PledgeOutcome.COLLECTED
    funding.save(update_fields=["pledge_outcome", "updated_at"])
    pledge_notices.campaign_collected_send(funding.campaign, summary=pledge_collection_summary(campaign_id=campaign_id))


def pledge_collection_summary(*, campaign_id: int) -> dict:
    """Pledged vs collected, for the organizer (one query)."""
    counted = Q(state__in=Pledge.COUNTED_STATES)
    row = Pledge.objects.filter(campaign_id=campaign_id).aggregate(
        pledged=Sum("amount_minor", filter=counted),
        backers=Count("id", filter=counted),
        collected=Sum("amount_minor", filter=Q(state=Pledge.State.COLLECTED)),
        payment_required=Count("id", filter=Q(state=Pledge.State.PAYMENT_REQUIRED)),
    )
    return {key: value or 0 for key, value in row.items()}


def pledge_payment_reminders() -> dict:
    """Hourly: remind backers whose pledge waits for payment (before the grace period ends), and
    lapse the pledges whose grace period ended unpaid. Each step locks the pledge; reminders have
    dedupe keys, so a rerun sends nothing twice."""
    now = timezone.now()
    counts = {"reminded": 0, "lapsed": 0}
    waiting = Pledge.objects.filter(state=Pledge.State.PAYMENT_REQUIRED, payment_due_at__isnull=False)
    for pledge_id in list(waiting.values_list("pk", flat=True)[:1000]):
        with transaction.atomic():
            pledge = Pledge.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=pledge_id)
            if pledge.state != Pledge.State.PAYMENT_REQUIRED:
                continue
            if pledge.payment_due_at <= now:
                pledge.state = Pledge.State.LAPSED
                pledge.save(update_fields=["state", "updated_at"])
                pledge_notices.pledge_lapsed_send(pledge)
                counts["lapsed"] += 1
                continue
            due_steps = sum(1 for before in rules.PLEDGE_REMINDERS_BEFORE_DUE if now >= pledge.payment_due_at - before)
            if due_steps > pledge.reminders_sent:
                pledge.reminders_sent = due_steps
                pledge.save(update_fields=["reminders_sent", "updated_at"])
                pledge_notices.pledge_payment_reminder_send(pledge, number=due_steps)
                counts["reminded"] += 1
    return counts
