"""The money rules of giving, in one place: how much one donation may be, the preset amounts the
donate page offers, the card processing fee a donor may cover, and whether a campaign takes
donations. Pure functions over values and objects; services enforce them, selectors, forms and
views show them, templates get their results in the context.

Amounts are integer minor units of `currency` (see causeweb.core.money).
"""

from datetime import timedelta

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from causeweb.core.money import SUPPORTED_CURRENCIES
from fundraising import l10n

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


def limits_in_every_currency() -> tuple[int, int]:
    """(smallest, largest) minor-unit amount that every supported currency accepts: the bounds the
    API's schema can state for `amount_minor` without knowing the campaign (its currency decides)."""
    return max(low for low, _ in DONATION_LIMITS.values()), min(high for _, high in DONATION_LIMITS.values())


# A typed amount (`amount` in the API) that every supported currency reads and accepts: a whole
# number of major units from 100 to 10000 (JPY has no minor unit and takes 100 to 1,000,000 yen,
# EUR/USD/GBP take 1.00 to 10,000.00). It is what the schema can promise without knowing the
# campaign's currency; the donate page's other spellings ("12,50", "€25", "1.250,00") are read too,
# by causeweb.core.money.parse_amount in the campaign's currency (a 400 when they do not fit it).
# tests/fundraising/test_api_amount_schema.py checks every string it matches against every currency.
TYPED_AMOUNT_EVERYWHERE_PATTERN = r"^(?:[1-9][0-9]{2,3}|10000)$"


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


# --- Monthly giving --------------------------------------------------------------------------------

# After a failed monthly charge, try again this long after each failure (+1 day, then +3, then +5);
# a failure after the last retry pauses the plan and asks the donor to update the card.
MONTHLY_RETRY_DELAYS = (timedelta(days=1), timedelta(days=3), timedelta(days=5))


def campaign_accepts_monthly(campaign, *, funding_model: str | None = None) -> bool:
    """Monthly gifts go to open keep-what-you-raise campaigns, as one-time donations do (an
    all-or-nothing campaign collects once at its deadline: a monthly gift has no meaning there)."""
    return campaign_accepts_donations(campaign, funding_model=funding_model)


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
            return gettext("All-or-nothing needs a fundraising goal.")
        if not campaign.deadline:
            return gettext("All-or-nothing needs a deadline: pledges are charged only if the goal is met by then.")
        if campaign.deadline <= timezone.now():
            return gettext("The deadline has passed.")
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


def pledge_payment_closed_reason(pledge, *, now=None) -> str:
    """'' while a pledge whose charge failed can be paid on-session (state payment_required,
    within its grace period), else what the pay page says instead."""
    now = now or timezone.now()
    if pledge.state == "collected":
        return gettext("This pledge is paid. Thank you!")
    due = pledge.payment_due_at
    if pledge.state == "lapsed" or (pledge.state == "payment_required" and due and due <= now):
        if due:
            return gettext(
                "The time to pay this pledge ended on %(date)s. Nothing was charged, and the pledge has been withdrawn."
            ) % {"date": l10n.local_long_date(due)}
        return gettext("The time to pay this pledge ended. Nothing was charged, and the pledge has been withdrawn.")
    if pledge.state != "payment_required":
        return gettext("This pledge has nothing to pay.")
    return ""


def pledge_goal_met(*, pledged_minor: int, goal_minor: int) -> bool:
    return pledged_minor >= goal_minor


# What a donor is told when a card payment does not go through, by Stripe's error `code` and
# `decline_code` (https://stripe.com/docs/declines/codes), in one place. Three situations read
# differently because the donor does something different next: a decline (another card or the
# bank), a security check that failed (try again and approve it), and a bank that wants the donor
# to confirm (approve it on-session). Every message says that no money was taken.
DECLINED_MESSAGE = _(
    "Your card was declined. No money was taken; please try another card, or ask your bank why it refused the payment."
)
AUTH_FAILED_MESSAGE = _(
    "The card's security check (3-D Secure) was not completed, so no money was taken. Try again and approve the "
    "payment in your bank's app or window when it opens, or use another card."
)
AUTH_REQUIRED_MESSAGE = _(
    "Your bank wants you to confirm this payment (3-D Secure) before it goes through. No money was taken yet: "
    "open the payment link we send you, or give again from the campaign page, and approve it in your bank's app."
)
CARD_NOT_SAVED_MESSAGE = _(
    "Your card could not be used: it was declined, its details were incomplete or the security "
    "check was not completed. No money was taken."
)
AUTH_FAILED_CODES = frozenset({"payment_intent_authentication_failure", "setup_intent_authentication_failure"})
AUTH_REQUIRED_CODES = frozenset({"authentication_required"})
# Lazy, whole sentences: each is read in the language active where it is shown or stored.
_CARD_GONE = _("Your bank reports this card can no longer be used. No money was taken; please use another card.")
_BAD_CVC = _(
    "The card's security code (CVC) is incorrect. No money was taken; check the digits on the back of the card "
    "and try again."
)
_BAD_NUMBER = _("The card number is incorrect. No money was taken; check it and try again.")
_BAD_EXPIRY = _("The card's expiry date is incorrect. No money was taken; check it and try again.")
_BANK_BUSY = _(
    "Your bank could not process the payment just now. No money was taken; please try again in a few minutes."
)
_LIMIT = _(
    "Your card has reached its spending limit. No money was taken; try another card or ask your bank to raise the "
    "limit."
)
DECLINE_MESSAGES = {
    "insufficient_funds": _(
        "Your card was declined for insufficient funds. No money was taken; try another card or a smaller amount."
    ),
    "lost_card": _CARD_GONE,
    "stolen_card": _CARD_GONE,
    "pickup_card": _CARD_GONE,
    "expired_card": _("Your card has expired. No money was taken; please use another card."),
    "incorrect_cvc": _BAD_CVC,
    "invalid_cvc": _BAD_CVC,
    "incorrect_number": _BAD_NUMBER,
    "invalid_number": _BAD_NUMBER,
    "invalid_expiry_month": _BAD_EXPIRY,
    "invalid_expiry_year": _BAD_EXPIRY,
    "processing_error": _BANK_BUSY,
    "try_again_later": _BANK_BUSY,
    "card_velocity_exceeded": _LIMIT,
    "withdrawal_count_limit_exceeded": _LIMIT,
    "currency_not_supported": _("Your card cannot pay in this currency. No money was taken; please use another card."),
    "card_not_supported": _(
        "Your card does not support this kind of payment. No money was taken; please use another card."
    ),
    "card_declined": DECLINED_MESSAGE,
    "generic_decline": DECLINED_MESSAGE,
    "do_not_honor": DECLINED_MESSAGE,
}


def payment_failure_message(*, code: str = "", decline_code: str = "", stripe_message: str = "") -> str:
    """The donor's message for a payment Stripe did not complete (see DECLINE_MESSAGES)."""
    codes = {code or "", decline_code or ""} - {""}
    if codes & AUTH_FAILED_CODES:
        return str(AUTH_FAILED_MESSAGE)
    if codes & AUTH_REQUIRED_CODES:
        return str(AUTH_REQUIRED_MESSAGE)
    for known in (decline_code, code):
        if known in DECLINE_MESSAGES:
            return str(DECLINE_MESSAGES[known])
    if not codes and "authentication" in (stripe_message or "").lower():
        return str(AUTH_FAILED_MESSAGE)  # an event without codes (older payloads): Stripe's text says it
    if stripe_message:
        return gettext("%(reason)s. No money was taken; please try another card.") % {
            "reason": stripe_message.rstrip(".")
        }
    return str(DECLINED_MESSAGE)
