"""The editors' review queue: filtering, sorting, grouping by paragraph, competing pairs."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, Count, F, QuerySet, TextField, Value, When, Window
from django.db.models.expressions import OrderBy
from django.db.models.functions import Cast, RowNumber

from amendments.citations import amendment_citation
from amendments.filtering import AmendmentFilters, amendments_matching, sort_of
from amendments.ledger import Ledger, chapter_ledgers
from amendments.models import Amendment
from amendments.selectors import NoteLoss, notes_losing_references, support_count
from manifesto.models import Chapter, Manifesto, Paragraph
from manifesto.reference import paragraph_citation
from manifesto.selectors import body_numbers
from textcore.rebase import Spans, change_spans, spans_compete
from textcore.reference import Citation

GROUPS_PER_PAGE = 20
# A page also stops at this many amendments; a paragraph with more goes on over the next
# pages, so a page costs the same whether one paragraph has 3 amendments or 150.
AMENDMENTS_PER_PAGE = 40


# The queue's filters are the list's (amendments/filtering.py); the name stays for its callers.
QueueFilters = AmendmentFilters


@dataclass
class ParagraphGroup:
    """The amendments of one paragraph, decided together; ``competing`` lists clashing pairs.

    When a paragraph's amendments span pages, ``earlier`` and ``later`` count those shown
    on the pages before and after this one."""

    paragraph: Paragraph
    number: str | None
    amendments: list[Amendment]
    citation: Citation | None = None
    reference: str = ""
    citations: dict[int, Citation] = field(default_factory=dict)
    competing: list[tuple[int, int]] = field(default_factory=list)
    rivals: dict[int, list[int]] = field(default_factory=dict)
    earlier: int = 0
    later: int = 0

    def set_competing(self, pairs: list[tuple[int, int]]) -> None:
        self.competing, self.rivals = pairs, rivals_of(pairs)

    def competes(self, amendment: Amendment) -> list[int]:
        return self.rivals.get(amendment.pk, [])

    def citation_of(self, amendment: Amendment) -> Citation | None:
        return self.citations.get(amendment.pk)


def rivals_of(pairs: list[tuple[int, int]]) -> dict[int, list[int]]:
    """The amendments each one competes with, indexed once so a row's lookup stays cheap."""
    rivals: dict[int, list[int]] = {}
    for a, b in pairs:
        rivals.setdefault(a, []).append(b)
        rivals.setdefault(b, []).append(a)
    return rivals


@dataclass
class Queue:
    page: Page
    groups: list[ParagraphGroup]
    ledgers: dict[int, Ledger]
    chapters: list[Chapter]
    total: int
    paragraphs: int
    note_losses: dict[int, list[NoteLoss]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Slice:
    """The part of one paragraph's amendments (positions start to stop) a page shows."""

    paragraph_id: int
    start: int
    stop: int
    size: int


def _with_support(queryset: QuerySet[Amendment]) -> QuerySet[Amendment]:
    return queryset.annotate(support_count=support_count())


def _sort(filters: QueueFilters) -> tuple[str, ...]:
    return sort_of(filters)


def _group_sizes(matching: QuerySet[Amendment], sort: tuple[str, ...]) -> list[tuple[int, int]]:
    """(paragraph id, matching amendments) of every paragraph, each placed where its first
    amendment comes in the sort; one row per paragraph, never one per amendment."""
    order = [OrderBy(F(name.lstrip("-")), descending=name.startswith("-")) for name in sort]
    if any(name.lstrip("-") == "support_count" for name in sort):
        # Over the whole queue, one join and GROUP BY counts faster than a subquery per row.
        matching = matching.annotate(support_count=Count("supports"))
    ranked = (
        matching.annotate(queue_rank=Window(RowNumber(), order_by=order))
        .values("paragraph_id", "queue_rank")
        .order_by()
    )
    try:
        sql, params = ranked.query.sql_with_params()
    except EmptyResultSet:  # a filter nothing can match, such as a number out of range
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            # The inner SQL is Django's own, its values passed as parameters: nothing of the
            # request is formatted into the string.
            f"SELECT ranked.paragraph_id, COUNT(*) FROM ({sql}) ranked "  # noqa: S608  # nosec B608
            "GROUP BY ranked.paragraph_id ORDER BY MIN(ranked.queue_rank)",
            params,
        )
        return [(int(paragraph_id), int(size)) for paragraph_id, size in cursor.fetchall()]


def _pages(sizes: list[tuple[int, int]]) -> list[list[_Slice]]:
    """Cut the paragraphs, in order, into pages of at most GROUPS_PER_PAGE paragraphs and
    AMENDMENTS_PER_PAGE amendments."""
    pages: list[list[_Slice]] = [[]]
    shown = 0
    for paragraph_id, size in sizes:
        start = 0
        while start < size:
            if len(pages[-1]) == GROUPS_PER_PAGE or shown == AMENDMENTS_PER_PAGE:
                pages.append([])
                shown = 0
            stop = min(size, start + AMENDMENTS_PER_PAGE - shown)
            pages[-1].append(_Slice(paragraph_id, start, stop, size))
            shown += stop - start
            start = stop
    return pages


def review_queue(
    manifesto: Manifesto | None, filters: QueueFilters, page_number: int | str | None
) -> Queue:
    """One page of the queue, grouped by paragraph, in a fixed number of queries; its work
    grows with the page, not with the queue."""
    matching, sort = amendments_matching(filters, in_review=True), _sort(filters)
    sizes = _group_sizes(matching, sort)
    page = Paginator(_pages(sizes), 1).get_page(page_number)
    slices = page.object_list[0] if page.object_list else []
    by_paragraph = _outline(matching, sort, [s.paragraph_id for s in slices])
    chapters = _chapters(manifesto)
    shown = _shown(
        [row.pk for s in slices for row in by_paragraph[s.paragraph_id][s.start : s.stop]],
        {chapter.id: chapter for chapter in chapters},
    )
    width = manifesto.line_width if manifesto else 0
    on_page_chapters = {a.chapter_id for a in shown.values()}
    numbers = body_numbers([c for c in chapters if c.id in on_page_chapters])
    competing = paragraphs_competing(by_paragraph)
    groups = []
    for part in slices:
        rows = by_paragraph[part.paragraph_id]
        amendments = [shown[row.pk] for row in rows[part.start : part.stop] if row.pk in shown]
        if not amendments:
            continue  # decided between the reads
        number = numbers.get(part.paragraph_id)
        paragraph = amendments[0].paragraph
        group = ParagraphGroup(paragraph, number, amendments)
        group.citation = paragraph_citation(paragraph, number)
        group.reference = amendments[0].chapter.reference_name
        group.citations = {a.pk: amendment_citation(a, number, width) for a in amendments}
        group.competing, group.rivals = competing[part.paragraph_id]
        group.earlier, group.later = part.start, max(0, len(rows) - part.stop)
        groups.append(group)
    return Queue(
        page=page,
        groups=groups,
        ledgers=chapter_ledgers(manifesto, chapters) if manifesto else {},
        chapters=chapters,
        total=sum(size for _, size in sizes),
        paragraphs=len(sizes),
        note_losses=notes_losing_references(list(shown.values())),
    )


@dataclass
class Outlined:
    """What the queue reads of every amendment of the page's paragraphs (not only those it
    shows) to find competing pairs: no texts, and the stored spans as their JSON text, read
    (and decoded) only when the paragraph's pairs are not in the cache. The texts come only
    with a row that has no stored spans (``_spans``)."""

    pk: int
    paragraph_id: int
    kind: str
    status: str
    base_version_id: int
    spans_json: str | None
    base_text: str
    proposed_text: str
    change_spans: Any = None

    def stamp(self) -> tuple[object, ...]:
        texts = (self.base_text, self.proposed_text) if self.spans_json is None else ()
        return (self.pk, self.kind, self.status, self.base_version_id, self.spans_json, texts)


def _outline(
    matching: QuerySet[Amendment], sort: tuple[str, ...], paragraph_ids: list[int]
) -> dict[int, list[Outlined]]:
    """Every matching amendment of the paragraphs, in order, as plain rows (one query)."""
    outline = matching.filter(paragraph_id__in=paragraph_ids)
    if any(name.lstrip("-") == "support_count" for name in sort):
        outline = _with_support(outline)
    # A row without stored spans (see _spans) brings its texts; every other row brings none.
    legacy, text = {"change_spans__isnull": True}, TextField()
    rows = outline.order_by(*sort).values_list(
        "id",
        "paragraph_id",
        "kind",
        "status",
        "base_version_id",
        Cast("change_spans", TextField()),
        Case(When(**legacy, then=F("base_text")), default=Value(""), output_field=text),
        Case(When(**legacy, then=F("proposed_text")), default=Value(""), output_field=text),
    )
    by_paragraph: dict[int, list[Outlined]] = defaultdict(list)
    for row in rows:
        by_paragraph[row[1]].append(Outlined(*row))
    return by_paragraph


def _chapters(manifesto: Manifesto | None) -> list[Chapter]:
    """The Manifesto's chapters in their order, with the milestones their numbering refers to
    (one query; none before anything was imported)."""
    if manifesto is None:
        return []
    return list(manifesto.chapters.select_related("reference_milestone").order_by("order", "id"))


def _shown(pks: list[int], chapters: dict[int, Chapter]) -> dict[int, Amendment]:
    """The amendments the page shows, with what their rows show and nothing more (one query);
    their chapters are the ones already read, not joined again."""
    shown = {}
    for amendment in (
        _with_support(Amendment.objects.filter(pk__in=pks))
        .select_related("author", "paragraph", "recommendation")
        .only(*_SHOWN)
    ):
        chapter = chapters.get(amendment.chapter_id)
        if chapter is not None:  # always, with one Manifesto; else it is read when asked for
            amendment.chapter = amendment.paragraph.chapter = chapter
        shown[amendment.pk] = amendment
    return shown


# What the page reads of each amendment it shows, its author and its paragraph: what the rows,
# their stamps, the citations and the notes' warnings need and nothing more (each field set
# on a model instance costs, and the page makes 120 of them). A field read that is not here
# costs a query per row, which the queue's query-count tests would show.
_SHOWN = (
    *("chapter_id", "paragraph_id", "author_id", "kind", "status", "title"),
    *("base_text", "proposed_text", "editor_text", "diff_ops", "carried_forward_at"),
    *("word_delta", "accepted_word_delta"),
    *("author__username", "author__display_name", "author__role"),
    *("author__is_active", "author__is_superuser"),
    *("paragraph__chapter_id", "paragraph__key", "paragraph__kind", "paragraph__text"),
    *("paragraph__footnote_number", "paragraph__is_deleted", "paragraph__ref_number"),
    *("paragraph__ref_first_line", "paragraph__ref_line_count", "paragraph__ref_text"),
    "recommendation",
)
# Competing pairs of a paragraph, kept under a digest of its amendments' outline (which pairs
# compete follows from nothing else), so a paragraph with 150 amendments is swept once, not on
# every page view. Bump the version when competing_pairs changes what it finds.
PAIRS_VERSION = 2
PAIRS_TIMEOUT = 24 * 60 * 60


Competition = tuple[list[tuple[int, int]], dict[int, list[int]]]


def paragraphs_competing(by_paragraph: dict[int, list[Outlined]]) -> dict[int, Competition]:
    """The competing pairs of each paragraph's amendments (``competing_pairs``) and who each
    one competes with, from the cache where they are, found (and kept) where they are not; one
    cache round trip to read."""
    keys = {
        paragraph_id: "queue-pairs:"
        + hashlib.sha256(repr((PAIRS_VERSION, [row.stamp() for row in rows])).encode()).hexdigest()
        for paragraph_id, rows in by_paragraph.items()
    }
    found: dict[str, Competition] = cache.get_many(list(keys.values()))
    missing = {}
    for paragraph_id, key in keys.items():
        if key not in found:
            rows = by_paragraph[paragraph_id]
            for row in rows:
                if row.spans_json is not None:
                    row.change_spans = json.loads(row.spans_json)
            pairs = competing_pairs(rows)
            missing[key] = found[key] = (pairs, rivals_of(pairs))
    if missing:
        cache.set_many(missing, timeout=PAIRS_TIMEOUT)
    return {paragraph_id: found[key] for paragraph_id, key in keys.items()}


class _Competing(Protocol):
    """What competing_pairs reads of an amendment (an Amendment, or an outline row)."""

    pk: Any
    kind: str
    status: str
    base_version_id: Any
    change_spans: Any
    base_text: str
    proposed_text: str


def competing_pairs(amendments: Sequence[_Competing]) -> list[tuple[int, int]]:
    """Pairs of pending amendments on one paragraph that cannot both be accepted as written:
    overlapping word changes, or a deletion beside any other change of the same paragraph.

    Word changes are compared through the spans stored with each amendment
    (``spans_compete``), sweeping them in order of where they start, so a paragraph with many
    amendments costs about as many comparisons as there are overlapping changes."""
    pending = [
        a
        for a in amendments
        if a.status == Amendment.Status.PENDING and a.kind != Amendment.Kind.INSERT
    ]
    index = {a.pk: number for number, a in enumerate(pending)}
    pairs: set[tuple[int, int]] = set()
    for deletion in (a for a in pending if a.kind == Amendment.Kind.DELETE):
        pairs.update(_pair(deletion, other, index) for other in pending if other is not deletion)
    # Spans compare changes of one base text; pending amendments written against the same
    # paragraph version have the same base (carrying forward moves them all to the newest).
    by_base: dict[int, list[tuple[int, int, Spans, _Competing]]] = defaultdict(list)
    for amendment in pending:
        if amendment.kind == Amendment.Kind.REPLACE:
            spans = _spans(amendment)
            if spans:
                change = (spans[0][0], spans[-1][1], spans, amendment)
                by_base[amendment.base_version_id].append(change)
    for changes in by_base.values():
        changes.sort(key=lambda change: (change[0], index[change[3].pk]))
        for number, (_, last, spans, amendment) in enumerate(changes):
            for first, _, other_spans, other in changes[number + 1 :]:
                if first > last + 2:
                    break  # it starts beyond a word this change never reaches: so do the rest
                if spans_compete(spans, other_spans):
                    pairs.add(_pair(amendment, other, index))
    return sorted(pairs, key=lambda pair: (index[pair[0]], index[pair[1]]))


def _pair(a: _Competing, b: _Competing, index: dict[int, int]) -> tuple[int, int]:
    return (a.pk, b.pk) if index[a.pk] < index[b.pk] else (b.pk, a.pk)


def _spans(amendment: _Competing) -> Spans:
    # Every open replacement has its spans (written with it, or by migrations 0002 and 0003),
    # but one decided before spans were stored has none, and reopening it (or undoing its
    # duplicate marking) makes it pending without a rebase when its paragraph has not changed:
    # such a row gets them computed here, once per request.
    if amendment.change_spans is None:
        amendment.change_spans = [
            list(run) for run in change_spans(amendment.base_text, amendment.proposed_text)
        ]
    return [(low, high) for low, high in amendment.change_spans]
