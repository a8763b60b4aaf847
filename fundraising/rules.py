"""The money rules of giving, in one place: how much one donation may be, the preset amounts the
donate page offers, the card processing fee a donor may cover, and whether a campaign takes
donations. Pure functions over values and objects; services enforce them, selectors, forms and
views show them, templates get their results in the context.

Amounts are integer minor units of `currency` (see causeweb.core.money).
"""

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


def campaign_accepts_donations(campaign) -> bool:
    """Open (published), with a goal, and before its deadline, if it has one."""
    if not campaign.is_open or not campaign_has_fundraising(campaign):
        return False
    return not (campaign.deadline and campaign.deadline <= timezone.now())
