"""The public list's rows, rendered once and kept in the cache (Django's cache framework, the
CACHES setting) under a key that is a stamp of everything the row shows.

The stamp is made of the values the list's one page query has already read (the number,
title, status, kind, word changes, supporters, date, chapter, paragraph, the ¶ and lines,
the author's name and role, and the committee's recommendation as the viewer may see it), the
time zone the date is shown in and the row templates' own source. A change to any of them is
a different key, so a cached row can never be stale and no service has to remember to clear
anything; an old key is simply never asked for again and the cache lets it go. The one thing
that depends on who is looking, a recommendation not yet published (editors see it), is in
the key as what this viewer is shown.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from amendments.models import Amendment, Recommendation
from common.fragments import FRAGMENT_TIMEOUT, cached_fragments, fragment_key, templates_stamp

ROW_TEMPLATE = "amendments/_partials/list_row.html"
# Every template the row is rendered from: their source is part of the key, so a changed
# template never shows an old fragment (with a shared cache such as Redis, after a deploy).
ROW_TEMPLATES = (
    ROW_TEMPLATE,
    "amendments/_partials/status.html",
    "amendments/_partials/word_change.html",
    "amendments/_partials/delta.html",
    "_partials/person.html",
    "amendments/_partials/recommendation_text.html",
)
# The fields of the amendment (and its related rows) that the row shows; a test checks the
# row's templates name no other (tests/amendments/test_list_row_cache.py).
STAMPED_FIELDS = frozenset(
    {
        "pk",
        "title",
        "status",
        "get_status_display",
        "kind",
        "get_kind_display",
        "word_delta",
        "accepted_word_delta",
        "support_count",
        "created_at",
        "get_absolute_url",
        "chapter.title",
        "chapter.get_absolute_url",
        "paragraph.anchor",
        "author",
    }
)
ROW_TIMEOUT = FRAGMENT_TIMEOUT
# Part of every key, with the templates' source and the status and kind labels: raise it when
# Python code that a row is rendered with changes what it prints (a template tag or filter),
# so that a shared cache (CACHE_URL) serves no row of the code before.
ROW_VERSION = 1
LABELS = repr(
    (
        Amendment.Status.choices,
        Amendment.Kind.choices,
        Recommendation.Kind.choices,
        Recommendation.Answer.choices,
    )
)


class Listed(Protocol):
    @property
    def amendment(self) -> Amendment: ...

    @property
    def place(self) -> str: ...

    @property
    def recommendation(self) -> Recommendation | None: ...


def filters_stamp(*shown: object) -> str:
    """A key for the list's filter form (the chapters and author names it offers and the
    values it shows, given by the view), with its template's source: for {% cache %}."""
    stamp = repr((shown, templates_stamp(("amendments/_partials/list_filters.html",))))
    return hashlib.sha256(stamp.encode()).hexdigest()


def row_stamp(row: Listed) -> tuple[object, ...]:
    """Everything the row shows, as the page's query read it (no query)."""
    amendment = row.amendment
    author = amendment.author
    return (
        amendment.pk,
        amendment.title,
        amendment.status,
        amendment.kind,
        amendment.word_delta,
        amendment.accepted_word_delta,
        getattr(amendment, "support_count", None),
        amendment.created_at.isoformat(),
        amendment.chapter_id,
        amendment.chapter.title,
        amendment.chapter.slug,
        amendment.paragraph.key,
        row.place,
        author.public_name,
        author.role_label,
        _recommendation_stamp(row.recommendation),
    )


def _recommendation_stamp(shown: Recommendation | None) -> tuple[object, ...] | None:
    """What the row's recommendation line shows (recommendation_text.html)."""
    if shown is None:
        return None
    return (shown.kind, shown.target_id, shown.contested, shown.answer)


def row_key(row: Listed) -> str:
    """The cache key of the row: its stamp, the time zone of its date, the templates."""
    return fragment_key("list-row", ROW_TEMPLATES, row_stamp(row), ROW_VERSION, LABELS)


def rendered_rows(rows: Sequence[Listed]) -> list[SafeString]:
    """Each row's HTML, from the cache where it is, rendered (and kept) where it is not."""

    def render(i: int) -> str:
        row = rows[i]
        context = {
            "amendment": row.amendment,
            "place": row.place,
            "recommendation": row.recommendation,
        }
        return render_to_string(ROW_TEMPLATE, context)

    return cached_fragments([row_key(row) for row in rows], render, timeout=ROW_TIMEOUT)
