"""Writing many rows' changed fields in one statement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.db import connection
from django.db.models import Field, Model


def update_rows(objects: Sequence[Model], fields: Sequence[str]) -> None:
    """Save ``fields`` of ``objects`` (rows of one model, already in the database) in one
    UPDATE whose WHERE clause names their ids, so that a reader of the SQL sees which rows it
    changes.

    On PostgreSQL the new values come as a VALUES list joined on the id: Django's
    ``bulk_update`` writes a CASE with a branch per row for each field, which the database
    evaluates for every row (150 amendments carried forward took 0.25 s that way). Elsewhere
    (SQLite, where rounds are small) it is ``bulk_update``."""
    if not objects:
        return
    model = type(objects[0])
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(objects, fields)
        return
    meta = model._meta
    primary = meta.pk
    assert primary is not None
    changed = [cast("Field[Any, Any]", meta.get_field(name)) for name in fields]
    columns = [primary, *changed]

    def quote(name: str | None) -> str:
        assert name is not None  # a concrete field has its column
        return connection.ops.quote_name(name)

    table = quote(meta.db_table)
    # The first row's values carry their columns' types; the others take them from it.
    first = ", ".join(f"%s::{column.db_type(connection)}" for column in columns)
    rest = ", ".join(["%s"] * len(columns))
    rows = ", ".join([f"({first})", *[f"({rest})"] * (len(objects) - 1)])
    names = ", ".join(quote(column.column) for column in columns)
    sets = ", ".join(f"{quote(field.column)} = v.{quote(field.column)}" for field in changed)
    key = quote(primary.column)
    ids = ", ".join(["%s"] * len(objects))
    # Table and column names are the model's own; every value is a parameter.
    sql = (
        f"UPDATE {table} SET {sets} FROM (VALUES {rows}) AS v ({names}) "  # noqa: S608  # nosec B608
        f"WHERE {table}.{key} = v.{key} AND {table}.{key} IN ({ids})"
    )
    params: list[Any] = []
    for row in objects:
        params.extend(
            column.get_db_prep_save(getattr(row, column.attname), connection) for column in columns
        )
    params.extend(row.pk for row in objects)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
