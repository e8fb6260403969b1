"""The public list of amendments and its downloads: every amendment findable by chapter, ¶,
lines, status and author, in text order or another sort, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import overload

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from accounts.models import User
from amendments.citations import amendment_place
from amendments.filtering import TEXT_ORDER, AmendmentFilters, amendments_matching, sort_of
from amendments.models import Amendment, Recommendation
from amendments.recommendations import RECOMMENDATION_RELATED, visible_recommendation
from amendments.row_cache import rendered_rows
from amendments.selectors import support_count
from manifesto.models import Chapter, Manifesto
from manifesto.selectors import body_numbers

LIST_PAGE_SIZE = 50
# The author names offered while typing: the first this many, in alphabetical order.
MAX_AUTHOR_NAMES = 300
# What a row of the page shows or its ¶ and lines are worked out from: nothing else is read.
_ROW_FIELDS = (
    "id", "chapter_id", "paragraph_id", "author_id", "kind", "title", "status", "word_delta",
    "accepted_word_delta", "created_at", "cited_reference_id", "cited_label",
    "cited_first_line", "cited_last_line",
    "chapter__id", "chapter__title", "chapter__slug", "chapter__reference_milestone_id",
    "paragraph__id", "paragraph__chapter_id", "paragraph__key", "paragraph__kind",
    "paragraph__footnote_number", "paragraph__ref_first_line", "paragraph__ref_line_count",
    "author__id", "author__username", "author__display_name", "author__role",
    "author__is_active", "author__is_superuser",
    # What the row's recommendation line shows (amendments.recommendations).
    "recommendation__id", "recommendation__amendment_id", "recommendation__kind",
    "recommendation__target_id", "recommendation__contested", "recommendation__answer",
    "chapter__recommendation_release__id", "chapter__recommendation_release__chapter_id",
    "chapter__recommendation_release__published_at",
)  # fmt: skip
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
    # The committee's recommendation as this viewer may see it (drafts: editors only).
    recommendation: Recommendation | None = None


@dataclass
class AmendmentList:
    page: Page[int]  # of the amendments' numbers
    rows: list[ListedAmendment]
    rows_html: list[SafeString] = field(default_factory=list)  # each row, rendered or cached


@dataclass
class FilterChoices:
    """What the list's filter form offers: the chapters and the authors' names."""

    chapters: list[Chapter]
    authors: list[str]

    @property
    def author_options(self) -> SafeString:
        """The author filter's suggestions, escaped (hundreds: a template loop over them took
        longer than the rest of the page's filters)."""
        return format_html_join("", '<option value="{}"></option>', ((n,) for n in self.authors))


def listed_amendments(
    filters: AmendmentFilters,
    viewer: User | AnonymousUser | None,
    *,
    among: QuerySet[Amendment] | None = None,
) -> QuerySet[Amendment]:
    """The amendments the filters select (or all of ``among``), in the filters' order (text
    order by default), with their supporters counted, their author, chapter and paragraph."""
    return (
        (amendments_matching(filters, viewer) if among is None else among)
        .annotate(support_count=support_count())
        .select_related("author", "chapter", "paragraph")
        .order_by(*sort_of(filters, "text"))
    )


def amendment_list(
    chapters: list[Chapter],
    filters: AmendmentFilters,
    viewer: User | AnonymousUser | None,
    page_number: int | None,
) -> AmendmentList:
    """One page of the public list (``chapters``: list_chapters'; three queries: the count,
    the page, the ¶ labels of the page's chapters), each row's HTML from the cache where it
    is (amendments.row_cache)."""
    numbers = _numbers_in_order(filters, viewer, chapters)
    page = Paginator(numbers, LIST_PAGE_SIZE).get_page(page_number)
    amendments = list(
        listed_amendments(filters, viewer, among=Amendment.objects.all())
        .filter(pk__in=page.object_list)
        .select_related(*RECOMMENDATION_RELATED)
        .only(*_ROW_FIELDS)
    )
    in_chapters = {amendment.chapter_id for amendment in amendments}
    labels = body_numbers([c for c in chapters if c.pk in in_chapters]) if in_chapters else {}
    rows = [
        ListedAmendment(
            a, amendment_place(a, labels.get(a.paragraph_id)), visible_recommendation(a, viewer)
        )
        for a in amendments
    ]
    return AmendmentList(page, rows, rendered_rows(rows))


def list_chapters(manifesto: Manifesto | None) -> list[Chapter]:
    """The Manifesto's chapters in their order, with only what the list uses of them (its
    filter shows their titles, their order and numbers place the pages, and their
    recommendations' publication time says who sees them), one query."""
    if manifesto is None:
        return []
    release = "recommendation_release"
    fields = ("id", "manifesto", "title", "slug", "order")
    released = (f"{release}__id", f"{release}__chapter_id", f"{release}__published_at")
    return list(
        manifesto.chapters.order_by("order", "id").select_related(release).only(*fields, *released)
    )


def _numbers_in_order(
    filters: AmendmentFilters, viewer: User | AnonymousUser | None, chapters: list[Chapter]
) -> QuerySet[Amendment, int] | TextOrderNumbers:
    """The numbers of the amendments the filters select, in their order, for the paginator:
    the page is found on the numbers alone and only its rows are read whole."""
    order = sort_of(filters, "text")
    if order == TEXT_ORDER:
        # Unannotated: only the sort by supporters needs their count to find the page.
        matching = amendments_matching(filters, viewer).order_by(*order)
        return TextOrderNumbers(matching.values_list("pk", flat=True), chapters)
    return listed_amendments(filters, viewer).select_related(None).values_list("pk", flat=True)


class TextOrderNumbers:
    """The numbers in text order (``chapters``: every chapter, in their order), counted per
    chapter (one query, from an index alone), so that a page is sorted among the amendments
    of the one or two chapters it spans, not among every amendment: about 17 ms less on the
    10,000 amendments of `make bench`. The slice stays a lazy query: the page's rows are read
    with it as their subquery."""

    def __init__(self, numbers: QuerySet[Amendment, int], chapters: list[Chapter]) -> None:
        self.numbers = numbers
        self.chapters = chapters
        self._counts: list[tuple[int, int]] | None = None
        self._unlisted = 0

    def chapter_counts(self) -> list[tuple[int, int]]:
        """(chapter id, how many of the numbers are in it), the chapters in text order."""
        if self._counts is None:
            per_chapter = dict(
                self.numbers.order_by().values_list("chapter_id").annotate(n=Count("pk"))
            )
            in_order = [c.pk for c in sorted(self.chapters, key=lambda c: (c.order, c.pk))]
            self._counts = [(pk, per_chapter.pop(pk)) for pk in in_order if pk in per_chapter]
            # Chapters not listed (none, in one Manifesto): their amendments are counted, and
            # a page is then found among every amendment (the order of these is not known).
            self._unlisted = sum(per_chapter.values())
        return self._counts

    def count(self) -> int:
        return sum(n for _, n in self.chapter_counts()) + self._unlisted

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[int]:
        return iter(self.numbers)

    @overload
    def __getitem__(self, index: int, /) -> int: ...

    @overload
    def __getitem__(self, index: slice, /) -> QuerySet[Amendment, int]: ...

    def __getitem__(self, index: int | slice, /) -> int | QuerySet[Amendment, int]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        counts = self.chapter_counts()
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        if self._unlisted:
            return self.numbers[start:stop]
        spanned: list[int] = []
        before = seen = 0
        for chapter, n in counts:
            if seen + n > start and seen < stop:
                before = before if spanned else seen
                spanned.append(chapter)
            seen += n
        return self.numbers.filter(chapter_id__in=spanned)[start - before : stop - before]


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
