"""causeweb.core.money: exponents, exact conversion both ways, display."""

from decimal import Decimal

import pytest

from causeweb.core.money import currency_exponent, format_money, format_money_exact, to_major, to_minor


@pytest.mark.parametrize(
    ("currency", "exponent"), [("EUR", 2), ("usd", 2), ("GBP", 2), ("JPY", 0), ("BHD", 3), ("KWD", 3)]
)
def test_currency_exponent(currency, exponent):
    assert currency_exponent(currency) == exponent


@pytest.mark.parametrize(
    ("minor", "currency", "major"),
    [
        (2550, "EUR", Decimal("25.50")),
        (1, "USD", Decimal("0.01")),
        (3000, "JPY", Decimal("3000")),
        (1234, "BHD", Decimal("1.234")),
        (0, "GBP", Decimal("0")),
    ],
)
def test_to_major_is_exact(minor, currency, major):
    assert to_major(minor, currency) == major


@pytest.mark.parametrize(
    ("major", "currency", "minor"),
    [
        ("25", "EUR", 2500),
        ("25.50", "EUR", 2550),
        (Decimal("0.01"), "USD", 1),
        (7, "GBP", 700),
        ("3000", "JPY", 3000),
        ("1.234", "BHD", 1234),
        ("12.500", "EUR", 1250),  # trailing zeros change nothing
    ],
)
def test_to_minor_is_exact(major, currency, minor):
    assert to_minor(major, currency) == minor
    assert isinstance(to_minor(major, currency), int)


@pytest.mark.parametrize(("major", "currency"), [("25.001", "EUR"), ("12.5", "JPY"), ("1.2345", "BHD")])
def test_to_minor_refuses_more_decimals_than_the_currency_has(major, currency):
    with pytest.raises(ValueError, match="at most"):
        to_minor(major, currency)


@pytest.mark.parametrize("minor", [0, 1, 99, 2550, 123_456_789])
@pytest.mark.parametrize("currency", ["EUR", "JPY", "BHD"])
def test_to_minor_reverses_to_major(minor, currency):
    assert to_minor(to_major(minor, currency), currency) == minor


@pytest.mark.parametrize(
    ("minor", "currency", "shown"),
    [
        (2500, "EUR", "€25"),  # whole amounts without decimals
        (2550, "EUR", "€25.50"),
        (123_456, "USD", "$1,234.56"),
        (3000, "JPY", "¥3,000"),
        (None, "GBP", "£0"),
    ],
)
def test_format_money_in_english(minor, currency, shown):
    assert format_money(minor, currency) == shown


def test_format_money_follows_the_locale():
    assert format_money(2550, "EUR", locale="de") == "25,50\xa0€"


def test_format_money_exact_shows_every_minor_unit():
    assert format_money_exact(2500, "EUR") == "€25.00"
    assert format_money_exact(3000, "JPY") == "¥3,000"
    assert format_money_exact(1234, "BHD").endswith("1.234")
