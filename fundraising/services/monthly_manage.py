"""The donor's controls of a monthly gift, from "My giving" (signed in) or the signed link in every
receipt (`token`, no sign-in): change the amount, cancel, use another card (on-session, the way
a paused gift resumes). Each write locks the plan row. See fundraising/services/monthly.py."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from fundraising import gateway, l10n, rules
from fundraising.models import MonthlyPlan
from fundraising.services import monthly_notices
from fundraising.services.receipts import plan_manage_token_valid


def _may_manage(plan: MonthlyPlan, *, actor, token: str) -> bool:
    if plan_manage_token_valid(plan=plan, token=token):
        return True
    return bool(getattr(actor, "is_authenticated", False) and plan.donor_id == actor.pk)


def _lock_managed(plan: MonthlyPlan, *, actor, token: str) -> MonthlyPlan:
    locked = MonthlyPlan.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=plan.pk)
    if not _may_manage(locked, actor=actor, token=token):
        raise PermissionDenied(gettext("This link does not let you change this monthly gift."))
    if locked.state == MonthlyPlan.State.CANCELLED:
        raise Conflict(gettext("This monthly gift was cancelled."), code="plan_cancelled")
    return locked


@transaction.atomic
def monthly_plan_change_amount(*, plan: MonthlyPlan, actor, token: str = "", amount_minor: int) -> MonthlyPlan:
    """The donor changes the monthly amount; it applies from the next charge. Locks the plan."""
    locked = _lock_managed(plan, actor=actor, token=token)
    if not rules.amount_within_limits(amount_minor, locked.currency):
        low, high = rules.donation_limits(locked.currency)
        raise ValidationError(
            {
                "amount": gettext("Give between %(low)s and %(high)s.")
                % {"low": l10n.local_money(low, locked.currency), "high": l10n.local_money(high, locked.currency)}
            }
        )
    locked.amount_minor = amount_minor
    locked.save(update_fields=["amount_minor", "updated_at"])
    return locked


@transaction.atomic
def monthly_plan_cancel(*, plan: MonthlyPlan, actor, token: str = "") -> MonthlyPlan:
    """The donor stops the gift: nothing more is charged (a charge a worker is making right now
    still lands in the ledger, with its receipt). Locks the plan. Cancelling twice is a no-op."""
    locked = MonthlyPlan.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=plan.pk)
    if not _may_manage(locked, actor=actor, token=token):
        raise PermissionDenied(gettext("This link does not let you change this monthly gift."))
    if locked.state == MonthlyPlan.State.CANCELLED:
        return locked
    locked.state = MonthlyPlan.State.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.save(update_fields=["state", "cancelled_at", "updated_at"])
    monthly_notices.plan_cancelled_send(locked)
    return locked


def monthly_plan_card_update_start(*, plan: MonthlyPlan, actor, token: str = "") -> dict:
    """A SetupIntent (usage=off_session) the plan's page confirms on-session with the donor's new
    card (3-D Secure, if asked, happens here, with the donor present). Called with no transaction
    open; the plan is only read."""
    current = MonthlyPlan.objects.get(pk=plan.pk)
    if not _may_manage(current, actor=actor, token=token):
        raise PermissionDenied(gettext("This link does not let you change this monthly gift."))
    if current.state not in (MonthlyPlan.State.ACTIVE, MonthlyPlan.State.PAUSED) or not current.stripe_customer_id:
        raise Conflict(gettext("This monthly gift's card cannot be changed now."), code="plan_not_live")
    attempt = int(current.updated_at.timestamp())
    setup = gateway.setup_intent_create(
        customer_id=current.stripe_customer_id,
        metadata={"monthly_plan_id": str(current.pk)},
        idempotency_key=f"plan-{current.pk}-card-{attempt}",
    )
    MonthlyPlan.objects.filter(pk=current.pk).update(stripe_setup_intent_id=setup["id"], updated_at=timezone.now())
    return {"setup_intent_id": setup["id"], "client_secret": setup["client_secret"]}


def monthly_plan_card_update_finish(*, plan: MonthlyPlan, actor, token: str = "", setup_intent_id: str) -> MonthlyPlan:
    """After the page confirmed the SetupIntent: Stripe is asked (no transaction open) whether the
    card was saved; if so the plan charges it from now on. A paused plan becomes active and its
    missed period is charged at the next run (failures start again from zero)."""
    current = MonthlyPlan.objects.get(pk=plan.pk)
    if not setup_intent_id or setup_intent_id != current.stripe_setup_intent_id:
        raise ValidationError(gettext("This card confirmation does not belong to this monthly gift."))
    setup = gateway.setup_intent_retrieve(setup_intent_id=setup_intent_id)
    with transaction.atomic():
        locked = _lock_managed(current, actor=actor, token=token)
        if setup["status"] != "succeeded" or not setup["payment_method"]:
            raise ValidationError(
                setup["error_message"] or gettext("Your card could not be saved; please try another card.")
            )
        locked.stripe_payment_method_id = setup["payment_method"]
        fields = ["stripe_payment_method_id", "updated_at"]
        if locked.state == MonthlyPlan.State.PAUSED:
            locked.state = MonthlyPlan.State.ACTIVE
            locked.failure_count = 0
            locked.failure_message = ""
            locked.paused_at = None
            locked.next_charge_at = timezone.now()
            fields += ["state", "failure_count", "failure_message", "paused_at", "next_charge_at"]
        locked.save(update_fields=fields)
    return locked
