"""Money is an integer count of the currency's minor unit plus an ISO 4217 code. Stripe speaks
minor units, so there is no conversion at the boundary; Babel knows each currency's exponent
(JPY has none, EUR two) and formats for display."""

import re
import unicodedata
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.numbers import (
    NumberFormatError,
    format_currency,
    format_decimal,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SUPPORTED_CURRENCIES = ("EUR", "USD", "GBP", "JPY")
CURRENCY_CHOICES = [(code, code) for code in SUPPORTED_CURRENCIES]


def currency_exponent(currency: str) -> int:
    return get_currency_precision(currency.upper())


def to_major(amount_minor: int, currency: str) -> Decimal:
    return Decimal(int(amount_minor)).scaleb(-currency_exponent(currency))


def to_minor(amount_major: Decimal | str | int, currency: str) -> int:
    """Parse a major-unit amount typed by a person ("25", "25.50") into minor units, exactly.
    Raises ValueError when it has more decimals than the currency allows."""
    value = Decimal(str(amount_major)).normalize()
    minor = value.scaleb(currency_exponent(currency))
    if minor != minor.to_integral_value():
        raise ValueError(f"{currency} amounts have at most {currency_exponent(currency)} decimals.")
    return int(minor)


def _whole_amount_pattern(locale: str) -> str:
    """The locale's own currency pattern without its decimals: "¤#,##0" in English, "#,##0 ¤" in
    Spanish, so a whole amount keeps the locale's order of sign and number ("$1,250", "1.250 US$")."""
    return re.sub(r"\.0+", "", Locale.parse(str(locale).replace("-", "_")).currency_formats["standard"].pattern)


def format_money(amount_minor: int | None, currency: str, *, locale: str = "en") -> str:
    amount = to_major(amount_minor or 0, currency)
    whole = amount == amount.to_integral_value()
    return format_currency(
        amount,
        currency.upper(),
        locale=locale,
        format=_whole_amount_pattern(locale) if whole else None,
        currency_digits=not whole,
    )


def format_money_exact(amount_minor: int, currency: str, *, locale="en") -> str:
    """Every minor unit shown ("€25.00", "25,00 €", "¥3,000"): for "you will be charged" lines,
    where the donor must see the exact amount. `parse_amount` reads it back to the same units."""
    return format_currency(to_major(amount_minor, currency), currency.upper(), locale=locale)


# --- Reading an amount a person typed ------------------------------------------------------------
#
# One function reads every amount a donor types (the donate form, the API, the admin's partial
# refund): `parse_amount(text, currency, locale=...)` -> integer minor units, or a Django
# ValidationError whose message says what to write instead. Decimal only, never float.
#
# How separators are read (the decisions, tested in tests/foundation/test_money_parsing.py):
# - With both "." and "," the last one is the decimal separator and the other groups thousands:
#   "1.250,00" and "1,250.00" are both 1250. Groups must be well formed (Babel strict parsing).
# - Spaces (any kind), apostrophes (de-CH "1'250") and the Arabic thousands sign only ever group;
#   the Arabic decimal sign only ever separates decimals.
# - A separator that appears more than once groups ("1.250.000"); one followed by 1, 2 or 4+
#   digits is a decimal separator ("12,50" and "12.50" are both twelve and a half).
# - A single "." or "," followed by exactly three digits ("1,250", "1.250") could be either.
#   * Currencies without minor units (JPY): it groups, there is no other reading.
#   * Currencies with 1 or 2 decimals (EUR, USD, GBP): refused, whatever the locale, with a message
#     asking to write it unambiguously. Accept-Language is the browser's setting, not the donor's
#     typing habit, and a wrong guess charges 1000 times the amount; a refusal costs one retype,
#     and "1250", "1,250.00" or "1.25" always says it unambiguously.
#   * Currencies with 3 decimals (BHD, KWD): no other spelling exists for 1.234 BHD, so the
#     visitor's locale decides (its decimal symbol is the decimal, its group symbol groups). A
#     separator that is neither in that locale is refused as ambiguous.
# - More decimals than the currency has ("12.5" JPY, "25.001" EUR) are refused; trailing zeros
#   that change nothing ("12.500" in a 4-digit tail such as "12,5000") are fine.
# - The campaign's own currency symbol or code may lead or trail ("€12,50", "12,50 EUR").
#   Signs, letters, exponents ("1e5"), other currency symbols and very long input are refused.

_BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_MINUS_SIGNS = "-\u2212\u2012\u2013\u2014\ufe63\uff0d("
_GROUP_ONLY = " \u00a0\u202f\u2007\u2008\u2009\u200a'\u2019\u02bc\u066c"  # spaces, apostrophes, Arabic thousands
_DECIMAL_ONLY = "\u066b"  # Arabic decimal separator
MAX_AMOUNT_TEXT = 32
MAX_AMOUNT_MINOR = 10**15  # far above any donation limit, far below the database's 2**63


def visitor_locale(locale: str | Locale | None = None) -> Locale:
    """Babel locale for `locale` or the active Django language (LocaleMiddleware sets it from the
    request's Accept-Language); English when Babel does not know it."""
    if isinstance(locale, Locale):
        return locale
    if not locale:
        from django.utils import translation

        locale = translation.get_language() or "en"
    try:
        return Locale.parse(str(locale).replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse("en")


def _example(currency: str, locale: Locale, major: str) -> str:
    """How to write `major` in this locale, for error messages ("1.250,00" in German)."""
    exponent = currency_exponent(currency)
    if not exponent:
        return format_decimal(Decimal(major).to_integral_value(), locale=locale, group_separator=False)
    pattern = "0." + "0" * exponent
    return format_decimal(Decimal(major), format=pattern, locale=locale, decimal_quantization=True)


def _invalid(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _strip_currency(text: str, currency: str, locale: Locale) -> str:
    marks = {currency, currency.lower()}
    for where in (locale, "en"):
        marks.add(get_currency_symbol(currency, where).translate(_BIDI_MARKS).strip())
    for mark in sorted((m for m in marks if m), key=len, reverse=True):
        if text.startswith(mark):
            return text[len(mark) :].strip()
        if text.endswith(mark):
            return text[: -len(mark)].strip()
    return text


def parse_amount(text, currency: str, *, locale: str | Locale | None = None) -> int:
    """Read an amount a person typed, in the campaign's `currency`, into integer minor units.
    `locale` defaults to the active language (the visitor's). Raises ValidationError (codes:
    required, invalid, negative, zero, ambiguous, decimals, grouping, too_large) with a message
    that says what to type instead. See the notes above for how separators are read."""
    currency = currency.upper()
    exponent = currency_exponent(currency)
    where = visitor_locale(locale)
    typed = str(text if text is not None else "").translate(_BIDI_MARKS).strip()
    if not typed:
        raise _invalid(_("Enter an amount."), "required")
    if len(typed) > MAX_AMOUNT_TEXT:
        raise _invalid(_("That is too long to be an amount."), "invalid")
    typed = _strip_currency(typed, currency, where)
    like = _example(currency, where, "25.50" if exponent else "3000")
    if any(sign in typed for sign in _MINUS_SIGNS):
        raise _invalid(_("Enter a positive amount."), "negative")

    # Tokens: ASCII digits, "." and ",", G (group only), D (decimal only).
    tokens = []
    for char in typed:
        if char.isdecimal():
            tokens.append(str(unicodedata.decimal(char)))
        elif char in ".,":
            tokens.append(char)
        elif char in _GROUP_ONLY:
            tokens.append("G")
        elif char in _DECIMAL_ONLY:
            tokens.append("D")
        else:
            raise _invalid(f"Enter the amount in {currency} as a number, like {like}.", "invalid")
    if not any(t.isdigit() for t in tokens):
        raise _invalid(f"Enter the amount in {currency} as a number, like {like}.", "invalid")

    decimal_mark = _decimal_mark(tokens, currency, exponent, where)
    if decimal_mark is not None and tokens.count(decimal_mark) > 1:
        raise _invalid(f"Enter the amount in {currency} as a number, like {like}.", "invalid")
    # Canonical English spelling (group ",", decimal "."), its grouping checked by Babel.
    canonical = "".join("." if t == decimal_mark else (t if t.isdigit() else ",") for t in tokens)
    value = _parse_canonical(canonical, where)
    if value is None:
        written = _example(currency, where, "1250.50" if exponent else "125000")
        raise _invalid(
            f"The digit groups in “{typed}” look wrong. Write the amount without separators, or like {written}.",
            "grouping",
        )
    minor = value.scaleb(exponent)
    if minor != minor.to_integral_value():
        if not exponent:
            raise _invalid(f"{currency} has no smaller unit: enter a whole amount, like {like}.", "decimals")
        raise _invalid(f"{currency} amounts have at most {exponent} decimals, like {like}.", "decimals")
    if minor == 0:
        raise _invalid(_("Enter an amount greater than zero."), "zero")
    if minor >= MAX_AMOUNT_MINOR:
        raise _invalid(_("That amount is too large."), "too_large")
    return int(minor)


def _decimal_mark(tokens: list[str], currency: str, exponent: int, locale: Locale) -> str | None:
    """Which token separates decimals, or None for a whole number; raises when it cannot tell."""
    if "D" in tokens:
        return "D"
    marks = [t for t in tokens if t in ".,"]
    if not marks:
        return None
    if len(set(marks)) == 2:
        return marks[-1]  # the last of "." and "," is the decimal one
    mark = marks[0]
    if len(marks) > 1:
        return None  # repeated: it groups
    position = tokens.index(mark)
    after = tokens[position + 1 :]
    before = tokens[:position]
    if len(after) != 3 or not all(t.isdigit() for t in after):
        return mark  # 1, 2 or 4+ digits after it (or a group after it): decimals
    if "G" in before or len(before) > 3 or not before:
        return mark  # "1 234,567", "1234,567", ",567": cannot be a thousands group
    if exponent == 0:
        return None  # "1,250" yen: there is no decimal reading
    if exponent >= 3:  # no unambiguous spelling exists: the visitor's locale decides
        if mark == get_decimal_symbol(locale):
            return mark
        if mark == get_group_symbol(locale):
            return None
    typed = "".join(tokens)
    whole = _example(currency, locale, typed.replace(mark, ""))
    small = Decimal(typed.replace(mark, "."))
    if small.scaleb(exponent) == small.scaleb(exponent).to_integral_value():
        small_text = _example(currency, locale, str(small))
        raise _invalid(
            f"“{typed}” could mean {small_text} or {whole} {currency}. Type it unambiguously: {small_text} or {whole}.",
            "ambiguous",
        )
    raise _invalid(
        f"“{typed}” is unclear: {currency} amounts have at most {exponent} decimals, and a group of "
        f"thousands could be meant. For {whole} {currency} type {whole}.",
        "ambiguous",
    )


def _parse_canonical(canonical: str, locale: Locale) -> Decimal | None:
    """Parse "1,250.50" (English symbols) strictly; also accept the visitor locale's own grouping
    (en-IN "1,25,000.50"). None when the groups are malformed."""
    candidates = [("en", canonical)]
    group, point = get_group_symbol(locale), get_decimal_symbol(locale)
    if str(locale) != "en":
        candidates.append((locale, canonical.replace(",", "\0").replace(".", point).replace("\0", group)))
    for where, spelled in candidates:
        try:
            value = parse_decimal(spelled, locale=where, strict=True)
        except NumberFormatError:
            continue
        if value.is_finite():
            return value
    return None
