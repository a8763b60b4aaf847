"""A campaign in more than one language (docs/i18n-content.md): the organizer's translations
(services, pages, API, admin), what visitors see in each language, and lists without extra
queries."""

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from campaigns import content_selectors, selectors
from campaigns.models import Campaign, CampaignTranslation
from campaigns.services import authoring
from campaigns.services.translations import campaign_translation_delete, campaign_translation_save
from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from tests.campaigns.factories import CampaignFactory

pytestmark = pytest.mark.django_db

SPANISH = {
    "title": "Agua limpia para la aldea",
    "summary": "Agua potable para cada hogar.",
    "story": "## Por qué\n\nPorque el agua es vida. <script>alert(1)</script>",
}
ARABIC = {"title": "مياه نظيفة للقرية", "summary": "مياه الشرب لكل بيت.", "story": "لأن الماء حياة."}


def add(campaign, language, version, actor=None):
    return campaign_translation_save(campaign=campaign, actor=actor or campaign.organizer, language=language, **version)


def test_a_translation_is_saved_sanitized_and_replaced(campaign):
    version = add(campaign, "es", SPANISH)
    assert "<h2>Por qué</h2>" in version.story_html and "<script>" not in version.story_html
    again = add(campaign, "es", {**SPANISH, "title": "Agua para todos"})
    assert again.pk == version.pk and CampaignTranslation.objects.get().title == "Agua para todos"
    campaign_translation_delete(campaign=campaign, actor=campaign.organizer, language="es")
    assert not CampaignTranslation.objects.exists()


def test_only_the_organizer_of_an_editable_campaign_translates(campaign, other_user):
    with pytest.raises(PermissionDenied):
        add(campaign, "es", SPANISH, actor=other_user)
    add(campaign, "es", SPANISH)
    with pytest.raises(PermissionDenied):
        campaign_translation_delete(campaign=campaign, actor=other_user, language="es")
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    campaign.refresh_from_db()
    with pytest.raises(Conflict):
        add(campaign, "ar", ARABIC)


def test_the_language_must_be_another_of_the_sites(campaign):
    with pytest.raises(Conflict):  # the campaign is already in English: edit it instead
        add(campaign, "en", SPANISH)
    with pytest.raises(ValidationError):
        add(campaign, "fr", SPANISH)
    with pytest.raises(ValidationError) as empty:
        add(campaign, "es", {**SPANISH, "story": "  "})
    assert "story" in empty.value.message_dict


def test_a_new_campaign_is_in_the_organizers_language_and_cannot_take_a_translated_one(user, cause):
    with translation.override("es"):
        campaign = authoring.campaign_create(organizer=user, title="Agua", summary="Agua.", story="Agua.", cause=cause)
    assert campaign.language == "es"
    assert (
        authoring.campaign_create(
            organizer=user, title="Water", summary="W.", story="W.", cause=cause, language="ar"
        ).language
        == "ar"
    )
    add(campaign, "en", {"title": "Water", "summary": "Water.", "story": "Water."})
    with pytest.raises(ValidationError) as clash:
        authoring.campaign_edit(campaign=campaign, actor=user, language="en")
    assert "language" in clash.value.message_dict


def test_visitors_see_their_language_else_the_original(client, campaign):
    add(campaign, "es", SPANISH)
    english = client.get(campaign.get_absolute_url()).content.decode()
    assert '<h1 id="campaign-title">Clean water' in english
    assert 'href="?lang=es"' in english and "Español" in english  # "Also available in"
    spanish = client.get(campaign.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert f'<h1 id="campaign-title">{SPANISH["title"]}</h1>' in spanish
    assert '<html lang="es"' in spanish and 'lang="es" dir="ltr"' in spanish
    assert f'<meta property="og:title" content="{SPANISH["title"]}">' in spanish
    assert f'<meta name="description" content="{SPANISH["summary"]}">' in spanish
    assert '<meta property="og:locale" content="es_ES">' in spanish
    assert "Porque el agua es vida." in spanish
    # Arabic has no translation: the original, marked as English inside the right-to-left page.
    arabic = client.get(campaign.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<html lang="ar" dir="rtl"' in arabic and 'lang="en" dir="ltr"' in arabic
    assert "Clean water" in arabic
    chosen = client.get(campaign.get_absolute_url() + "?lang=es").content.decode()
    assert SPANISH["title"] in chosen and 'href="?lang=en"' in chosen


def test_an_arabic_translation_is_marked_right_to_left(client, campaign):
    add(campaign, "ar", ARABIC)
    page = client.get(campaign.get_absolute_url() + "?lang=ar").content.decode()
    assert 'lang="ar" dir="rtl"' in page and ARABIC["title"] in page
    assert f'<meta property="og:title" content="{ARABIC["title"]}">' in page


def test_campaign_content_picks_the_version(campaign):
    add(campaign, "es", SPANISH)
    shown = content_selectors.campaign_content(campaign=campaign, language="es")
    assert shown.is_translation and shown.language == "es" and shown.alternatives == [("en", "English")]
    assert content_selectors.campaign_content(campaign=campaign, language="ar").language == "en"
    requested = content_selectors.campaign_content(campaign=campaign, language="ar", requested="es")
    assert requested.title == SPANISH["title"]
    assert content_selectors.campaign_content(campaign=campaign, language="en", requested="xx").language == "en"


def test_lists_show_the_active_language_in_one_query(client, django_assert_max_num_queries, cause):
    campaigns = [CampaignFactory(cause=cause) for _ in range(12)]
    for campaign in campaigns[::2]:
        add(campaign, "es", {**SPANISH, "title": f"Campaña {campaign.pk}"})
    with translation.override("es"), django_assert_max_num_queries(1):
        cards = list(selectors.campaign_search(sort="newest"))
    assert len(cards) == 12
    assert {c.shown_title for c in cards if c.shown_language == "es"} == {f"Campaña {c.pk}" for c in campaigns[::2]}
    assert all(c.shown_title == c.title for c in cards if c.shown_language == "en")
    page = client.get(reverse("campaigns:list"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert f"Campaña {campaigns[0].pk}" in page and campaigns[1].title in page


def test_the_organizers_translation_pages(client, campaign, other_user):
    url = reverse("campaigns:translations", args=[campaign.slug])
    client.force_login(other_user)
    assert client.get(url).status_code == 404
    client.force_login(campaign.organizer)
    assert client.get(url).status_code == 200
    assert client.post(url, {"language": "en", **SPANISH}).status_code == 400  # not a choice: the original's
    response = client.post(url, {"language": "es", **SPANISH})
    assert response.status_code == 302
    assert CampaignTranslation.objects.get(campaign=campaign).language == "es"
    editing = client.get(url + "?language=es").content.decode()
    assert SPANISH["summary"] in editing
    client.force_login(other_user)
    delete_url = reverse("campaigns:translation_delete", args=[campaign.slug, "es"])
    assert client.post(delete_url).status_code == 404
    client.force_login(campaign.organizer)
    assert client.post(delete_url).status_code == 302
    assert not CampaignTranslation.objects.exists()


def test_the_api_reads_and_writes_translations(campaign, other_user):
    add(campaign, "es", SPANISH)
    body = APIClient().get(f"/api/v1/campaigns/{campaign.slug}/").json()
    assert body["language"] == "en"
    assert [(t["language"], t["title"]) for t in body["translations"]] == [("es", SPANISH["title"])]
    api = APIClient()
    api.force_authenticate(campaign.organizer)
    put = api.put(f"/api/v1/me/campaigns/{campaign.slug}/translations/ar/", ARABIC, format="json")
    assert put.status_code == 200, put.content
    assert {t["language"] for t in put.json()["translations"]} == {"es", "ar"}
    assert (
        api.put(f"/api/v1/me/campaigns/{campaign.slug}/translations/en/", ARABIC, format="json").status_code == 409
    )  # its own language
    assert api.put(f"/api/v1/me/campaigns/{campaign.slug}/translations/fr/", ARABIC, format="json").status_code == 404
    assert api.delete(f"/api/v1/me/campaigns/{campaign.slug}/translations/es/").status_code == 200
    stranger = APIClient()
    stranger.force_authenticate(other_user)
    assert stranger.delete(f"/api/v1/me/campaigns/{campaign.slug}/translations/ar/").status_code == 404
    assert list(CampaignTranslation.objects.values_list("language", flat=True)) == ["ar"]


def test_admin_edits_translations_inline(client, staff_user, campaign):
    add(campaign, "es", SPANISH)
    client.force_login(staff_user)
    page = client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
    assert page.status_code == 200 and SPANISH["title"] in page.content.decode()


def test_a_campaign_without_a_cover_previews_a_card_in_the_shown_language(client, campaign):
    add(campaign, "ar", ARABIC)
    page = client.get(campaign.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    card_url = f"http://testserver{reverse('campaigns:card', args=[campaign.slug])}?lang=ar"
    assert f'<meta property="og:image" content="{card_url}">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    arabic = client.get(card_url)
    english = client.get(card_url.replace("lang=ar", "lang=en"))
    assert arabic.status_code == english.status_code == 200 and arabic["Content-Type"] == "image/png"
    assert arabic.content != english.content
