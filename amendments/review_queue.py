"""The editors' review queue: filtering, sorting, grouping by paragraph, competing pairs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, F, QuerySet, Window
from django.db.models.expressions import OrderBy
from django.db.models.functions import RowNumber

from amendments.citations import amendment_citation
from amendments.filtering import AmendmentFilters, amendments_matching, sort_of
from amendments.ledger import Ledger, chapter_ledgers
from amendments.models import Amendment
from amendments.selectors import NoteLoss, notes_losing_references, support_count
from manifesto.models import Chapter, Manifesto, Paragraph
from manifesto.reference import paragraph_citation
from manifesto.selectors import body_numbers, manifesto_chapter_list
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
        # Rivals are indexed once, so the template's lookup for each amendment stays cheap.
        self.competing, self.rivals = pairs, {}
        for a, b in pairs:
            self.rivals.setdefault(a, []).append(b)
            self.rivals.setdefault(b, []).append(a)

    def competes(self, amendment: Amendment) -> list[int]:
        return self.rivals.get(amendment.pk, [])

    def citation_of(self, amendment: Amendment) -> Citation | None:
        return self.citations.get(amendment.pk)


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
    # Every amendment of the page's paragraphs, in order, without its texts: enough to find
    # competing pairs (from the stored spans) and which amendments the page shows.
    outline = matching.filter(paragraph_id__in=[s.paragraph_id for s in slices])
    if any(name.lstrip("-") == "support_count" for name in sort):
        outline = _with_support(outline)
    by_paragraph: dict[int, list[Amendment]] = defaultdict(list)
    for row in outline.only(*_OUTLINE).order_by(*sort):
        by_paragraph[row.paragraph_id].append(row)
    shown = {
        amendment.pk: amendment
        for amendment in _with_support(
            Amendment.objects.filter(
                pk__in=[
                    row.pk for s in slices for row in by_paragraph[s.paragraph_id][s.start : s.stop]
                ]
            )
        ).select_related(
            "author", "chapter__reference_milestone", "paragraph__chapter", "recommendation"
        )
    }
    width = manifesto.line_width if manifesto else 0
    chapters = manifesto_chapter_list(manifesto)
    on_page_chapters = {a.chapter_id for a in shown.values()}
    numbers = body_numbers([c for c in chapters if c.id in on_page_chapters])
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
        group.set_competing(competing_pairs(rows))
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


_OUTLINE = ("id", "paragraph_id", "kind", "status", "base_version_id", "change_spans", "created_at")


def competing_pairs(amendments: list[Amendment]) -> list[tuple[int, int]]:
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
    by_base: dict[int, list[tuple[int, int, Spans, Amendment]]] = defaultdict(list)
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


def _pair(a: Amendment, b: Amendment, index: dict[int, int]) -> tuple[int, int]:
    return (a.pk, b.pk) if index[a.pk] < index[b.pk] else (b.pk, a.pk)


def _spans(amendment: Amendment) -> Spans:
    # Every open replacement has its spans (written with it, or by migrations 0002 and 0003),
    # but one decided before spans were stored has none, and reopening it (or undoing its
    # duplicate marking) makes it pending without a rebase when its paragraph has not changed:
    # such a row gets them computed here, once per request.
    if amendment.change_spans is None:
        amendment.change_spans = [
            list(run) for run in change_spans(amendment.base_text, amendment.proposed_text)
        ]
    return [(low, high) for low, high in amendment.change_spans]
