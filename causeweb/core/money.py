"""Money is an integer count of the currency's minor unit plus an ISO 4217 code. Stripe speaks
minor units, so there is no conversion at the boundary; Babel knows each currency's exponent
(JPY has none, EUR two) and formats for display."""

from decimal import Decimal

from babel.numbers import format_currency, get_currency_precision

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


def format_money(amount_minor: int | None, currency: str, *, locale: str = "en") -> str:
    amount = to_major(amount_minor or 0, currency)
    whole = amount == amount.to_integral_value()
    return format_currency(
        amount, currency.upper(), locale=locale, format="¤#,##0" if whole else None, currency_digits=not whole
    )
