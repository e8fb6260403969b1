"""Reads for the desk's pages; each returns everything a page needs in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, QuerySet

from accounts.models import User
from amendments.models import Amendment, Comment, Decision, Support
from amendments.services.guard import Ledger, chapter_ledger, counts_against_limit
from amendments.services.proposing import proposed_paragraph_text
from manifesto.models import Chapter, Paragraph
from manifesto.selectors import body_numbers
from textcore.diff import WordDelta, diff_html, word_delta

Viewer = User | AnonymousUser | None


def with_support(queryset: QuerySet[Amendment], user: Viewer = None) -> QuerySet[Amendment]:
    """Annotate ``support_count`` (and ``supported_by_me`` for a logged-in user)."""
    queryset = queryset.annotate(support_count=Count("supports", distinct=True))
    if user is not None and user.is_authenticated:
        queryset = queryset.annotate(
            supported_by_me=Exists(Support.objects.filter(amendment=OuterRef("pk"), user=user))
        )
    return queryset


def pending_counts(chapter: Chapter) -> dict[int, int]:
    """Open (pending or in-conflict) amendments per paragraph id, in one query."""
    rows = (
        Amendment.objects.filter(chapter=chapter, status__in=Amendment.OPEN_STATUSES)
        .values("paragraph_id")
        .annotate(n=Count("id"))
        .values_list("paragraph_id", "n")
    )
    return dict(rows)


def member_amendments(user: User) -> list[Amendment]:
    """A member's own amendments, newest first, with their chapter and support counts."""
    return list(
        with_support(Amendment.objects.filter(author=user))
        .select_related("chapter", "paragraph")
        .order_by("-created_at", "-id")
    )


def paragraph_amendments(paragraph: Paragraph, user: Viewer) -> list[Amendment]:
    """Every amendment on a paragraph, open ones first, with authors and support counts."""
    queryset = with_support(Amendment.objects.filter(paragraph=paragraph), user)
    return sorted(
        queryset.select_related("author"),
        key=lambda a: (not a.is_open, -a.created_at.timestamp()),
    )


@dataclass
class ThreadNode:
    comment: Comment
    replies: list[ThreadNode] = field(default_factory=list)


def comment_thread(**target: object) -> list[ThreadNode]:
    """The comments on one amendment or paragraph as a tree (one query)."""
    comments = list(
        Comment.objects.filter(**target)
        .select_related("author", "hidden_by")
        .order_by("created_at", "id")
    )
    nodes = {c.pk: ThreadNode(c) for c in comments}
    roots: list[ThreadNode] = []
    for comment in comments:
        node = nodes[comment.pk]
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        (parent.replies if parent else roots).append(node)
    return roots


def amendment_for_page(pk: int, user: Viewer) -> Amendment:
    """One amendment with everything its page shows (raises Amendment.DoesNotExist)."""
    queryset = with_support(Amendment.objects.all(), user).select_related(
        "author",
        "chapter__manifesto",
        "paragraph",
        "decided_by",
        "duplicate_of",
        "carried_forward_by",
        "conflict_with",
    )
    return queryset.get(pk=pk)


def supporters(amendment: Amendment) -> list[User]:
    return [s.user for s in amendment.supports.select_related("user").order_by("created_at")]


@dataclass(frozen=True)
class Preview:
    """What a proposal does: the word-level diff, its words, and the chapter's budget."""

    diff: str
    delta: WordDelta
    ledger: Ledger
    counts: bool
    cut_candidates: list[Paragraph]
    changed: bool = True

    @property
    def chapter_after(self) -> int:
        return self.ledger.words + (self.delta.net if self.counts else 0)

    @property
    def over_by(self) -> int:
        if self.ledger.limit is None:
            return 0
        return max(0, self.chapter_after - self.ledger.limit)

    @property
    def left_after(self) -> int | None:
        return None if self.ledger.limit is None else self.ledger.limit - self.chapter_after


def proposal_preview(
    *, paragraph: Paragraph, kind: str, text: str, ledger: Ledger | None = None
) -> Preview:
    """The live preview of a proposal (the same data with or without JavaScript)."""
    chapter = paragraph.chapter
    base = "" if kind == Amendment.Kind.INSERT else paragraph.text
    proposed = proposed_paragraph_text(kind=kind, base_text=paragraph.text, text=text)
    delta = word_delta(base, proposed)
    ledger = ledger or chapter_ledger(chapter)
    counts = paragraph.kind != Paragraph.Kind.FOOTNOTE or chapter.manifesto.count_footnotes
    over = ledger.limit is not None and counts and ledger.words + delta.net > ledger.limit
    cut_candidates: list[Paragraph] = []
    if over and delta.net > 0:
        numbers = body_numbers([chapter])
        cut_candidates = list(
            chapter.paragraphs.filter(is_deleted=False, kind=Paragraph.Kind.BODY).order_by(
                "-word_count", "position"
            )[:3]
        )
        for candidate in cut_candidates:
            candidate.number = numbers.get(candidate.pk)  # type: ignore[attr-defined]
    return Preview(
        diff_html(base, proposed), delta, ledger, counts, cut_candidates, proposed != base
    )


def chapter_decisions(chapter: Chapter, limit: int = 200) -> list[Decision]:
    """The chapter's decision log, newest first (one query)."""
    return list(
        chapter.decisions.select_related("actor", "amendment", "paragraph").order_by(
            "-created_at", "-id"
        )[:limit]
    )


@dataclass(frozen=True)
class AmendmentDiffs:
    """The diffs an amendment page shows, each a safe HTML string (or empty)."""

    as_written: str
    against_today: str
    editor_version: str
    today_text: str
    paragraph_changed: bool


def amendment_diffs(amendment: Amendment) -> AmendmentDiffs:
    """The change as its author wrote it, against today's text when the paragraph has changed
    since, and the editor's wording when accepted with changes."""
    paragraph = amendment.paragraph
    today = "" if paragraph.is_deleted else paragraph.text
    as_written = diff_html(amendment.written_base_text, amendment.written_text)
    changed = amendment.kind != Amendment.Kind.INSERT and (
        paragraph.is_deleted or amendment.written_base_text != paragraph.text
    )
    against_today = ""
    if changed and amendment.status == Amendment.Status.PENDING:
        against_today = diff_html(paragraph.text, amendment.proposed_text)
    editor_version = ""
    if amendment.editor_text:
        editor_version = diff_html(amendment.base_text, amendment.editor_text)
    return AmendmentDiffs(as_written, against_today, editor_version, today, changed)


@dataclass(frozen=True)
class AcceptanceBudget:
    """What accepting an amendment alone would do to its chapter's word budget."""

    words_after: int
    limit: int | None
    over_by: int


def acceptance_budget(amendment: Amendment) -> AcceptanceBudget:
    """The chapter's words if ``amendment`` alone were accepted now (two queries)."""
    chapter = amendment.chapter
    ledger = chapter_ledger(chapter)
    counts = counts_against_limit(amendment.paragraph.kind, chapter.manifesto.count_footnotes)
    delta = amendment.word_delta if counts else 0
    return AcceptanceBudget(ledger.after(delta), ledger.limit, ledger.over_by_after(delta))
