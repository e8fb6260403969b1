"""Which amendments a set of filters selects, and in what order: one home for the review
queue and the public amendment list (and its downloads), so both read ¶ labels, lines,
authors and sorts the same way."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Q, QuerySet

from accounts.models import User
from amendments.models import Amendment
from manifesto.models import Chapter, Paragraph
from manifesto.selectors import body_numbers

# Text order: the chapters in their order, the paragraphs in reading order (their order
# keys), then the amendments by number; an insertion sits with the paragraph it follows.
TEXT_ORDER = ("chapter__order", "chapter_id", "paragraph__position", "id")
SORTS: dict[str, tuple[str, ...]] = {
    "text": TEXT_ORDER,
    "oldest": ("created_at", "id"),
    "newest": ("-created_at", "-id"),
    "support": ("-support_count", "created_at", "id"),
    "delta": ("-word_delta", "created_at", "id"),
    "delta_asc": ("word_delta", "created_at", "id"),
}
SORT_LABELS = {
    "text": "Text order",
    "oldest": "Oldest first",
    "newest": "Newest first",
    "support": "Most supported",
    "delta": "Adds most words",
    "delta_asc": "Cuts most words",
}

# The review queue's filters on the committee's recommendations (editors only: drafts count).
RECOMMENDATION_FILTERS = {
    "none": Q(recommendation__isnull=True),
    "disagreed": Q(recommendation__answer="disagreed"),
}
RECOMMENDATION_FILTER_LABELS = {"none": "No recommendation yet", "disagreed": "Proposer disagreed"}


@dataclass(frozen=True)
class AmendmentFilters:
    """What a queue or list shows. ``status`` is a status, "open" (pending, in conflict and,
    outside the review queue, collecting support) or "all"; ``author`` is a name as shown;
    ``mine`` and ``supported`` apply only for a member signed in."""

    chapter: str = ""
    paragraph: str = ""  # a ¶ label of the reference numbering: "9", "10a"
    lines: tuple[int, int] | None = None  # reference lines, first and last
    status: str = "open"
    author: str = ""
    sort: str = "oldest"
    mine: bool = False
    supported: bool = False
    recommendation: str = ""  # the queue's: "none" (no recommendation yet) or "disagreed"


def amendments_matching(
    filters: AmendmentFilters,
    viewer: User | AnonymousUser | None = None,
    *,
    in_review: bool = False,
) -> QuerySet[Amendment]:
    """The amendments the filters select (unordered, without support counts). "Open" in the
    review queue (``in_review``) leaves out those still collecting support."""
    queryset = Amendment.objects.all()
    if filters.status == "open":
        statuses = Amendment.REVIEWABLE_STATUSES if in_review else Amendment.OPEN_STATUSES
        queryset = queryset.filter(status__in=statuses)
    elif filters.status in Amendment.Status.values:
        queryset = queryset.filter(status=filters.status)
    if filters.chapter:
        queryset = queryset.filter(chapter__slug=filters.chapter)
    if filters.paragraph:
        queryset = queryset.filter(_on_paragraph(filters))
    if filters.lines is not None:
        queryset = queryset.filter(_on_lines(*filters.lines))
    if filters.author:
        queryset = queryset.filter(shown_name_is(filters.author, "author__"))
    if in_review and filters.recommendation in RECOMMENDATION_FILTERS:
        queryset = queryset.filter(RECOMMENDATION_FILTERS[filters.recommendation])
    if viewer is not None and viewer.is_authenticated:
        if filters.mine:
            queryset = queryset.filter(author=viewer)
        if filters.supported:
            queryset = queryset.filter(supports__user=viewer)
    return queryset


def shown_name_is(name: str, prefix: str = "") -> Q:
    """People whose public name (their display name, or their username without one) is
    ``name``, in any case."""
    return Q(**{f"{prefix}display_name__iexact": name}) | Q(
        **{f"{prefix}display_name": "", f"{prefix}username__iexact": name}
    )


def sort_of(filters: AmendmentFilters, default: str = "oldest") -> tuple[str, ...]:
    """The order by fields of the filters' sort (an unknown one is ``default``)."""
    return SORTS.get(filters.sort, SORTS[default])


def _on_paragraph(filters: AmendmentFilters) -> Q:
    """Amendments to the paragraphs labelled ``filters.paragraph`` (in every chapter, or the
    filtered one): a reference number is a column; "10a" is worked out from the labels."""
    if filters.paragraph.isdecimal():
        return Q(
            paragraph__kind=Paragraph.Kind.BODY,
            paragraph__in_reference=True,
            paragraph__ref_number=int(filters.paragraph),
        )
    chapters = Chapter.objects.filter(slug=filters.chapter) if filters.chapter else None
    labels = body_numbers(chapters)
    return Q(paragraph_id__in=[pk for pk, label in labels.items() if label == filters.paragraph])


def _on_lines(first: int, last: int) -> Q:
    """Amendments whose change touches reference lines ``first``..``last``: by the lines they
    cite, when they were proposed against the chapter's present reference; by the lines of
    their paragraph otherwise (proposed against an earlier one)."""
    current = Q(cited_first_line__isnull=False, cited_reference=F("chapter__reference_milestone"))
    cited = Q(cited_first_line__lte=last, cited_last_line__gte=first)
    paragraph = Q(
        paragraph__ref_first_line__lte=last,
        paragraph__ref_first_line__gt=first - F("paragraph__ref_line_count"),
    )
    return (current & cited) | (~current & paragraph)
