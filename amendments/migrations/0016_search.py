"""Full-text indexes for search, on PostgreSQL only (SQLite searches by a plain word match; see
amendments/search.py): a GIN index on each amendment's English tsvector (its title weighted
above its reason and text) and one on each comment's body.

The expressions must be written exactly as amendments/search.py queries them, or PostgreSQL
will not use the indexes; tests/amendments/test_search.py proves that it does (EXPLAIN)."""

from django.db import migrations

INDEXES = {
    "amendment_search": (
        "amendments_amendment",
        "(setweight(to_tsvector('english'::regconfig, title), 'A') || "
        "to_tsvector('english'::regconfig, reason || ' ' || proposed_text))",
    ),
    "comment_search": ("amendments_comment", "to_tsvector('english'::regconfig, body)"),
}


def _create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, (table, expression) in INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}))"
            )


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("amendments", "0013_citations_and_reference_decisions"),
        ("manifesto", "0006_search"),
    ]

    operations = [migrations.RunPython(_create, _drop, elidable=False)]
