"""Money and dates in the active language, for the texts fundraising shows or sends (errors,
summaries, receipts, notices). The currency is always the campaign's: only its spelling changes
("€12.50" in English, "12,50 €" in Spanish, Babel's 'ar' form in Arabic)."""

import re
from datetime import UTC

from babel.numbers import format_currency
from django.utils import formats, timezone, translation
from django.utils.translation import pgettext

from causeweb.core.money import format_money_exact, to_major, visitor_locale


def _locale() -> str:
    return str(visitor_locale(translation.get_language()))


def local_money(amount_minor: int | None, currency: str) -> str:
    """Like causeweb.core.money.format_money (whole amounts without decimals: "€25"), but with the
    locale's own currency pattern for whole amounts too ("25 €" in Spanish, not "€25")."""
    locale = visitor_locale(translation.get_language())
    amount = to_major(amount_minor or 0, currency)
    if amount != amount.to_integral_value():
        return format_currency(amount, currency.upper(), locale=locale)
    pattern = re.sub(r"\.0+", "", locale.currency_formats["standard"].pattern)
    return format_currency(amount, currency.upper(), locale=locale, format=pattern, currency_digits=False)


def local_money_exact(amount_minor: int, currency: str) -> str:
    return format_money_exact(amount_minor, currency, locale=_locale())


# Each date format is itself translatable (context "date format", Django's date-filter letters), so
# a language can put the day, month and year in its own order and words ("5 de febrero de 2027").


def local_date(value, *, localtime: bool = True, padded: bool = False) -> str:
    """ "5 Feb 2027" in English ("05 Feb 2027" when `padded`), "5 feb 2027" in Spanish. An aware
    datetime is shown in the current time zone unless `localtime` is False (the charge days of
    monthly plans, which are UTC days)."""
    if localtime and getattr(value, "tzinfo", None) is not None:
        value = timezone.localtime(value)
    fmt = pgettext("date format", "d M Y") if padded else pgettext("date format", "j M Y")
    return formats.date_format(value, fmt)


def page_date(value, *, localtime: bool = True) -> str:
    """The locale's DATE_FORMAT ("Feb. 5, 2027", "5 de febrero de 2027"): what templates show with
    `|date:"DATE_FORMAT"`, for a date written in Python that stands on a page beside those (My
    giving, a plan's page), so one page has one date format. `localtime` as in local_date."""
    if localtime and getattr(value, "tzinfo", None) is not None:
        value = timezone.localtime(value)
    elif getattr(value, "tzinfo", None) is not None:
        value = value.astimezone(UTC)
    return formats.date_format(value, "DATE_FORMAT")


def local_long_date(value) -> str:
    """ "05 February 2027" in English, "5 de febrero de 2027" in Spanish: notices and deadlines."""
    if getattr(value, "tzinfo", None) is not None:
        value = timezone.localtime(value)
    return formats.date_format(value, pgettext("date format", "d F Y"))


def local_deadline(value) -> str:
    """ "05 February 2027 18:00 UTC": a deadline with its time and zone (notices)."""
    value = timezone.localtime(value)
    when = formats.date_format(value, pgettext("date format", "d F Y H:i"))
    return f"{when} {value.tzname()}"
