"""Reads for monthly giving: a plan's page, its next charge in words, and its "My giving" section
(registered on selectors.MY_GIVING_SECTIONS by the app's ready())."""

from django.utils.dates import MONTHS
from django.utils.translation import gettext, pgettext

from fundraising import l10n, rules
from fundraising.models import MonthlyCharge, MonthlyPlan
from fundraising.services import receipts


def monthly_plan_get_by_public_id(*, public_id) -> MonthlyPlan | None:
    return MonthlyPlan.objects.select_related("campaign").filter(public_id=public_id).first()


def monthly_plan_next_charge_date(plan: MonthlyPlan) -> str:
    """The day of the next charge in the locale's DATE_FORMAT ("Feb. 5, 2027", "5 de febrero de
    2027"), the format of every other date on the plan's pages. A charge day is a UTC day."""
    return l10n.page_date(plan.next_charge_at, localtime=False)


def monthly_plan_next_charge_value(plan: MonthlyPlan) -> str:
    """What follows the "Next charge" label on the plan's page: the date alone (a retry: "... (a
    retry)"), or why there is none."""
    if plan.state == MonthlyPlan.State.CANCELLED:
        return gettext("Cancelled: nothing more will be charged")
    if plan.state == MonthlyPlan.State.PAUSED:
        return gettext("Paused: update your card to continue")
    when = monthly_plan_next_charge_date(plan)
    if plan.failure_count:
        return gettext("%(date)s (a retry)") % {"date": when}
    return when


def monthly_plan_next_charge_text(plan: MonthlyPlan) -> str:
    """ "next on Feb. 5, 2027" (a retry: "next try on ..."), or why there is none: in a sentence
    or a table cell without a label of its own."""
    if plan.state in (MonthlyPlan.State.CANCELLED, MonthlyPlan.State.PAUSED):
        return monthly_plan_next_charge_value(plan)
    when = monthly_plan_next_charge_date(plan)
    if plan.failure_count:
        return gettext("next try on %(date)s") % {"date": when}
    return gettext("next on %(date)s") % {"date": when}


def monthly_plan_page(*, plan: MonthlyPlan) -> dict:
    """What the plan's page shows: the plan, its next charge and its paid months (newest first)."""
    charges = MonthlyCharge.objects.filter(plan=plan).select_related("donation").order_by("-period")[:24]
    return {
        "plan": plan,
        "campaign": plan.campaign,
        "next_charge": monthly_plan_next_charge_value(plan),
        "total_minor": plan.amount_minor
        + (rules.processing_fee(amount_minor=plan.amount_minor, currency=plan.currency) if plan.cover_fee else 0),
        "charges": [
            {
                "period": charge.period,
                "period_label": pgettext("month and year", "%(month)s %(year)s")
                % {"month": MONTHS[int(charge.period[5:])], "year": charge.period[:4]},
                "state": charge.get_state_display(),
                "attempts": charge.attempts,
                "amount_minor": charge.donation.total_minor if charge.donation else None,
                "receipt_url": receipts.donation_receipt_path(charge.donation)
                if charge.donation and charge.donation.is_paid
                else "",
            }
            for charge in charges
        ],
    }


def monthly_plan_list_for_donor(*, user):
    """The donor's monthly gifts, newest first, the ones still saving their first card left out:
    what "My giving" lists and what `/api/v1/monthly-gifts/` pages through."""
    return (
        MonthlyPlan.objects.filter(donor=user)
        .exclude(state=MonthlyPlan.State.SETTING_UP)
        .select_related("campaign")
        .order_by("-created_at", "-id")
    )


def monthly_giving_section(user) -> dict | None:
    """ "My giving": the donor's monthly plans (two queries whatever their number)."""
    plans = list(monthly_plan_list_for_donor(user=user)[:100])
    if not plans:
        return None
    return {
        "title": gettext("Monthly gifts"),
        "rows": [
            {
                "date": plan.created_at,
                "campaign_title": plan.campaign.title,
                "campaign_url": plan.campaign.get_absolute_url(),
                "amount_minor": plan.amount_minor,
                "currency": plan.currency,
                "state": gettext("%(state)s, every month") % {"state": plan.get_state_display()},
                "detail": monthly_plan_next_charge_text(plan),
                "manage_url": receipts.plan_manage_path(plan),
                "manage_label": gettext("Change or cancel")
                if plan.state != MonthlyPlan.State.CANCELLED
                else gettext("Details"),
            }
            for plan in plans
        ],
    }
