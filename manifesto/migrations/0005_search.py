"""The chapter text's full-text search, on PostgreSQL only (SQLite searches by a plain word
match; see amendments/search.py): each paragraph's English tsvector, kept in a column of its
own by a trigger whenever its text is written, and a GIN index on it.

A stored vector rather than an index on the expression: the index alone finds the rows, but
ranking them (ts_rank) and checking phrases recompute the vector of every matching row; with a
common word over the benchmark's 10,000 amendments and 50,000 comments that took 0.8 s a kind,
against 30-45 ms with the vector stored. A trigger rather than a generated column, which
would forbid changing the type of the columns it reads. The column is PostgreSQL's alone:
the model does not declare it, so Django never writes or reads it except in the search."""

from django.db import migrations

TABLE, INDEX = "manifesto_paragraph", "paragraph_text_search"
VECTOR = "to_tsvector('english'::regconfig, {row}text)"
CREATE = [
    f"ALTER TABLE {TABLE} ADD COLUMN search_vector tsvector",
    f"""CREATE FUNCTION {TABLE}_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN NEW.search_vector := {VECTOR.format(row="NEW.")}; RETURN NEW; END $$""",
    f"""CREATE TRIGGER {TABLE}_search_vector BEFORE INSERT OR UPDATE OF text ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_search_vector()""",
    # the table and vector are this module's constants, never input
    f"UPDATE {TABLE} SET search_vector = {VECTOR.format(row='')}",  # nosec B608
    f"CREATE INDEX {INDEX} ON {TABLE} USING gin (search_vector)",
]
DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_search_vector ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_search_vector()",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector",  # its index goes with it
]


def _create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("manifesto", "0004_reference_numbering")]

    operations = [migrations.RunPython(_create, _drop, elidable=False)]
