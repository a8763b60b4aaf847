"""causeweb.core.money.parse_amount: what a person types -> integer minor units, by the currency's
decimals (Babel) and the visitor's locale. Examples first, then properties over amounts,
currencies and locales (hypothesis)."""

import pytest
from babel.numbers import format_currency, format_decimal
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import example, given, settings
from hypothesis import strategies as st

from causeweb.core.money import format_money, format_money_exact, parse_amount, to_major


def refused(text, currency="EUR", locale="en"):
    with pytest.raises(ValidationError) as info:
        parse_amount(text, currency, locale=locale)
    return info.value.code, " ".join(info.value.messages)


# --- Examples ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "currency", "locale", "minor"),
    [
        ("12,50", "EUR", "en", 1250),
        ("12.50", "EUR", "en", 1250),
        ("12,50", "EUR", "de", 1250),
        ("12.50", "EUR", "de", 1250),
        ("1.250,00", "EUR", "en", 125000),
        ("1,250.00", "EUR", "en", 125000),
        ("1.250,00", "EUR", "de", 125000),
        ("1,250.00", "EUR", "de", 125000),
        ("1,250", "JPY", "en", 1250),
        ("1.250", "JPY", "de", 1250),
        ("3000", "JPY", "ja", 3000),
        ("25", "EUR", "en", 2500),
        ("12,5", "EUR", "fr", 1250),
        ("1 250,50", "EUR", "fr", 125050),  # a plain space groups
        ("1\u202f250,50\xa0€", "EUR", "fr", 125050),  # as Babel formats it for French
        ("1'250.50", "EUR", "de_CH", 125050),
        ("€12,50", "EUR", "en", 1250),
        ("12,50 EUR", "EUR", "en", 1250),
        ("1.250.000", "EUR", "en", 125_000_000),  # a repeated separator only groups
        ("1٬234٫50", "EUR", "ar_EG", 123450),  # Arabic separators
        ("١٢٫٥٠", "EUR", "ar", 1250),  # Arabic-Indic digits
        ("12,34,567.50", "EUR", "en_IN", 123456750),  # the visitor's own (Indian) grouping
        ("12.3400", "EUR", "en", 1234),  # trailing zeros change nothing
        ("  7  ", "USD", "en", 700),
        ("1.234", "BHD", "en", 1234),  # 3 decimals: the locale decides (see money.py)
        ("1,234", "BHD", "de", 1234),
        ("1,234", "BHD", "en", 1_234_000),
        ("0.005", "KWD", "en", 5),
    ],
)
def test_reads_typed_amounts(text, currency, locale, minor):
    assert parse_amount(text, currency, locale=locale) == minor


@pytest.mark.parametrize("locale", ["en", "de", "fr", "es", "ar"])
@pytest.mark.parametrize("text", ["1,250", "1.250", "25.001", "1.234", "999,999"])
def test_a_lone_separator_before_three_digits_is_refused_as_ambiguous_in_every_locale(text, locale):
    code, message = refused(text, "EUR", locale)
    assert code == "ambiguous"
    assert f"“{text}”" in message and "EUR" in message


def test_ambiguous_message_says_how_to_write_it():
    _, message = refused("1,250", "EUR", "en")
    assert "1.25" in message and "1250.00" in message
    _, message = refused("1.250", "EUR", "de")
    assert "1,25" in message and "1250,00" in message  # in the visitor's own notation
    _, message = refused("1.234", "EUR", "en")
    assert "at most 2 decimals" in message and "1234.00" in message


def test_three_decimal_currency_refuses_a_separator_the_locale_does_not_use():
    assert refused("1.234", "BHD", "fr")[0] == "ambiguous"  # French groups with spaces, not "."


@pytest.mark.parametrize(
    ("text", "currency", "code"),
    [
        ("", "EUR", "required"),
        ("   ", "EUR", "required"),
        (None, "EUR", "required"),
        ("-5", "EUR", "negative"),
        ("−5", "EUR", "negative"),
        ("(5)", "EUR", "negative"),
        ("abc", "EUR", "invalid"),
        ("12abc", "EUR", "invalid"),
        ("1e5", "EUR", "invalid"),
        ("NaN", "EUR", "invalid"),
        ("Infinity", "EUR", "invalid"),
        ("$12", "EUR", "invalid"),  # another currency's symbol
        ("12.5", "JPY", "decimals"),
        ("1.25", "JPY", "decimals"),
        ("3000.5", "JPY", "decimals"),
        ("1,2,3", "EUR", "grouping"),
        ("1,25,000", "EUR", "grouping"),
        ("1.2.3", "EUR", "grouping"),
        ("12,3456", "EUR", "decimals"),
        ("1234,567", "EUR", "decimals"),  # four digits before: cannot be a group of thousands
        ("0", "EUR", "zero"),
        ("0,00", "EUR", "zero"),
        ("9" * 20, "EUR", "too_large"),
        ("1" * 40, "EUR", "invalid"),
        ("1,250.5.", "EUR", "invalid"),
    ],
)
def test_refuses_with_a_field_error(text, currency, code):
    assert refused(text, currency)[0] == code


def test_decimals_message_names_the_currency():
    assert "JPY has no smaller unit" in refused("12.5", "JPY")[1]
    assert "at most 2 decimals" in refused("12,3456", "EUR")[1]


def test_locale_defaults_to_the_active_language():
    with translation.override("de"):
        assert "1250,00" in refused("1.250", "EUR", None)[1]
    with translation.override("en"):
        assert "1250.00" in refused("1.250", "EUR", None)[1]
    assert parse_amount("12,50", "EUR", locale="xx-unknown") == 1250  # unknown locale -> English


# --- Properties ----------------------------------------------------------------------------------

CURRENCIES = ["EUR", "USD", "GBP", "JPY", "BHD"]
LOCALES = ["en", "de", "fr", "es", "ar", "it", "nl", "pt_BR", "ru", "ja", "de_CH", "en_IN", "ar_EG", "fa"]
amounts = st.integers(min_value=1, max_value=10**12)


@settings(max_examples=400, deadline=None)
@given(minor=amounts, currency=st.sampled_from(CURRENCIES), locale=st.sampled_from(LOCALES))
@example(minor=125000, currency="EUR", locale="de")
@example(minor=1234, currency="BHD", locale="en")
@example(minor=1250, currency="JPY", locale="fr")
def test_babel_currency_format_reads_back_to_the_same_minor_units(minor, currency, locale):
    """What Babel shows for a locale ("1.250,00 €", "€1,250.00", "‏1,250.00 €") is read back exactly."""
    shown = format_currency(to_major(minor, currency), currency, locale=locale)
    assert parse_amount(shown, currency, locale=locale) == minor
    assert parse_amount(format_money_exact(minor, currency, locale=locale), currency, locale=locale) == minor


@settings(max_examples=300, deadline=None)
@given(minor=amounts, currency=st.sampled_from(CURRENCIES), locale=st.sampled_from(["ar_EG", "fa", "bn", "mr"]))
def test_native_digits_and_separators_read_back(minor, currency, locale):
    shown = format_currency(to_major(minor, currency), currency, locale=locale, numbering_system="default")
    assert parse_amount(shown, currency, locale=locale) == minor


@settings(max_examples=300, deadline=None)
@given(minor=amounts, currency=st.sampled_from(CURRENCIES), locale=st.sampled_from(LOCALES))
def test_plain_decimal_with_all_currency_digits_reads_back(minor, currency, locale):
    """What a donor types in their own notation without a symbol ("1.250,00", "1 250,00")."""
    from causeweb.core.money import currency_exponent

    exponent = currency_exponent(currency)
    pattern = "#,##0" + ("." + "0" * exponent if exponent else "")
    typed = format_decimal(to_major(minor, currency), format=pattern, locale=locale, decimal_quantization=True)
    assert parse_amount(typed, currency, locale=locale) == minor


@settings(max_examples=400, deadline=None)
@given(
    # Whole amounts too: format_money writes "€1,250" for them, the risky shape.
    minor=st.one_of(amounts, st.integers(min_value=1, max_value=10**7).map(lambda major: major * 100)),
    currency=st.sampled_from(CURRENCIES),
    locale=st.sampled_from(LOCALES),
    reader=st.sampled_from(LOCALES),
)
@example(minor=125000, currency="EUR", locale="en", reader="de")
def test_never_reads_a_different_amount_than_was_written(minor, currency, locale, reader):
    """Whatever locale wrote it (format_money drops ".00" of whole amounts, so "€1,250" is
    ambiguous), a visitor in any locale either gets the same minor units or a refusal; never a
    different amount. (3-decimal currencies trust the reader's locale, so they are left out when
    writer and reader differ.)"""
    if currency == "BHD" and locale != reader:
        return
    for shown in (
        format_money(minor, currency, locale=locale),
        format_decimal(to_major(minor, currency), locale=locale, decimal_quantization=False),
    ):
        try:
            read = parse_amount(shown, currency, locale=reader)
        except ValidationError as exc:
            assert exc.code in ("ambiguous", "grouping", "invalid"), (shown, exc)
        else:
            assert read == minor, (shown, reader)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=24))
def test_any_text_is_an_amount_or_a_validation_error(text):
    """Never another exception (a 500), never a non-positive or float result."""
    for currency in ("EUR", "JPY", "BHD"):
        try:
            minor = parse_amount(text, currency, locale="en")
        except ValidationError:
            continue
        assert type(minor) is int and 0 < minor < 10**15
