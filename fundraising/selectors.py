"""Reads for money. The campaign page's funding panel costs a constant three queries whatever the
number of donations: the totals (the campaign's CampaignFunding row plus its at most
FUNDING_SHARDS shard rows, summed in the same query by `campaign_funding_totals`, the one read path
for totals) and two short, indexed donor-wall lists."""

import math
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import BigIntegerField, Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from causeweb.core.money import currency_exponent, format_money_exact, to_major, visitor_locale
from fundraising import l10n, policies, rules
from fundraising.models import (
    CampaignFunding,
    CampaignFundingShard,
    Discrepancy,
    Donation,
    MonthlyPlan,
    Pledge,
    StripeEvent,
)
from fundraising.services import receipts

WALL_SIZE = 5
# Shown on the wall: paid and not fully refunded (the condition of the wall's partial indexes).
WALL_STATES = Donation.WALL_STATES
WALL_FIELDS = ("donor_name", "visibility", "amount_minor", "currency", "message", "succeeded_at")


def _wall_entry(donation: Donation) -> dict:
    return {
        "name": donation.public_name,
        "anonymous": donation.visibility == Donation.Visibility.ANONYMOUS,
        "amount_minor": donation.amount_minor,
        "currency": donation.currency,
        "message": donation.message,
        "when": donation.succeeded_at,
    }


def donor_wall_querysets(*, campaign_id: int):
    """The donor wall's two lists (latest, largest), each read in the order of its partial index
    (donation_wall_latest_paid / donation_wall_top_paid): WALL_SIZE rows, never a sort."""
    paid = Donation.objects.filter(campaign_id=campaign_id, state__in=WALL_STATES).only(*WALL_FIELDS)
    return (
        paid.order_by("-succeeded_at", "-id")[:WALL_SIZE],
        paid.order_by("-amount_minor", "succeeded_at", "id")[:WALL_SIZE],
    )


def campaign_funding_panel(*, campaign) -> dict | None:
    """Everything the campaign page's funding panel shows (raised, goal, donors, donor wall),
    or None when the campaign takes no donations. Rendered by fundraising/_campaign_panel.html."""
    if not rules.campaign_has_fundraising(campaign):
        return None
    funding = campaign_funding_totals(campaign_ids=[campaign.pk]).get(campaign.pk) or {
        "raised_minor": 0,
        "donor_count": 0,
        "currency": campaign.currency,
        "funding_model": rules.KEEP_WHAT_YOU_RAISE,
    }
    latest_wall, top_wall = donor_wall_querysets(campaign_id=campaign.pk)
    latest = [_wall_entry(d) for d in latest_wall]
    top = [_wall_entry(d) for d in top_wall]
    days_left = None
    if campaign.deadline:
        seconds = (campaign.deadline - timezone.now()).total_seconds()
        days_left = max(0, math.ceil(seconds / 86400))
    goal = campaign.goal_minor
    return {
        "raised_minor": funding["raised_minor"],
        "goal_minor": goal,
        # The currency the money was raised in (a campaign's currency is fixed once it has donations).
        "currency": funding["currency"],
        "goal_currency": campaign.currency,
        "percent": min(100, funding["raised_minor"] * 100 // goal) if funding["currency"] == campaign.currency else 0,
        "donor_count": funding["donor_count"],
        "deadline": campaign.deadline,
        "days_left": days_left,
        "accepts_donations": rules.campaign_accepts_donations(campaign, funding_model=funding["funding_model"]),
        "donate_url": reverse("fundraising:donate", kwargs={"slug": campaign.slug}),
        "latest": latest,
        "top": top,
    }


def donation_form_options(*, currency: str, locale=None) -> dict:
    """Presets, limits and the fee rule the donate page shows (the services enforce them). Each
    preset carries its exact charge texts, so the page never computes or parses money itself."""
    where = visitor_locale(locale)
    low, high = rules.donation_limits(currency)
    basis_points, fixed = rules.PROCESSING_FEES[currency]
    return {
        "min_minor": low,
        "max_minor": high,
        "presets": [
            {
                "minor": amount,
                "major": f"{to_major(amount, currency).normalize():f}",
                "fee_minor": rules.processing_fee(amount_minor=amount, currency=currency),
                "charge_text": format_money_exact(amount, currency, locale=where),
                "charge_with_fee_text": format_money_exact(
                    amount + rules.processing_fee(amount_minor=amount, currency=currency), currency, locale=where
                ),
                "fee_text": format_money_exact(
                    rules.processing_fee(amount_minor=amount, currency=currency), currency, locale=where
                ),
            }
            for amount in rules.preset_amounts(currency)
        ],
        "fee_rule": {"basis_points": basis_points, "fixed": fixed, "exponent": currency_exponent(currency)},
    }


def stripe_js_url() -> str:
    """localstripe serves its fake Stripe.js under the API address; real Stripe.js otherwise."""
    base = settings.STRIPE_API_BASE
    if settings.STRIPE_TEST_MODE and base:
        return f"{base.rstrip('/')}/js.stripe.com/v3/"
    return "https://js.stripe.com/v3/"


def stripe_csp_sources() -> dict[str, list[str]]:
    """The Content-Security-Policy sources Stripe.js needs on the pages that load it: Stripe's hosts,
    or localstripe's origin (script, API and frames all under it) in test mode."""
    base = settings.STRIPE_API_BASE
    if settings.STRIPE_TEST_MODE and base:
        parts = urlsplit(base)
        origin = f"{parts.scheme}://{parts.netloc}"
        return {"script-src": [origin], "connect-src": [origin], "frame-src": [origin]}
    return {directive: list(sources) for directive, sources in settings.CSP_STRIPE_SOURCES.items()}


def donation_get_by_public_id(*, public_id) -> Donation | None:
    return Donation.objects.select_related("campaign").filter(public_id=public_id).first()


def campaign_donations(*, campaign):
    """Paid donations of a campaign, newest first (organizer's tab and CSV)."""
    return Donation.objects.filter(campaign_id=campaign.pk, state__in=Donation.PAID_STATES).order_by(
        "-succeeded_at", "-id"
    )


def _shard_sum(field: str, output_field):
    shards = CampaignFundingShard.objects.filter(campaign_id=OuterRef("campaign_id")).order_by()
    total = shards.values("campaign_id").annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(total, output_field=output_field), Value(0))


def with_funding_totals(fundings):
    """CampaignFunding rows annotated with their full totals (`raised_total`, `donor_total`): the
    row's own figures plus its shards (for admin lists)."""
    return fundings.annotate(
        raised_total=F("raised_minor") + _shard_sum("raised_minor", BigIntegerField()),
        donor_total=F("donor_count") + _shard_sum("donor_count", IntegerField()),
    )


def campaign_funding_totals(*, campaign_ids=None) -> dict[int, dict]:
    """Raised amount and donor count of campaigns in one query (the campaign page, cards, lists,
    reconciliation: the one read path for totals): the CampaignFunding figures plus the sum of
    its shard rows. {campaign_id: {"raised_minor", "donor_count", "currency", "funding_model"}};
    campaigns without donations are absent; `campaign_ids=None` is every campaign."""
    rows = CampaignFunding.objects.all()
    if campaign_ids is not None:
        rows = rows.filter(campaign_id__in=list(campaign_ids))
    rows = with_funding_totals(rows).values("campaign_id", "raised_total", "donor_total", "currency", "funding_model")
    return {
        row["campaign_id"]: {
            "raised_minor": row["raised_total"],
            "donor_count": row["donor_total"],
            "currency": row["currency"],
            "funding_model": row["funding_model"],
        }
        for row in rows
    }


def campaign_currency_locked(*, campaign_id: int) -> bool:
    """True once a campaign has donations: its currency must not change any more (for the
    campaigns app's edit form)."""
    return Donation.objects.filter(campaign_id=campaign_id).exists()


def campaign_donation_summary(*, campaign) -> dict:
    funding = campaign_funding_totals(campaign_ids=[campaign.pk]).get(campaign.pk)
    return (
        {"raised_minor": funding["raised_minor"], "donor_count": funding["donor_count"]}
        if funding
        else {
            "raised_minor": 0,
            "donor_count": 0,
        }
    )


def donor_row(*, donation: Donation, viewer_is_finance: bool) -> dict:
    """One donation as the organizer (or finance staff) may see it: anonymous donors stay
    anonymous for everyone but finance staff."""
    hidden = donation.visibility == Donation.Visibility.ANONYMOUS and not viewer_is_finance
    return {
        "date": donation.succeeded_at,
        "name": gettext("Anonymous") if hidden else donation.donor_name,
        "email": "" if hidden else donation.email,
        "visibility": donation.get_visibility_display(),
        "amount_minor": donation.amount_minor,
        "fee_minor": donation.fee_minor,
        "refunded_minor": donation.refunded_minor,
        "currency": donation.currency,
        "state": donation.get_state_display(),
        "message": donation.message,
        "reference": str(donation.public_id),
    }


CSV_HEADER = ["date", "name", "email", "amount", "fee_covered", "refunded", "currency", "state", "message", "reference"]


def campaign_donations_csv_rows(*, campaign, viewer) -> Iterator[list[str]]:
    """The CSV rows under CSV_HEADER, one per paid donation, as `viewer` may see them."""
    finance = policies.can_see_anonymous_donors(viewer)
    for donation in campaign_donations(campaign=campaign).iterator(chunk_size=500):
        row = donor_row(donation=donation, viewer_is_finance=finance)
        yield [
            row["date"].isoformat() if row["date"] else "",
            row["name"],
            row["email"],
            str(to_major(row["amount_minor"], row["currency"])),
            str(to_major(row["fee_minor"], row["currency"])),
            str(to_major(row["refunded_minor"], row["currency"])),
            row["currency"],
            row["state"],
            row["message"],
            row["reference"],
        ]


def donation_list_for_donor(*, user):
    """A signed-in donor's own donations, newest first."""
    return Donation.objects.filter(donor=user).select_related("campaign").order_by("-created_at")


def donation_charge_summary(*, donation: Donation, locale=None) -> dict:
    """Exactly what the card will be charged, as the donor confirms it: the donation's own minor
    units (what the services pass to Stripe), formatted by Babel for the visitor's locale."""
    currency = donation.currency
    where = visitor_locale(locale)
    # One whole sentence per case (translators never see pieces); the money is Babel's for the
    # visitor's locale, in the donation's own currency.
    amounts = {
        "total": format_money_exact(donation.total_minor, currency, locale=where),
        "amount": format_money_exact(donation.amount_minor, currency, locale=where),
        "fee": format_money_exact(donation.fee_minor, currency, locale=where),
    }
    plan = MonthlyPlan.objects.filter(first_donation_id=donation.pk).first()
    if plan is not None:
        # A monthly gift says so in words before the card is used: today, then every month. The
        # date in the locale's DATE_FORMAT, as on the plan's pages (a charge day is a UTC day).
        amounts["when"] = l10n.page_date(plan.next_charge_at, localtime=False)
        if donation.fee_minor:
            text = gettext(
                "You will be charged %(total)s (%(amount)s donation + %(fee)s card processing fee) today, "
                "then %(total)s every month, next on %(when)s. Cancel any time."
            )
        else:
            text = gettext(
                "You will be charged %(total)s today, then %(total)s every month, next on %(when)s. Cancel any time."
            )
    elif donation.fee_minor:
        text = gettext("You will be charged %(total)s (%(amount)s donation + %(fee)s card processing fee).")
    else:
        text = gettext("You will be charged %(total)s.")
    return {
        "amount_minor": donation.amount_minor,
        "fee_minor": donation.fee_minor,
        "total_minor": donation.total_minor,
        "currency": currency,
        "text": text % amounts,
    }


def stripe_event_ids_stale(*, older_than: timedelta, limit: int = 500) -> list[int]:
    """Events still pending `older_than` after they arrived: their task was lost (broker down at
    receipt), so the sweep queues them again. Oldest first."""
    return list(
        StripeEvent.objects.filter(
            status=StripeEvent.Status.PENDING, received_at__lt=timezone.now() - older_than
        ).values_list("pk", flat=True)[:limit]
    )


def campaign_ids_pledges_due() -> list[int]:
    """All-or-nothing campaigns to settle: open past their deadline, or collecting (a batch
    queued, or a crash left the collection half done)."""
    due = CampaignFunding.objects.filter(funding_model=CampaignFunding.Model.ALL_OR_NOTHING).filter(
        Q(pledge_outcome=CampaignFunding.PledgeOutcome.OPEN, campaign__deadline__lte=timezone.now())
        | Q(pledge_outcome=CampaignFunding.PledgeOutcome.COLLECTING)
    )
    return list(due.values_list("campaign_id", flat=True)[:500])


def campaign_pledge_panel(*, campaign) -> dict:
    """What an all-or-nothing campaign's page and pledge form show: pledged total, backers, days
    left, the outcome, and what happens to a backer's card (two queries)."""
    funding = CampaignFunding.objects.filter(campaign_id=campaign.pk).values("pledge_outcome").first() or {}
    counted = Q(state__in=Pledge.COUNTED_STATES)
    row = Pledge.objects.filter(campaign_id=campaign.pk).aggregate(
        pledged=Sum("amount_minor", filter=counted),
        backers=Count("id", filter=counted),
        collected=Sum("amount_minor", filter=Q(state=Pledge.State.COLLECTED)),
        payment_required=Count("id", filter=Q(state=Pledge.State.PAYMENT_REQUIRED)),
    )
    pledged = row["pledged"] or 0
    goal = campaign.goal_minor or 0
    days_left = None
    if campaign.deadline:
        days_left = max(0, math.ceil((campaign.deadline - timezone.now()).total_seconds() / 86400))
    return {
        "all_or_nothing": True,
        "pledged_minor": pledged,
        "collected_minor": row["collected"] or 0,
        "payment_required": row["payment_required"],
        "backer_count": row["backers"],
        "goal_minor": goal,
        "currency": campaign.currency,
        "percent": min(100, pledged * 100 // goal) if goal else 0,
        "deadline": campaign.deadline,
        "days_left": days_left,
        "outcome": funding.get("pledge_outcome", CampaignFunding.PledgeOutcome.OPEN),
        "accepts_pledges": rules.campaign_accepts_pledges(campaign),
        "pledge_url": reverse("fundraising:pledge_new", kwargs={"slug": campaign.slug}),
        "card_promise": gettext(
            "All or nothing: your card is saved now and charged only if the campaign reaches its goal "
            "by the deadline. If it does not, nothing is charged. You can change or cancel your pledge "
            "until the deadline."
        ),
    }


def pledge_get_by_public_id(*, public_id) -> Pledge | None:
    return Pledge.objects.select_related("campaign", "donation").filter(public_id=public_id).first()


def pledge_list_for_backer(*, user):
    """A backer's pledges, newest first, with their campaigns."""
    return Pledge.objects.filter(backer=user).exclude(state=Pledge.State.SETTING_UP).select_related("campaign")


def campaign_pledges(*, campaign):
    """The pledges an organizer sees (not the ones still saving their card), newest first."""
    return (
        Pledge.objects.filter(campaign_id=campaign.pk)
        .exclude(state=Pledge.State.SETTING_UP)
        .select_related("donation")
        .order_by("-created_at", "-id")
    )


def user_by_id(user_id: int):
    """The user a task was queued for (None if they no longer exist)."""
    return get_user_model().objects.filter(pk=user_id).first()


# "My giving" shows the donor's donations, then one section per kind of standing commitment.
# Pledges and monthly plans add theirs here (fundraising/selectors, once their models land): a
# function `(user) -> dict | None` returning {"title", "rows"} where each row has "date",
# "campaign_title", "campaign_url", "amount_minor", "currency", "state", "detail" (e.g. the next
# charge date), "manage_url" and "manage_label". Append it to MY_GIVING_SECTIONS.
MY_GIVING_SECTIONS: list = []


def donation_giving_row(donation: Donation) -> dict:
    """One donation as its donor sees it on "My giving" and its receipt."""
    receipt_url = receipts.donation_receipt_path(donation)
    return {
        "date": donation.succeeded_at or donation.created_at,
        "campaign_title": donation.campaign.title,
        "campaign_url": donation.campaign.get_absolute_url(),
        "amount_minor": donation.amount_minor,
        "fee_minor": donation.fee_minor,
        "total_minor": donation.total_minor,
        "refunded_minor": donation.refunded_minor,
        "currency": donation.currency,
        "state": donation.state,
        "state_label": donation.get_state_display(),
        "card": donation.card_label,
        "reference": str(donation.public_id),
        "receipt_url": receipt_url if donation.is_paid else "",
        "manage_url": receipt_url,
        "manage_label": gettext("Receipt") if donation.is_paid else gettext("Details"),
    }


def my_giving(*, user, page_number=None, per_page: int = 25) -> dict:
    """A signed-in donor's giving: their donations (paged, newest first, one query for the page
    and one for the count) and the sections of MY_GIVING_SECTIONS (pledges, monthly plans)."""
    donations = Donation.objects.filter(donor=user).select_related("campaign").order_by("-created_at", "-id")
    page = Paginator(donations, per_page).get_page(page_number)
    sections = [section for section in (build(user) for build in MY_GIVING_SECTIONS) if section]
    return {"page": page, "donations": [donation_giving_row(d) for d in page.object_list], "sections": sections}


def finance_attention_counts() -> dict[str, int]:
    """For the admin dashboard: open reconciliation discrepancies, disputes, failed webhooks."""
    return {
        "discrepancies": Discrepancy.objects.filter(status=Discrepancy.Status.OPEN).count(),
        "disputes": Donation.objects.filter(disputed_at__isnull=False, state=Donation.State.SUCCEEDED).count(),
        "failed_events": StripeEvent.objects.filter(status=StripeEvent.Status.FAILED).count(),
    }


def campaign_has_paid_donations(*, campaign_id: int) -> bool:
    return Donation.objects.filter(campaign_id=campaign_id, state__in=Donation.PAID_STATES).exists()


def campaign_donor_members(*, campaign_id: int) -> tuple:
    """(account ids, email addresses) of the people who gave to a campaign (paid donations)."""
    paid = Donation.objects.filter(campaign_id=campaign_id, state__in=Donation.PAID_STATES)
    return (
        paid.exclude(donor__isnull=True).values_list("donor_id", flat=True),
        paid.values_list("email", flat=True),
    )


def campaign_update_audience(*, campaign) -> tuple[list[int], list[str]]:
    """Donors and backers who ticked "keep me updated" (`campaigns.hooks.campaign_update_audiences`):
    accounts of paid donations and of pledges with a saved card, and the addresses of guests whose
    donation was paid (the receipt went there; an unpaid attempt never counts)."""
    paid = Donation.objects.filter(campaign=campaign, keep_updated=True, state__in=Donation.PAID_STATES)
    account_ids = set(paid.exclude(donor__isnull=True).values_list("donor_id", flat=True))
    account_ids |= set(
        Pledge.objects.filter(campaign=campaign, keep_updated=True, state__in=Pledge.COUNTED_STATES).values_list(
            "backer_id", flat=True
        )
    )
    guests = list(paid.filter(donor__isnull=True).values_list("email", flat=True).distinct())
    return sorted(account_ids), guests
