"""A Manifesto-wide stamp for the public list and the search: a value that moves whenever
anything either page's cached part can show changes (one query).

It is the newest history rows (id and time) of the amendments, their recommendations, the
chapters, the paragraphs (their ¶ labels and reference lines place every row) and the
Manifesto, and for search the comments; the supports and the milestones as their number and
newest id (a support is added or taken back, never changed; a milestone is written once); and
a digest of every person's shown name and role (people have no history). The rows' times are
part of it, so that ids used again (a database restored from a backup) cannot bring back an
old page. What depends on the viewer, the clock and the request is not here: the pages put it
in their keys beside this stamp (amendments/views/listing.py, amendments/views/search.py).
"""

from __future__ import annotations

import hashlib

from django.db import connection
from django.db.models import Model

from accounts.models import User
from amendments.models import Amendment, Comment, Recommendation, Support
from manifesto.models import Chapter, Manifesto, Milestone, Paragraph

# The models whose newest history row is part of the list's stamp.
LIST_HISTORIES: tuple[type[Model], ...] = (Amendment, Recommendation, Chapter, Paragraph, Manifesto)
# The search shows comments as well.
SEARCH_HISTORIES: tuple[type[Model], ...] = (*LIST_HISTORIES, Comment)
# The models with no history, stamped by their number and newest id.
_COUNTED: tuple[type[Model], ...] = (Support, Milestone)
# What of a person the pages show (their name as shown, the role label and whether the name is
# linked): "," between fields, ";" between people (the digest is taken in Python).
_PERSON = "u.id || ',' || u.username || ',' || u.display_name || ',' || u.role || ',' || {flags}"


def _table(model: type[Model]) -> str:
    return model._meta.db_table


def _newest_history(model: type[Model]) -> str:
    table = _table(model.history.model)  # type: ignore[attr-defined]
    newest = f"FROM {table} h ORDER BY h.history_id DESC LIMIT 1"
    return f"(SELECT h.history_id {newest}), (SELECT h.history_date {newest})"


def _counted(model: type[Model]) -> str:
    table = _table(model)
    return f"(SELECT COUNT(*) FROM {table}), (SELECT MAX(id) FROM {table})"  # noqa: S608  # nosec B608


def _people() -> str:
    """Every person's shown fields joined in id order, in this database's own dialect."""
    table = _table(User)
    if connection.vendor == "postgresql":
        person = _PERSON.format(flags="u.is_active::int || ',' || u.is_superuser::int")
        return f"(SELECT string_agg({person}, ';' ORDER BY u.id) FROM {table} u)"  # noqa: S608  # nosec B608
    person = _PERSON.format(flags="u.is_active || ',' || u.is_superuser")
    ordered = f"SELECT {person} AS p FROM {table} u ORDER BY u.id"  # noqa: S608  # nosec B608
    return f"(SELECT group_concat(p, ';') FROM ({ordered}))"  # noqa: S608  # nosec B608


def stamp_sql(histories: tuple[type[Model], ...]) -> str:
    """The stamp's one query, written out (table names are the models' own; no values)."""
    parts = [_newest_history(model) for model in histories]
    parts += [_counted(model) for model in _COUNTED]
    return f"SELECT {', '.join(parts)}, {_people()}"


def manifesto_stamp(histories: tuple[type[Model], ...] = LIST_HISTORIES) -> str:
    """The stamp: the newest history rows of ``histories``, the supports and milestones, and
    a digest of the people (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(stamp_sql(histories))
        *values, people = cursor.fetchone()
    digest = hashlib.sha256((people or "").encode()).hexdigest()
    return ":".join(str(value) for value in (*values, digest))
