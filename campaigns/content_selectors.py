"""Reads of a campaign's content in more than one language (docs/i18n-content.md): which
version a visitor sees (the CampaignTranslation of their language, else the original), the one
join that gives lists the shown title and summary, and full-text search over every version.

Search on PostgreSQL: each version is indexed with the text-search configuration of its own
language (SEARCH_CONFIGS: English, Spanish and Arabic stemmed, anything else by 'simple'), and
the visitor's words are parsed with every configuration at once, so "campañas" finds "campaña"
and "الحملات" finds "حملة" whatever the page's language. The expressions below
are the indexed ones of migration 0021 (the planner uses an expression index only for the
identical expression); SQLite (the embedded mode) has no full-text index and searches with
icontains."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import F, FilteredRelation, FloatField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.text import capfirst

from campaigns.models import SEARCH_CONFIGS, Campaign, CampaignTranslation

CAMPAIGN_TABLE = '"campaigns_campaign"'
TRANSLATION_TABLE = '"campaigns_campaigntranslation"'


def search_config_sql(table: str) -> str:
    """The regconfig of a row's language, as a CASE of constants (immutable, so indexable)."""
    whens = " ".join(f"WHEN '{code}' THEN '{config}'::regconfig" for code, config in SEARCH_CONFIGS.items())
    return f"(CASE {table}.language {whens} ELSE 'simple'::regconfig END)"


def _document(table: str, columns: tuple[str, ...]) -> str:
    text = " || ' ' || ".join(f"coalesce({table}.{column}, '')" for column in columns)
    return f"to_tsvector({search_config_sql(table)}, {text})"


# Must stay identical to the indexed expressions of migration 0021 (tests/campaigns/test_search_languages.py).
CAMPAIGN_DOCUMENT_SQL = _document(CAMPAIGN_TABLE, ("title", "summary", "story", "location"))
TRANSLATION_DOCUMENT_SQL = _document(TRANSLATION_TABLE, ("title", "summary", "story"))
# The visitor's words under every configuration: a version matches when it matches under its own.
QUERY_CONFIGS = (*dict.fromkeys(SEARCH_CONFIGS.values()), "simple")
QUERY_SQL = "(" + " || ".join(f"websearch_to_tsquery('{config}'::regconfig, %s)" for config in QUERY_CONFIGS) + ")"
# Constant SQL (no input in it): the visitor's words are the %s parameters.
MATCHING_IDS_SQL = (
    f"SELECT {CAMPAIGN_TABLE}.id FROM {CAMPAIGN_TABLE} WHERE {CAMPAIGN_DOCUMENT_SQL} @@ {QUERY_SQL} "  # noqa: S608
    f"UNION SELECT {TRANSLATION_TABLE}.campaign_id FROM {TRANSLATION_TABLE} "
    f"WHERE {TRANSLATION_DOCUMENT_SQL} @@ {QUERY_SQL}"
)


def _weighted_rank(table: str, *, location: bool) -> str:
    """ts_rank over a version's weighted vector (title A, summary B, story and place C)."""
    config, story = search_config_sql(table), f"coalesce({table}.story, '')"
    if location:
        story += f" || ' ' || coalesce({table}.location, '')"
    return (
        f"ts_rank(setweight(to_tsvector({config}, coalesce({table}.title, '')), 'A') || "
        f"setweight(to_tsvector({config}, coalesce({table}.summary, '')), 'B') || "
        f"setweight(to_tsvector({config}, {story}), 'C'), {QUERY_SQL})"
    )


# The better of the original's rank and its best translation's (one row by the unique
# (campaign, language) index per matched campaign), so a match in a translation ranks as well.
RANK_SQL = (
    f"GREATEST({_weighted_rank(CAMPAIGN_TABLE, location=True)}, coalesce((SELECT "  # noqa: S608
    f"max({_weighted_rank(TRANSLATION_TABLE, location=False)}) FROM {TRANSLATION_TABLE} "
    f"WHERE {TRANSLATION_TABLE}.campaign_id = {CAMPAIGN_TABLE}.id), 0))"
)


def full_text_search(queryset: QuerySet[Campaign], query: str) -> QuerySet[Campaign]:
    """The campaigns whose original or any translation matches `query`, annotated `search_rank`
    (title > summary > story, of the original or of the best-matching translation)."""
    if connection.vendor == "postgresql":
        matches = RawSQL(  # noqa: S611 - constant SQL; the visitor's query is a bound parameter
            MATCHING_IDS_SQL, [query] * (2 * len(QUERY_CONFIGS))
        )
        rank = RawSQL(RANK_SQL, [query] * (2 * len(QUERY_CONFIGS)), output_field=FloatField())  # noqa: S611
        return queryset.filter(id__in=matches).annotate(search_rank=rank)
    # SQLite (embedded mode): every word must appear somewhere in the original or a translation.
    for word in query.split()[:8]:
        in_translation = CampaignTranslation.objects.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(story__icontains=word)
        ).values("campaign_id")
        queryset = queryset.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(story__icontains=word)
            | Q(location__icontains=word)
            | Q(id__in=in_translation)
        )
    return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))


def with_shown_language(queryset: QuerySet[Campaign], *, language: str | None = None) -> QuerySet[Campaign]:
    """Lists: `shown_title`, `shown_summary` and `shown_language`, from the translation into
    `language` (the active one by default) when there is one, else the original. One LEFT JOIN
    on the unique (campaign, language), so no extra query and no extra row per campaign."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return queryset.annotate(
        shown=FilteredRelation("translations", condition=Q(translations__language=language)),
        shown_title=Coalesce(F("shown__title"), F("title")),
        shown_summary=Coalesce(F("shown__summary"), F("summary")),
        shown_language=Coalesce(F("shown__language"), F("language")),
    )


# og:locale wants language_TERRITORY (Facebook's list names Arabic ar_AR); others pass as they are.
OG_LOCALES = {"en": "en_US", "es": "es_ES", "ar": "ar_AR"}


@dataclass
class ShownContent:
    """What the campaign page shows of a campaign: the original or one translation."""

    title: str
    summary: str
    story_html: str
    language: str
    bidi: bool
    is_translation: bool
    # Every other version on offer: (language code, language name in its own language).
    alternatives: list[tuple[str, str]] = field(default_factory=list)

    @property
    def og_locale(self) -> str:
        return OG_LOCALES.get(self.language, self.language)


def campaign_content(*, campaign: Campaign, language: str | None = None, requested: str = "") -> ShownContent:
    """The version of `campaign` for a visitor: the `requested` one (?lang=) when it exists,
    else the one in their active `language`, else the original. One query (the translations)."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    versions = {campaign.language: None}
    for version in CampaignTranslation.objects.filter(campaign=campaign).only(
        "language", "title", "summary", "story_html"
    ):
        versions.setdefault(version.language, version)
    chosen = requested if requested in versions else language if language in versions else campaign.language
    shown = versions[chosen]
    alternatives = [(code, _language_name(code)) for code in versions if code != chosen]
    if shown is None:
        title, summary, story_html = campaign.title, campaign.summary, campaign.story_html
    else:
        title, summary, story_html = shown.title, shown.summary, shown.story_html
    return ShownContent(
        title=title,
        summary=summary,
        story_html=story_html,
        language=chosen,
        bidi=_is_bidi(chosen),
        is_translation=shown is not None,
        alternatives=alternatives,
    )


def campaign_translation_list(*, campaign: Campaign) -> QuerySet[CampaignTranslation]:
    return CampaignTranslation.objects.filter(campaign=campaign).order_by("language")


def campaign_translation_get(*, campaign: Campaign, language: str) -> CampaignTranslation | None:
    return CampaignTranslation.objects.filter(campaign=campaign, language=language).first()


def _language_name(code: str) -> str:
    try:
        return capfirst(translation.get_language_info(code)["name_local"])
    except KeyError:
        return code


def _is_bidi(code: str) -> bool:
    try:
        return bool(translation.get_language_info(code)["bidi"])
    except KeyError:
        return False
