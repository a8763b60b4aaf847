"""A GIN index for campaign search on PostgreSQL. The expression is written out here and used
verbatim by campaigns.selectors (SEARCH_DOCUMENT_SQL), so the planner can use the index. SQLite
(the embedded mode) has no full-text index: there the search is a simple icontains."""

from django.db import migrations

INDEX_NAME = "campaign_search_document"
DOCUMENT = (
    "to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || "
    "coalesce(story, '') || ' ' || coalesce(location, ''))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON campaigns_campaign USING gin (({DOCUMENT}))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0003_review_queue_proxy")]

    operations = [migrations.RunPython(create_index, drop_index)]
