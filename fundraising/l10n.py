"""Money and dates in the active language, for the texts fundraising shows or sends (errors,
summaries, receipts, notices). The currency is always the campaign's: only its spelling changes
("€12.50" in English, "12,50 €" in Spanish, Babel's 'ar' form in Arabic)."""

from django.utils import formats, timezone, translation

from causeweb.core.money import format_money, format_money_exact, visitor_locale


def _locale() -> str:
    return str(visitor_locale(translation.get_language()))


def local_money(amount_minor: int | None, currency: str) -> str:
    return format_money(amount_minor, currency, locale=_locale())


def local_money_exact(amount_minor: int, currency: str) -> str:
    return format_money_exact(amount_minor, currency, locale=_locale())


def local_date(value, *, localtime: bool = True, fmt: str = "j M Y") -> str:
    """ "5 Feb 2027" in English, "5 feb 2027" in Spanish: day, short month name (translated by
    Django) and year. An aware datetime is shown in the current time zone unless `localtime` is
    False (the charge dates of monthly plans, which are UTC days)."""
    if localtime and hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return formats.date_format(value, fmt)


def local_long_date(value) -> str:
    """ "05 February 2027": for notices and deadlines (was strftime "%d %B %Y", English only)."""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return formats.date_format(value, "d F Y")


def local_deadline(value) -> str:
    """ "05 February 2027 18:00 UTC": a deadline with its time and zone (notices)."""
    value = timezone.localtime(value)
    return f"{formats.date_format(value, 'd F Y H:i')} {value.tzname()}"
