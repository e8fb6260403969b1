"""The editors' review queue: filtering, sorting, grouping by paragraph, competing pairs."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet

from amendments.models import Amendment
from amendments.services.guard import Ledger, chapter_ledgers
from manifesto.models import Chapter, Manifesto, Paragraph
from manifesto.selectors import body_numbers
from textcore.rebase import competing

SORTS = {
    "oldest": ("created_at", "id"),
    "newest": ("-created_at", "-id"),
    "support": ("-support_count", "created_at", "id"),
    "delta": ("-word_delta", "created_at", "id"),
    "delta_asc": ("word_delta", "created_at", "id"),
}
SORT_LABELS = {
    "oldest": "Oldest first",
    "newest": "Newest first",
    "support": "Most supported",
    "delta": "Adds most words",
    "delta_asc": "Cuts most words",
}
GROUPS_PER_PAGE = 20


@dataclass(frozen=True)
class QueueFilters:
    chapter: str = ""
    paragraph: int | None = None
    status: str = "open"
    author: str = ""
    sort: str = "oldest"


@dataclass
class ParagraphGroup:
    """The amendments of one paragraph, decided together; ``competing`` lists clashing pairs."""

    paragraph: Paragraph
    number: int | None
    amendments: list[Amendment]
    competing: list[tuple[int, int]] = field(default_factory=list)

    def competes(self, amendment: Amendment) -> list[int]:
        return [b if a == amendment.pk else a for a, b in self.competing if amendment.pk in (a, b)]


@dataclass
class Queue:
    page: Page
    groups: list[ParagraphGroup]
    ledgers: dict[int, Ledger]
    chapters: list[Chapter]
    total: int


def _filtered(filters: QueueFilters) -> QuerySet[Amendment]:
    queryset = Amendment.objects.annotate(support_count=Count("supports", distinct=True))
    if filters.status == "open":
        queryset = queryset.filter(status__in=Amendment.OPEN_STATUSES)
    elif filters.status in Amendment.Status.values:
        queryset = queryset.filter(status=filters.status)
    if filters.chapter:
        queryset = queryset.filter(chapter__slug=filters.chapter)
    if filters.paragraph is not None:
        queryset = queryset.filter(paragraph__key=filters.paragraph)
    if filters.author:
        queryset = queryset.filter(author__username=filters.author)
    return queryset.order_by(*SORTS.get(filters.sort, SORTS["oldest"]))


def review_queue(manifesto: Manifesto, filters: QueueFilters, page_number: str | None) -> Queue:
    """One page of the queue, grouped by paragraph, in a fixed number of queries."""
    order = list(_filtered(filters).values_list("id", "paragraph_id"))
    group_order: list[int] = []
    for _, paragraph_id in order:
        if paragraph_id not in group_order:
            group_order.append(paragraph_id)
    page = Paginator(group_order, GROUPS_PER_PAGE).get_page(page_number)
    on_page = set(page.object_list)
    position = {pk: index for index, (pk, _) in enumerate(order)}
    amendments = sorted(
        _filtered(filters)
        .filter(paragraph_id__in=on_page)
        .select_related("author", "chapter", "paragraph__chapter"),
        key=lambda a: position[a.pk],
    )
    chapters = list(manifesto.chapters.order_by("order", "id"))
    numbers = body_numbers()
    groups: dict[int, ParagraphGroup] = {}
    for amendment in amendments:
        group = groups.get(amendment.paragraph_id)
        if group is None:
            group = groups[amendment.paragraph_id] = ParagraphGroup(
                amendment.paragraph, numbers.get(amendment.paragraph_id), []
            )
        group.amendments.append(amendment)
    for group in groups.values():
        group.competing = competing_pairs(group.amendments)
    ordered_groups = [groups[pk] for pk in page.object_list if pk in groups]
    return Queue(
        page=page,
        groups=ordered_groups,
        ledgers=chapter_ledgers(manifesto, chapters),
        chapters=chapters,
        total=len(order),
    )


def competing_pairs(amendments: list[Amendment]) -> list[tuple[int, int]]:
    """Pairs of pending amendments on one paragraph that cannot both be accepted as written:
    overlapping word changes, or a deletion beside any other change of the same paragraph."""
    pending = [
        a
        for a in amendments
        if a.status == Amendment.Status.PENDING and a.kind != Amendment.Kind.INSERT
    ]
    pairs = []
    for a, b in combinations(pending, 2):
        if Amendment.Kind.DELETE in (a.kind, b.kind) or (
            a.base_text == b.base_text and competing(a.base_text, a.proposed_text, b.proposed_text)
        ):
            pairs.append((a.pk, b.pk))
    return pairs
