"""The chapter text's full-text index: a GIN index on the English tsvector of each paragraph's
text, on PostgreSQL only (SQLite searches by a plain word match; see amendments/search.py).

The expression must be written exactly as amendments/search.py queries it, or PostgreSQL will
not use the index; tests/amendments/test_search.py proves that it does (EXPLAIN)."""

from django.db import migrations

INDEX = "paragraph_text_search"
CREATE = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON manifesto_paragraph "
    "USING gin ((to_tsvector('english'::regconfig, text)))"
)
DROP = f"DROP INDEX IF EXISTS {INDEX}"


def _create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("manifesto", "0004_reference_numbering")]

    operations = [migrations.RunPython(_create, _drop, elidable=False)]
