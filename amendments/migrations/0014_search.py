"""Full-text search of the amendments and comments, on PostgreSQL only (SQLite searches by a
plain word match; see amendments/search.py): each row's English tsvector, kept in a column of
its own by a trigger whenever the texts it is made of are written, and a GIN index on it. An
amendment's title weighs more (A) than its reason and text.

Stored vectors, not expression indexes, and triggers, not generated columns: see
manifesto/migrations/0005_search.py. The columns are PostgreSQL's alone: the models do not
declare them, so Django never writes or reads them except in the search."""

from django.db import migrations

TABLES = {
    # table: (index, the columns the vector is made of, the vector of a row)
    "amendments_amendment": (
        "amendment_search",
        "title, reason, proposed_text",
        "setweight(to_tsvector('english'::regconfig, {row}title), 'A') || "
        "to_tsvector('english'::regconfig, {row}reason || ' ' || {row}proposed_text)",
    ),
    "amendments_comment": ("comment_search", "body", "to_tsvector('english'::regconfig, {row}body)"),
}


def _create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, (index, columns, vector) in TABLES.items():
        for statement in (
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector",
            f"""CREATE FUNCTION {table}_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN NEW.search_vector := {vector.format(row="NEW.")}; RETURN NEW; END $$""",
            f"""CREATE TRIGGER {table}_search_vector BEFORE INSERT OR UPDATE OF {columns}
            ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_search_vector()""",
            # the table and vector are this module's constants, never input
            f"UPDATE {table} SET search_vector = {vector.format(row='')}",  # nosec B608
            f"CREATE INDEX {index} ON {table} USING gin (search_vector)",
        ):
            schema_editor.execute(statement)


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_search_vector ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_search_vector()")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [
        ("amendments", "0013_citations_and_reference_decisions"),
        ("manifesto", "0005_search"),
    ]

    operations = [migrations.RunPython(_create, _drop, elidable=False)]
