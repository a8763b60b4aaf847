"""The donation-intent schema promises only amounts every supported currency accepts: a client
that sends what the schema allows is never refused for the amount (Schemathesis relies on it)."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from causeweb.core.money import SUPPORTED_CURRENCIES, parse_amount
from fundraising import rules


@settings(max_examples=300, derandomize=True, database=None)
@given(text=st.from_regex(rules.TYPED_AMOUNT_EVERYWHERE_PATTERN, fullmatch=True))
def test_every_typed_amount_the_pattern_allows_is_accepted_in_every_currency(text):
    for currency in SUPPORTED_CURRENCIES:
        for locale in ("en", "de", "fr"):
            assert rules.amount_within_limits(parse_amount(text, currency, locale=locale), currency), (text, currency)


@pytest.mark.parametrize("text", ["0", "99", "10001", "012", "12.50", "1,250", " 100"])
def test_the_pattern_leaves_out_amounts_some_currency_refuses(text):
    assert not re.fullmatch(rules.TYPED_AMOUNT_EVERYWHERE_PATTERN, text)


def test_the_schema_bounds_of_amount_minor_are_inside_every_currencys_limits():
    low, high = rules.limits_in_every_currency()
    assert low <= high
    for currency in SUPPORTED_CURRENCIES:
        assert rules.amount_within_limits(low, currency) and rules.amount_within_limits(high, currency)


@pytest.mark.django_db
def test_the_published_schema_states_the_bounds_and_the_pattern(client):
    schema = client.get("/api/schema/?format=json").json()
    props = schema["components"]["schemas"]["DonationCreateRequest"]["properties"]
    low, high = rules.limits_in_every_currency()
    assert (props["amount_minor"]["minimum"], props["amount_minor"]["maximum"]) == (low, high)
    assert props["amount"]["pattern"] == rules.TYPED_AMOUNT_EVERYWHERE_PATTERN
    # single-line text says so too (no control characters)
    donor_name = props["donor_name"]["oneOf"][0]  # allow_blank adds {maxLength: 0} beside it
    assert "\\u0000-\\u001f" in donor_name["pattern"]
