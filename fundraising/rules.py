"""The money rules of giving, in one place: how much one donation may be, the preset amounts the
donate page offers, the card processing fee a donor may cover, and whether a campaign takes
donations. Pure functions over values and objects; services enforce them, selectors, forms and
views show them, templates get their results in the context.

Amounts are integer minor units of `currency` (see causeweb.core.money).
"""

from datetime import timedelta

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from causeweb.core.money import SUPPORTED_CURRENCIES

# Per currency: smallest and largest one-time donation (minor units) and the preset amounts.
DONATION_LIMITS = {
    "EUR": (100, 1_000_000),
    "USD": (100, 1_000_000),
    "GBP": (100, 1_000_000),
    "JPY": (100, 1_000_000),
}
PRESET_AMOUNTS = {
    "EUR": (1000, 2500, 5000, 10000),
    "USD": (1000, 2500, 5000, 10000),
    "GBP": (1000, 2500, 5000, 10000),
    "JPY": (1000, 3000, 5000, 10000),
}
# Card processing fee the donor may cover: basis points of the charge plus a fixed part in minor units.
PROCESSING_FEES = {
    "EUR": (150, 25),
    "GBP": (150, 20),
    "USD": (290, 30),
    "JPY": (360, 0),
}
assert set(DONATION_LIMITS) == set(SUPPORTED_CURRENCIES)


def donation_limits(currency: str) -> tuple[int, int]:
    """(smallest, largest) one-time donation in minor units of `currency`."""
    return DONATION_LIMITS[currency]


def amount_within_limits(amount_minor, currency: str) -> bool:
    """An integer amount between the currency's limits (both included)."""
    low, high = donation_limits(currency)
    return isinstance(amount_minor, int) and low <= amount_minor <= high


def preset_amounts(currency: str) -> tuple[int, ...]:
    return PRESET_AMOUNTS[currency]


def processing_fee(*, amount_minor: int, currency: str) -> int:
    """The fee to add so that, after Stripe takes its cut of the whole charge, the campaign still
    receives `amount_minor`: gross = (amount + fixed) / (1 - percent), rounded up."""
    basis_points, fixed = PROCESSING_FEES[currency]
    gross = -(-(amount_minor + fixed) * 10_000 // (10_000 - basis_points))  # integer ceiling division
    return gross - amount_minor


def campaign_has_fundraising(campaign) -> bool:
    """A campaign raises money only when it has a goal: no goal, no donate page and no funding panel."""
    return bool(campaign.goal_minor)


def campaign_accepts_donations(campaign, *, funding_model: str | None = None) -> bool:
    """Open (published), with a goal, keep-what-you-raise (an all-or-nothing campaign takes
    pledges instead), and before its deadline, if it has one. A caller that read the campaign's
    funding model already passes it (else it is read from the campaign's funding row)."""
    if not campaign.is_open or not campaign_has_fundraising(campaign):
        return False
    if (funding_model or funding_model_of(campaign)) == ALL_OR_NOTHING:
        return False
    return not (campaign.deadline and campaign.deadline <= timezone.now())


# --- Funding models (keep what you raise | all-or-nothing pledges) -------------------------------

KEEP_WHAT_YOU_RAISE = "keep"
ALL_OR_NOTHING = "all_or_nothing"
# After a failed charge at the deadline, the backer has this long to pay on-session.
PLEDGE_GRACE_PERIOD = timedelta(days=7)
# Reminders while a pledge waits for payment: this long before the grace period ends.
PLEDGE_REMINDERS_BEFORE_DUE = (timedelta(days=4), timedelta(days=1))


def funding_model_of(campaign) -> str:
    """The campaign's funding model, from its CampaignFunding row (keep what you raise when it has
    none yet). Reads `campaign.funding`, cached on the instance after the first access."""
    try:
        return campaign.funding.funding_model or KEEP_WHAT_YOU_RAISE
    except ObjectDoesNotExist:
        return KEEP_WHAT_YOU_RAISE


def funding_model_allowed(*, campaign, funding_model: str) -> str:
    """'' when the campaign can use `funding_model`, else why not (all-or-nothing needs a goal and
    a deadline: the goal decides, at the deadline, whether anyone is charged)."""
    if funding_model == ALL_OR_NOTHING:
        if not campaign.goal_minor:
            return "All-or-nothing needs a fundraising goal."
        if not campaign.deadline:
            return "All-or-nothing needs a deadline: pledges are charged only if the goal is met by then."
        if campaign.deadline <= timezone.now():
            return "The deadline has passed."
    return ""


def campaign_accepts_pledges(campaign) -> bool:
    """An open all-or-nothing campaign before its deadline, still taking pledges."""
    if funding_model_of(campaign) != ALL_OR_NOTHING:
        return False
    if not campaign.is_open or not campaign_has_fundraising(campaign) or not campaign.deadline:
        return False
    if campaign.funding.pledge_outcome != "open":
        return False
    return campaign.deadline > timezone.now()


def pledge_goal_met(*, pledged_minor: int, goal_minor: int) -> bool:
    return pledged_minor >= goal_minor
