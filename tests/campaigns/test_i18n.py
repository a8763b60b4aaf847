"""The campaigns pages in Spanish and Arabic (issue 19): the chrome is translated, the organizer's
content is not, form and service errors come in the visitor's language, and dates, counts and
money follow the locale while a campaign's currency stays its own."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from campaigns.forms import CampaignForm
from campaigns.models import CampaignUpdate
from campaigns.services.signatures import signature_create
from causeweb.core.exceptions import Conflict
from tests.campaigns.factories import SignatureFactory, UpdateFactory

pytestmark = pytest.mark.django_db


def _page(client, url, language):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("language", "expected", "english"),
    [
        ("es", ["Añade tu nombre", "Firmar la petición", "Novedades", "Conversación", "Compartir"], "Add your name"),
        ("ar", ["أضف اسمك", "وقّع العريضة", "التحديثات", "النقاش", "مشاركة"], "Add your name"),
    ],
)
def test_campaign_page_is_translated_but_the_campaign_is_not(client, campaign, language, expected, english):
    html = _page(client, campaign.get_absolute_url(), language)
    for text in expected:
        assert text in html
    assert english not in html
    assert campaign.title in html  # the organizer's words stay as written


def test_campaign_page_in_arabic_is_right_to_left(client, campaign):
    html = _page(client, campaign.get_absolute_url(), "ar")
    assert 'lang="ar"' in html and 'dir="rtl"' in html


def test_embed_widget_follows_the_language(client, campaign):
    html = _page(client, reverse("campaigns:embed", kwargs={"slug": campaign.slug}), "ar")
    assert '<html lang="ar" dir="rtl">' in html and "أضف اسمك" in html


def test_list_page_and_its_choices_in_spanish(client, campaign):
    html = _page(client, reverse("campaigns:list"), "es")
    assert "<h1>Campañas</h1>" in html
    assert "Tendencia" in html and "Abiertas y cerradas" in html  # the sort and status choices
    assert "1 campaña" in html  # the plural form for one


def test_english_is_unchanged(client, campaign):
    html = _page(client, campaign.get_absolute_url(), "en")
    assert "Add your name" in html and "Sign the petition" in html and "Añade tu nombre" not in html


def test_form_errors_in_spanish(client, user, cause):
    client.force_login(user)
    data = {"title": "", "summary": "S", "story": "Story", "cause": cause.pk, "currency": "EUR", "goal": "0.50"}
    response = client.post(reverse("campaigns:create"), data, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["goal"] == ["La meta debe ser de al menos 1 en la moneda de la campaña."]
    assert errors["title"] == ["Este campo es requerido."]
    html = response.content.decode()
    assert "Título" in html and "Meta de recaudación" in html  # labels too


def test_form_labels_keep_english_in_english(cause):
    with translation.override("en"):
        form = CampaignForm(data={"goal": "0.50", "currency": "EUR", "cause": cause.pk})
        assert form.fields["goal"].label == "Fundraising goal"
        assert form.errors["goal"] == ["A goal is at least 1 in the campaign's currency."]


def test_service_error_in_arabic(campaign):
    SignatureFactory(campaign=campaign, email="ana@example.org", confirmed_at=timezone.now())
    with translation.override("ar"), pytest.raises(Conflict) as raised:
        signature_create(campaign=campaign, user=None, name="Ana", email="ana@example.org")
    assert raised.value.message == "وقّع هذا البريد الإلكتروني على هذه العريضة بالفعل. شكرًا لك!"


def test_update_dates_follow_the_locale(client, campaign):
    update = UpdateFactory(campaign=campaign, title="Council vote")
    CampaignUpdate.objects.filter(pk=update.pk).update(created_at=dt.datetime(2026, 3, 15, 12, tzinfo=dt.UTC))
    url = reverse("campaigns:updates", kwargs={"slug": campaign.slug})
    assert "15 de marzo de 2026" in _page(client, url, "es")
    assert "15 مارس، 2026" in _page(client, url, "ar")
    assert "March 15, 2026" in _page(client, url, "en")


def test_counts_are_grouped_per_locale(client, campaign):
    type(campaign).objects.filter(pk=campaign.pk).update(signature_count=12345, petition_target=50000)
    counter = reverse("campaigns:counter", kwargs={"slug": campaign.slug})
    assert '<strong>12\xa0345</strong> firmas <span class="muted">de 50\xa0000</span>' in _page(client, counter, "es")
    assert '<strong>12,345</strong> signed <span class="muted">of 50,000</span>' in _page(client, counter, "en")
    type(campaign).objects.filter(pk=campaign.pk).update(signature_count=1)
    assert '<strong>1</strong> firma <span class="muted">de 50\xa0000</span>' in _page(client, counter, "es")


def test_goal_in_the_review_page_is_money_in_the_moderators_locale_and_the_campaigns_currency(client, staff_user):
    from tests.campaigns.factories import PendingCampaignFactory

    pending = PendingCampaignFactory(goal_minor=1_250_000, currency="EUR")
    client.force_login(staff_user)
    url = reverse("admin:campaigns_pendingcampaign_change", args=[pending.pk])
    html = _page(client, url, "es")
    assert "12.500\xa0€" in html  # Spanish grouping and sign placement (Babel), the campaign's currency
    assert "€12,500" in _page(client, url, "en")
