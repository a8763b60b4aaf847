"""The amount a donor types is read once, on the server, by the campaign's currency and the
visitor's locale (causeweb.core.money.parse_amount); what the page shows before the card is used
is exactly what the services charge."""

import pytest
import requests
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from causeweb.core.money import SUPPORTED_CURRENCIES, format_money_exact
from fundraising import selectors
from fundraising.forms import DonationForm
from fundraising.models import Donation
from fundraising.rules import DONATION_LIMITS
from fundraising.services import charging, donations
from tests.fundraising.factories import FundraisingCampaignFactory, UserFactory

pytestmark = pytest.mark.django_db

VISA = "4242424242424242"


def form_data(**overrides):
    data = {"amount": "25.00", "donor_name": "Ada Lovelace", "email": "ada@example.org", "visibility": "name"}
    data.update(overrides)
    return data


def start(client, campaign, **kwargs):
    headers = kwargs.pop("headers", {})
    return client.post(reverse("fundraising:start", kwargs={"slug": campaign.slug}), form_data(**kwargs), **headers)


# --- The donate page's start endpoint ------------------------------------------------------------


@pytest.mark.stripe
def test_posting_12_comma_50_on_a_euro_campaign_creates_a_donation_of_1250_cents(client, stripe_api, campaign):
    response = start(client, campaign, amount="12,50")
    assert response.status_code == 200, response.content
    donation = Donation.objects.get()
    assert (donation.amount_minor, donation.fee_minor, donation.currency) == (1250, 0, "EUR")
    assert response.json()["charge_summary"] == {
        "amount_minor": 1250,
        "fee_minor": 0,
        "total_minor": 1250,
        "currency": "EUR",
        "text": "You will be charged €12.50.",
    }


@pytest.mark.stripe
def test_spanish_visitor_typing_1_250_comma_00_gives_1250_euros(client, stripe_api, campaign):
    # Was German: since issue 19 the active language is one of settings.LANGUAGES (en, es, ar),
    # so a German browser gets English; Spanish writes amounts the same way ("1.250,00 €").
    response = start(client, campaign, amount="1.250,00", headers={"HTTP_ACCEPT_LANGUAGE": "es"})
    assert response.status_code == 200, response.content
    assert Donation.objects.get().amount_minor == 125_000
    assert response.json()["charge_summary"]["text"] == "Se te cobrarán 1.250,00\xa0€."


@pytest.mark.parametrize(("amount", "language"), [("1,250", "en"), ("1.250", "de"), ("1,250", "fr")])
def test_ambiguous_amount_is_a_field_error_and_creates_nothing(client, campaign, amount, language):
    response = start(client, campaign, amount=amount, headers={"HTTP_ACCEPT_LANGUAGE": language})
    assert response.status_code == 400
    message = response.json()["errors"]["amount"][0]["message"]
    assert "could mean" in message and "unambiguously" in message
    assert not Donation.objects.exists()


@pytest.mark.parametrize("amount", ["-12", "12,3456", "twelve", "", "9" * 19, "$12"])
def test_unreadable_amounts_are_field_errors(client, campaign, amount):
    response = start(client, campaign, amount=amount)
    assert response.status_code == 400 and "amount" in response.json()["errors"]
    assert not Donation.objects.exists()


def test_yen_grouping_is_read_as_thousands_and_fractions_refused(client):
    campaign = FundraisingCampaignFactory(currency="JPY", goal_minor=500_000)
    response = start(client, campaign, amount="12.5")
    assert "no smaller unit" in response.json()["errors"]["amount"][0]["message"]
    form = DonationForm(form_data(amount="1,250"), currency="JPY")
    assert form.is_valid() and form.cleaned_data["amount"] == 1250


@pytest.mark.stripe
def test_the_card_is_charged_exactly_what_the_confirmation_showed(client, stripe_api, stripe_browser, campaign):
    started = start(client, campaign, amount="12,50", cover_fee="on").json()
    shown = started["charge_summary"]
    assert shown["text"] == "You will be charged €12.95 (€12.50 donation + €0.45 card processing fee)."
    card = stripe_browser.card(VISA)
    result = client.post(started["charge"], {"payment_method_id": card}, content_type="application/json").json()
    assert result["status"] == "succeeded"
    donation = Donation.objects.get()
    intent = requests.get(
        f"{stripe_api}/v1/payment_intents/{donation.stripe_payment_intent_id}",
        auth=("sk_test_causeweb_localstripe", ""),
        timeout=5,
    ).json()
    assert (intent["amount"], intent["currency"].upper()) == (shown["total_minor"], shown["currency"])
    assert shown["total_minor"] == donation.total_minor == 1295


def test_donate_page_presets_carry_exact_texts_and_no_client_side_money_rules(client, campaign):
    html = client.get(reverse("fundraising:donate", kwargs={"slug": campaign.slug})).content.decode()
    assert 'data-amount="25" data-charge="€25.00" data-charge-with-fee="€25.64" data-fee="€0.64"' in html
    assert 'id="donation-confirm"' in html and "Confirm and pay" in html
    assert "fee-rule" not in html and "data-min" not in html


# --- Property: the charged minor units always equal what was shown ------------------------------

LOCALES = ["en", "de", "fr", "es", "ar", "it", "nl", "ja", "de-ch", "pt-br"]


@pytest.fixture
def campaigns(db):
    return {currency: FundraisingCampaignFactory(currency=currency) for currency in SUPPORTED_CURRENCIES}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    currency=st.sampled_from(SUPPORTED_CURRENCIES),
    language=st.sampled_from(LOCALES),
    fraction=st.floats(min_value=0, max_value=1, allow_nan=False),
    cover_fee=st.booleans(),
)
def test_what_the_form_passes_to_the_service_is_what_the_donor_saw(campaigns, currency, language, fraction, cover_fee):
    low, high = DONATION_LIMITS[currency]
    minor = low + int((high - low) * fraction)  # only picks the amount; the money stays integers
    campaign = campaigns[currency]
    with translation.override(language):
        shown = format_money_exact(minor, currency, locale=translation.to_locale(language))
        form = DonationForm(form_data(amount=shown, cover_fee="on" if cover_fee else ""), currency=currency)
        assert form.is_valid(), (shown, form.errors)
        assert form.cleaned_data["amount"] == minor
        donation = donations.donation_create(
            campaign=campaign,
            amount_minor=form.cleaned_data["amount"],
            cover_fee=form.cleaned_data["cover_fee"],
            donor_name="Ada",
            email="ada@example.org",
            visibility="name",
            message="",
            user=None,
        )
        summary = selectors.donation_charge_summary(donation=donation)
    assert donation.amount_minor == minor
    assert summary["total_minor"] == donation.total_minor  # what donation_charge sends to Stripe
    total_text = format_money_exact(donation.total_minor, currency, locale=translation.to_locale(language))
    assert total_text in summary["text"]  # in the visitor's language (issue 19), the same minor units
    if language == "en":
        assert summary["text"].startswith(f"You will be charged {total_text}")


# --- API -----------------------------------------------------------------------------------------


@pytest.fixture
def api():
    client = APIClient()
    client.force_authenticate(UserFactory())
    return client


@pytest.mark.stripe
def test_api_reads_a_typed_amount_like_the_page(api, stripe_api, campaign):
    response = api.post("/api/v1/donations/", {"campaign": campaign.slug, "amount": "12,50"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount_minor"] == 1250 and body["charge_summary"]["text"] == "You will be charged €12.50."
    assert Donation.objects.get().amount_minor == 1250


@pytest.mark.parametrize(
    "payload",
    [
        {"amount": "1,250"},
        {"amount": "-3"},
        {"amount": "12.5", "amount_minor": 1250},
        {},
    ],
)
def test_api_refuses_ambiguous_or_missing_amounts_with_400(api, campaign, payload):
    response = api.post("/api/v1/donations/", {"campaign": campaign.slug, **payload}, format="json")
    assert response.status_code == 400 and "amount" in response.json()["errors"]
    assert not Donation.objects.exists()


# --- Admin partial refund: the same reading ------------------------------------------------------


@pytest.mark.stripe
def test_admin_partial_refund_reads_12_comma_50_and_refuses_ambiguous(client, stripe_browser, campaign):
    from django.contrib.auth.models import Permission

    from fundraising.models import Refund

    pending = donations.donation_create(
        campaign=campaign, amount_minor=5000, cover_fee=False, donor_name="Ada", email="ada@example.org",
        visibility="name",
    )  # fmt: skip
    setup = donations.donation_start_payment(donation=pending)
    stripe_browser.confirm_card_setup(setup["client_secret"], VISA)
    donation, _ = charging.donation_charge(donation=pending, setup_intent_id=setup["setup_intent_id"])
    finance = UserFactory(is_staff=True)
    finance.user_permissions.add(Permission.objects.get(codename="refund_donation"))
    client.force_login(finance)
    url = reverse("admin:fundraising_donation_changelist")
    action = {"action": "refund_partially", "_selected_action": [donation.pk], "apply": "1", "reason": "x"}

    ambiguous = client.post(url, {**action, "amount": "1,250"})
    assert ambiguous.status_code == 200 and "could mean" in ambiguous.content.decode()
    assert not Refund.objects.exists()
    assert client.post(url, {**action, "amount": "12,50"}).status_code == 302
    assert Refund.objects.get().amount_minor == 1250
