"""Fundraising in Spanish and Arabic (issue 19): pages, form errors, the charge summary the donor
confirms, money and dates per the visitor's locale, and the JavaScript catalogue. The campaign's
currency never changes with the language; only how the amount is written does."""

import json
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from fundraising import l10n, rules, selectors
from fundraising.models import Donation, MonthlyPlan, Pledge
from fundraising.services import donations, transitions
from tests.fundraising.factories import DonationFactory, UserFactory

pytestmark = pytest.mark.django_db

VISA = "4242424242424242"


def start(client, campaign, language, **overrides):
    data = {"amount": "25", "donor_name": "Ada Lovelace", "email": "ada@example.org", "visibility": "name"}
    data.update(overrides)
    url = reverse("fundraising:start", kwargs={"slug": campaign.slug})
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)


def donate_page(client, campaign, language) -> str:
    url = reverse("fundraising:donate", kwargs={"slug": campaign.slug})
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


# --- Pages ---------------------------------------------------------------------------------------


def test_donate_page_in_spanish(client, campaign):
    page = donate_page(client, campaign, "es")
    assert '<html lang="es" dir="ltr">' in page
    assert "Elige un importe (EUR)" in page and "Confirmar y pagar" in page
    assert "No se cobra nada hasta que confirmes." in page
    assert "Choose an amount" not in page and "Confirm and pay" not in page
    assert "Mostrar mi nombre" in page  # the model's choices, translated
    assert "10.000\xa0€" in page  # the goal, written the Spanish way, still in euros


def test_donate_page_in_arabic_is_right_to_left(client, campaign):
    page = donate_page(client, campaign, "ar")
    assert '<html lang="ar" dir="rtl">' in page
    assert "تأكيد والدفع" in page and "اختر مبلغًا (EUR)" in page
    assert "Confirm and pay" not in page
    assert "\u200f10,000\xa0€" in page  # Babel's 'ar' form of the goal, currency unchanged


def test_the_donate_page_loads_the_javascript_catalogue_before_its_script(client, campaign):
    page = donate_page(client, campaign, "es")
    catalogue = reverse("fundraising:javascript_catalog")
    assert f'<script src="{catalogue}"></script>' in page
    assert page.index(catalogue) < page.index("fundraising/donate.js")


@pytest.mark.parametrize(
    ("language", "text"), [("es", "Se cobrarán %(amount)s en tu tarjeta."), ("ar", "سيُحصَّل %(amount)s من بطاقتك.")]
)
def test_javascript_catalogue_translates_the_scripts_messages(client, language, text):
    response = client.get(reverse("fundraising:javascript_catalog"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert json.dumps(text)[1:-1] in response.content.decode()  # the catalogue is JSON inside the script


def test_campaign_panel_plurals_in_arabic(client, campaign):
    for _ in range(2):
        donation = DonationFactory(campaign=campaign)
        transitions.donation_mark_succeeded(donation_id=donation.pk, payment_intent_id=f"pi_i18n_{donation.pk}")
    page = client.get(campaign.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "<strong>2</strong> متبرعان" in page  # Arabic's dual, not the plural
    page = client.get(campaign.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "<strong>2</strong> donantes" in page and "Últimas donaciones" in page


# --- Errors --------------------------------------------------------------------------------------


def test_a_service_error_in_spanish_uses_spanish_money(client, campaign):
    response = start(client, campaign, "es", amount="0,50")
    assert response.status_code == 400
    assert response.json()["errors"]["amount"][0]["message"] == "Dona entre 1\xa0€ y 10.000\xa0€."
    assert not Donation.objects.exists()


def test_a_form_error_in_spanish(client, campaign):
    response = start(client, campaign, "es", donor_name="")
    assert response.status_code == 400
    messages = [error["message"] for error in response.json()["errors"]["donor_name"]]
    assert messages == ["Este campo es requerido."]  # Django's own catalogue, through our form


def test_english_errors_are_unchanged(client, campaign):
    response = start(client, campaign, "en", amount="0.50")
    assert response.json()["errors"]["amount"][0]["message"] == "Give between €1 and €10,000."


def test_decline_messages_follow_the_active_language():
    with translation.override("es"):
        assert rules.payment_failure_message(code="card_declined").startswith("Tu tarjeta fue rechazada.")
    with translation.override("ar"):
        assert rules.payment_failure_message(code="expired_card").startswith("انتهت صلاحية بطاقتك.")
    with translation.override("en"):
        assert rules.payment_failure_message(code="expired_card").startswith("Your card has expired.")


# --- Money typed and confirmed -------------------------------------------------------------------


@pytest.mark.stripe
def test_spanish_visitor_typing_12_comma_50_is_charged_1250_cents_and_reads_it_in_spanish(client, stripe_api, campaign):
    response = start(client, campaign, "es", amount="12,50")
    assert response.status_code == 200, response.content
    donation = Donation.objects.get()
    assert (donation.amount_minor, donation.currency) == (1250, "EUR")
    summary = response.json()["charge_summary"]
    assert (summary["total_minor"], summary["currency"]) == (1250, "EUR")
    assert summary["text"] == "Se te cobrarán 12,50\xa0€."


@pytest.mark.stripe
def test_arabic_visitor_reads_the_charge_summary_in_arabic_with_the_campaigns_currency(client, stripe_api, campaign):
    response = start(client, campaign, "ar", amount="12.50", cover_fee="on")
    assert response.status_code == 200, response.content
    donation = Donation.objects.get()
    assert donation.currency == "EUR" and donation.amount_minor == 1250 and donation.fee_minor > 0
    text = response.json()["charge_summary"]["text"]
    assert text.startswith("سيُحصَّل منك \u200f")
    assert "\u200f12.50\xa0€" in text and "رسوم معالجة البطاقة" in text
    assert "You will be charged" not in text


# --- Dates ---------------------------------------------------------------------------------------


def test_dates_are_written_per_language():
    day = datetime(2027, 1, 5, 12, 0, tzinfo=UTC)
    with translation.override("en"):
        assert l10n.local_date(day) == "5 Jan 2027"
        assert l10n.local_long_date(day) == "05 January 2027"
    with translation.override("es"):
        assert l10n.local_date(day) == "5 Ene 2027"
        assert l10n.local_long_date(day) == "5 de enero de 2027"
    with translation.override("ar"):
        assert l10n.local_long_date(day) == "5 يناير 2027"


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "then €10.00 every month, next on Jan. 2, 2027. Cancel any time."),
        ("es", "después 10,00\xa0€ cada mes; el próximo cobro será el 2 de enero de 2027. Cancela cuando quieras."),
    ],
)
def test_the_monthly_charge_summary_writes_the_next_date_in_the_locale_s_date_format(campaign, language, sentence):
    """The donate page's confirmation of a monthly gift: its date in DATE_FORMAT, as the plan's
    pages write it (was "2 Jan 2027" in every language's short pattern)."""
    first = DonationFactory(campaign=campaign, amount_minor=1000)
    MonthlyPlan.objects.create(
        campaign=campaign,
        donor_name=first.donor_name,
        email=first.email,
        amount_minor=1000,
        currency=campaign.currency,
        anchor_day=2,
        next_period="2027-01",
        next_charge_at=datetime(2027, 1, 2, 0, 30, tzinfo=UTC),  # a UTC charge day, never shifted
        first_donation=first,
        state=MonthlyPlan.State.SETTING_UP,
    )
    with translation.override(language), timezone.override("America/Los_Angeles"):
        text = selectors.donation_charge_summary(donation=first)["text"]
    assert text.endswith(sentence), text


def test_my_pledges_row_in_spanish_has_a_spanish_date(client, aon_campaign):
    backer = UserFactory()
    Pledge.objects.create(
        campaign=aon_campaign,
        backer=backer,
        backer_name=backer.public_name,
        email=backer.email,
        amount_minor=2500,
        currency="EUR",
        state=Pledge.State.ACTIVE,
    )
    client.force_login(backer)
    page = client.get(reverse("fundraising:my_giving"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Mis donaciones" in page
    with translation.override("es"):
        deadline = l10n.page_date(aon_campaign.deadline)  # the DATE_FORMAT of the page's other dates
    assert f"Fecha límite: {deadline}" in page
    assert "Deadline" not in page


def test_a_guest_who_gave_on_a_spanish_page_gets_the_receipt_in_spanish_from_the_webhook(
    mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    from fundraising import gateway
    from fundraising.services import receipts
    from tests.fundraising.factories import FundraisingCampaignFactory

    monkeypatch.setattr(gateway, "customer_create", lambda **kwargs: "cus_es")
    campaign = FundraisingCampaignFactory()
    with translation.override("es"):  # the donate page, read in Spanish
        donation, _setup = donations.donation_begin(
            gift=donations.Gift(
                campaign=campaign,
                amount_minor=1250,
                cover_fee=False,
                visibility="name",
                donor_name="Lucía",
                email="lucia@example.org",
            ),
            card_setup=False,
        )
    assert donation.language == "es"
    Donation.objects.filter(pk=donation.pk).update(state="succeeded", succeeded_at=datetime(2026, 3, 1, tzinfo=UTC))
    donation.refresh_from_db()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):  # a Stripe webhook: no page
        receipts.receipt_send(donation)
    (email,) = [m for m in mailoutbox if "lucia@example.org" in m.to]
    assert "Gracias" in email.subject and "12,50" in email.subject
    assert 'lang="es"' in email.alternatives[0][0]


def test_an_account_s_own_language_wins_over_the_page_it_gave_on(mailoutbox, django_capture_on_commit_callbacks):
    from fundraising.services import receipts

    donor = UserFactory(language="ar")
    donation = DonationFactory(donor=donor, email=donor.email, language="es", amount_minor=1000)
    Donation.objects.filter(pk=donation.pk).update(state="succeeded", succeeded_at=datetime(2026, 3, 1, tzinfo=UTC))
    donation.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        receipts.receipt_send(donation)
    (email,) = [m for m in mailoutbox if donor.email in m.to]
    assert 'dir="rtl"' in email.alternatives[0][0] and "Thank you" not in email.subject
