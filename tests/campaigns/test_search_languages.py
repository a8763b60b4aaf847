"""Search in any language (docs/i18n-content.md): each campaign and translation is indexed with
its own language's text-search configuration, the query is parsed with all of them, and the
plan stays on the GIN indexes."""

import importlib

import pytest
from django.db import connection
from django.utils import timezone

from campaigns import content_selectors, selectors
from campaigns.models import Campaign, CampaignTranslation
from tests.campaigns.factories import CampaignFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("campaigns.migrations.0021_campaign_search_arabic_stemming")


def titles(query: str) -> set[str]:
    return {c.title for c in selectors.campaign_search(query=query)}


def test_the_selectors_write_the_indexed_expressions():
    """The planner uses an expression index only for the identical expression."""
    assert content_selectors.CAMPAIGN_DOCUMENT_SQL == migration.CAMPAIGN_DOCUMENT
    assert content_selectors.TRANSLATION_DOCUMENT_SQL == migration.TRANSLATION_DOCUMENT


@pytest.fixture
def campaigns_in_three_languages(cause):
    english = CampaignFactory(cause=cause, title="Zebra crossings near schools", story="Children running to school.")
    spanish = CampaignFactory(
        cause=cause,
        language="es",
        title="Una campaña por los árboles",
        slug="arboles",
        summary="Plantemos árboles en el barrio.",
        story="Nuestra campaña quiere sombra para las calles.",
    )
    arabic = CampaignFactory(
        cause=cause,
        language="ar",
        title="حملة من أجل مدرسة القرية",
        slug="madrasa",
        summary="نريد مدرسة جديدة للأطفال.",
        story="الأطفال يمشون ساعتين كل يوم.",
    )
    return english, spanish, arabic


def test_a_translation_is_found_by_its_words(campaigns_in_three_languages):
    english, _spanish, _arabic = campaigns_in_three_languages
    CampaignTranslation.objects.create(
        campaign=english, language="es", title="Pasos de cebra", summary="Cerca de las escuelas.", story="Niños."
    )
    assert titles("cebra") == {english.title}
    assert titles("zebra") == {english.title}


@pytest.mark.postgres
def test_spanish_and_arabic_are_stemmed_english_still_stemmed(campaigns_in_three_languages):
    english, spanish, arabic = campaigns_in_three_languages
    assert titles("campañas") == {spanish.title}  # plural finds the singular: Spanish stemming
    assert titles("árbol") == {spanish.title}
    assert titles("مدرسة") == {arabic.title}
    assert titles("الأطفال") == {arabic.title}
    assert titles("run") == {english.title}  # "running": English stemming, as before
    assert titles("crossing schools") == {english.title}


@pytest.mark.postgres
def test_an_inflected_arabic_word_finds_the_campaign(campaigns_in_three_languages):
    """The 'arabic' snowball stemmer: a plural, or a word with the article, finds the other form
    ('simple', before migration 0021, matched whole words only)."""
    _english, _spanish, arabic = campaigns_in_three_languages
    assert titles("الحملات") == {arabic.title}  # "the campaigns" finds "حملة", a campaign
    assert titles("المدرسة") == {arabic.title}  # "the school" finds "مدرسة", a school
    assert titles("أطفال") == {arabic.title}  # "children" finds "للأطفال", for the children


@pytest.mark.postgres
def test_an_arabic_translation_is_stemmed_in_arabic(campaigns_in_three_languages):
    english, _spanish, _arabic = campaigns_in_three_languages
    CampaignTranslation.objects.create(
        campaign=english, language="ar", title="ممرات المشاة", summary="قرب المدارس.", story="الأطفال."
    )
    assert titles("مدارس") == {english.title}  # "schools" finds "المدارس", the schools


@pytest.mark.postgres
def test_a_spanish_translation_is_stemmed_in_spanish(campaigns_in_three_languages):
    english, _spanish, _arabic = campaigns_in_three_languages
    CampaignTranslation.objects.create(
        campaign=english, language="es", title="Pasos de cebra", summary="Cerca de las escuelas.", story="Niños."
    )
    assert titles("escuela") == {english.title}
    assert titles("cebras") == {english.title}


@pytest.mark.postgres
def test_search_reads_both_gin_indexes(cause):
    template = CampaignFactory(cause=cause)
    Campaign.objects.bulk_create(
        [
            Campaign(
                organizer_id=template.organizer_id,
                cause_id=template.cause_id,
                title=f"Neighbourhood campaign {n}",
                slug=f"neighbourhood-campaign-{n}",
                summary="Street trees and benches",
                story="Lorem ipsum " * 20,
                language=("en", "es", "ar")[n % 3],
                status="published",
                published_at=timezone.now(),
            )
            for n in range(3000)
        ]
    )
    CampaignTranslation.objects.bulk_create(
        [
            CampaignTranslation(campaign_id=pk, language="es", title="Campaña", summary="Bancos", story="Lorem " * 20)
            for pk in Campaign.objects.values_list("pk", flat=True)[:1500]
        ]
    )
    target = CampaignFactory(cause=cause, title="Zebra crossings near schools")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE campaigns_campaign")
        cursor.execute("ANALYZE campaigns_campaigntranslation")
    queryset = selectors.campaign_search(query="zebra", sort="newest")
    plan = queryset.explain()
    assert "campaign_search_document" in plan and "campaign_translation_search_document" in plan, plan
    assert "Seq Scan on campaigns_campaign " not in plan, plan
    assert [c.title for c in queryset] == [target.title]


@pytest.mark.postgres
def test_a_match_in_a_translation_ranks_like_one_in_the_original(cause):
    translated = CampaignFactory(cause=cause, title="Benches for the square", story="Seats.")
    CampaignTranslation.objects.create(
        campaign=translated, language="es", title="Bancos para la plaza", summary="Bancos.", story="Bancos."
    )
    mentioned = CampaignFactory(cause=cause, title="Trees", story="Un banco cerca.", language="es")
    ranked = list(selectors.campaign_search(query="bancos"))
    assert [c.title for c in ranked] == [translated.title, mentioned.title]
    assert ranked[0].search_rank > ranked[1].search_rank > 0
