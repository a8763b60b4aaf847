"""Arabic search with stemming (docs/i18n-content.md): PostgreSQL's 'arabic' snowball
configuration replaces 'simple' for Arabic campaigns and translations, so "الحملات" finds "حملة"
and "مدرسة" finds "المدرسة". Both GIN indexes of 0016 are recreated with the new CASE; the
expressions are written out here and used verbatim by campaigns.content_selectors (a test compares
them). SQLite has no full-text index."""

from django.db import migrations

CAMPAIGN_INDEX = "campaign_search_document"
TRANSLATION_INDEX = "campaign_translation_search_document"
CONFIG = (
    "(CASE {t}.language WHEN 'en' THEN 'english'::regconfig WHEN 'es' THEN 'spanish'::regconfig "
    "WHEN 'ar' THEN 'arabic'::regconfig ELSE 'simple'::regconfig END)"
)
CONFIG_0016 = (
    "(CASE {t}.language WHEN 'en' THEN 'english'::regconfig WHEN 'es' THEN 'spanish'::regconfig "
    "ELSE 'simple'::regconfig END)"
)
CAMPAIGN_COLUMNS = "coalesce({t}.title, '') || ' ' || coalesce({t}.summary, '') || ' ' || coalesce({t}.story, '') || ' ' || coalesce({t}.location, '')"
TRANSLATION_COLUMNS = "coalesce({t}.title, '') || ' ' || coalesce({t}.summary, '') || ' ' || coalesce({t}.story, '')"
CAMPAIGN = '"campaigns_campaign"'
TRANSLATION = '"campaigns_campaigntranslation"'


def _document(config: str, columns: str, table: str) -> str:
    return ("to_tsvector(" + config + ", " + columns + ")").format(t=table)


CAMPAIGN_DOCUMENT = _document(CONFIG, CAMPAIGN_COLUMNS, CAMPAIGN)
TRANSLATION_DOCUMENT = _document(CONFIG, TRANSLATION_COLUMNS, TRANSLATION)


def _recreate(schema_editor, config: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {CAMPAIGN_INDEX}")
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRANSLATION_INDEX}")
    schema_editor.execute(
        f"CREATE INDEX {CAMPAIGN_INDEX} ON campaigns_campaign USING gin "
        f"(({_document(config, CAMPAIGN_COLUMNS, CAMPAIGN)}))"
    )
    schema_editor.execute(
        f"CREATE INDEX {TRANSLATION_INDEX} ON campaigns_campaigntranslation USING gin "
        f"(({_document(config, TRANSLATION_COLUMNS, TRANSLATION)}))"
    )


def arabic_indexes(apps, schema_editor):
    _recreate(schema_editor, CONFIG)


def indexes_of_0016(apps, schema_editor):
    _recreate(schema_editor, CONFIG_0016)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0020_shareclick_link_latest"),
    ]

    operations = [
        migrations.RunPython(arabic_indexes, indexes_of_0016, elidable=False),
    ]
