"""A campaign's language and its translations (docs/i18n-content.md), and search in any language:
the GIN index of 0004 ('english' for everything) becomes one whose configuration follows the
row's language ('english', 'spanish', else 'simple', for Arabic), and translations get the same.
The expressions are written out here and used verbatim by campaigns.content_selectors (a test
compares them), so the planner can use the indexes. SQLite has no full-text index."""

import django.db.models.deletion
from django.db import migrations, models


CAMPAIGN_INDEX = "campaign_search_document"
TRANSLATION_INDEX = "campaign_translation_search_document"
CONFIG = (
    "(CASE {t}.language WHEN 'en' THEN 'english'::regconfig WHEN 'es' THEN 'spanish'::regconfig "
    "ELSE 'simple'::regconfig END)"
)
CAMPAIGN_DOCUMENT = (
    "to_tsvector(" + CONFIG + ", coalesce({t}.title, '') || ' ' || coalesce({t}.summary, '') || ' ' || "
    "coalesce({t}.story, '') || ' ' || coalesce({t}.location, ''))"
).format(t='"campaigns_campaign"')
TRANSLATION_DOCUMENT = (
    "to_tsvector(" + CONFIG + ", coalesce({t}.title, '') || ' ' || coalesce({t}.summary, '') || ' ' || "
    "coalesce({t}.story, ''))"
).format(t='"campaigns_campaigntranslation"')
ENGLISH_DOCUMENT_0004 = (
    "to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || "
    "coalesce(story, '') || ' ' || coalesce(location, ''))"
)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {CAMPAIGN_INDEX}")
    schema_editor.execute(f"CREATE INDEX {CAMPAIGN_INDEX} ON campaigns_campaign USING gin (({CAMPAIGN_DOCUMENT}))")
    schema_editor.execute(
        f"CREATE INDEX {TRANSLATION_INDEX} ON campaigns_campaigntranslation USING gin (({TRANSLATION_DOCUMENT}))"
    )


def restore_english_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRANSLATION_INDEX}")
    schema_editor.execute(f"DROP INDEX IF EXISTS {CAMPAIGN_INDEX}")
    schema_editor.execute(f"CREATE INDEX {CAMPAIGN_INDEX} ON campaigns_campaign USING gin (({ENGLISH_DOCUMENT_0004}))")


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0015_comment_reactions"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="language",
            field=models.CharField(
                choices=[("en", "English"), ("es", "Spanish"), ("ar", "Arabic")], default="en", max_length=8
            ),
        ),
        migrations.CreateModel(
            name="CampaignTranslation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "language",
                    models.CharField(choices=[("en", "English"), ("es", "Spanish"), ("ar", "Arabic")], max_length=8),
                ),
                ("title", models.CharField(max_length=120)),
                ("summary", models.CharField(max_length=280)),
                ("story", models.TextField(help_text="Markdown.")),
                ("story_html", models.TextField(blank=True, editable=False)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="translations",
                        to="campaigns.campaign",
                    ),
                ),
            ],
            options={
                "ordering": ["language"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("campaign", "language"), name="campaign_translation_unique_language"
                    )
                ],
            },
        ),
        migrations.RunPython(create_indexes, restore_english_index),
    ]
