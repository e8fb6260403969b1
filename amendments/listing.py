"""The public list of amendments and its downloads: every amendment findable by chapter, ¶,
lines, status and author, in text order or another sort, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import User
from amendments.citations import amendment_place
from amendments.filtering import AmendmentFilters, amendments_matching, sort_of
from amendments.models import Amendment
from amendments.recommendations import RECOMMENDATION_RELATED
from amendments.selectors import support_count
from manifesto.models import Chapter, Manifesto
from manifesto.selectors import body_numbers, manifesto_chapter_list

LIST_PAGE_SIZE = 50
# The author names offered while typing: the first this many, in alphabetical order.
MAX_AUTHOR_NAMES = 300
# The texts the list page never shows: left in the database.
_PAGE_DEFERS = (
    "proposed_text",
    "base_text",
    "written_base_text",
    "written_text",
    "reason",
    "editor_text",
    "decision_reason",
    "conflict_reason",
    "conflict_collisions",
    "change_spans",
    "paragraph__text",
)
# The texts a download does not write (it writes the proposed text, reason and decision).
_EXPORT_DEFERS = (
    "base_text",
    "written_base_text",
    "written_text",
    "editor_text",
    "conflict_reason",
    "conflict_collisions",
    "change_spans",
    "paragraph__text",
)
# Rows a download reads from the database at a time.
EXPORT_CHUNK = 500


@dataclass(frozen=True)
class ListedAmendment:
    amendment: Amendment
    place: str  # "¶ 9, lines 123–125" in the chapter's reference numbering


@dataclass
class AmendmentList:
    page: Page[Amendment]
    rows: list[ListedAmendment]
    chapters: list[Chapter]
    authors: list[str]


def listed_amendments(
    filters: AmendmentFilters, viewer: User | AnonymousUser | None
) -> QuerySet[Amendment]:
    """The amendments the filters select, in the filters' order (text order by default),
    with their supporters counted, their author, chapter and paragraph."""
    return (
        amendments_matching(filters, viewer)
        .annotate(support_count=support_count())
        .select_related("author", "chapter", "paragraph")
        .order_by(*sort_of(filters, "text"))
    )


def amendment_list(
    manifesto: Manifesto | None,
    filters: AmendmentFilters,
    viewer: User | AnonymousUser | None,
    page_number: int | None,
) -> AmendmentList:
    """One page of the public list (five queries: chapters, authors, the count, the page,
    the ¶ labels of the page's chapters)."""
    chapters = manifesto_chapter_list(manifesto)
    queryset = (
        listed_amendments(filters, viewer)
        .select_related(*RECOMMENDATION_RELATED)
        .defer(*_PAGE_DEFERS)
    )
    page = Paginator(queryset, LIST_PAGE_SIZE).get_page(page_number)
    amendments = list(page.object_list)
    on_page = {amendment.chapter_id for amendment in amendments}
    numbers = body_numbers([c for c in chapters if c.pk in on_page]) if on_page else {}
    rows = [ListedAmendment(a, amendment_place(a, numbers.get(a.paragraph_id))) for a in amendments]
    return AmendmentList(page, rows, chapters, author_names())


def author_names() -> list[str]:
    """The names shown for the people who proposed amendments, to offer in the author filter
    (one query)."""
    # A semi-join in username order (its unique index), stopping at the limit: no DISTINCT
    # over every amendment.
    authors = (
        User.objects.filter(Exists(Amendment.objects.filter(author=OuterRef("pk"))))
        .order_by("username")
        .values_list("display_name", "username")
    )
    names = {display or username for display, username in authors[:MAX_AUTHOR_NAMES]}
    return sorted(names, key=str.casefold)


def amendments_for_export(
    filters: AmendmentFilters, viewer: User | AnonymousUser | None
) -> Iterator[ListedAmendment]:
    """Every amendment the filters select, in their order, read in chunks (a query for the
    ¶ labels, then one per chunk of rows: a download's memory does not grow with the list)."""
    numbers = body_numbers(
        Chapter.objects.filter(slug=filters.chapter) if filters.chapter else None
    )
    queryset = (
        listed_amendments(filters, viewer).select_related("decided_by").defer(*_EXPORT_DEFERS)
    )
    for amendment in queryset.iterator(chunk_size=EXPORT_CHUNK):
        yield ListedAmendment(
            amendment, amendment_place(amendment, numbers.get(amendment.paragraph_id))
        )
