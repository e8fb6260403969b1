"""Reads for the desk's pages; each returns everything a page needs in a fixed number of queries."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from accounts.models import User
from amendments.ledger import Ledger, chapter_ledger
from amendments.models import (
    Amendment,
    ChangeCount,
    Comment,
    Decision,
    Follow,
    Notification,
    Recommendation,
    RecommendationRelease,
    Support,
)
from amendments.rules import proposed_paragraph_text
from common import clock
from manifesto.counting import counts_against_limit
from manifesto.models import AS_PUBLISHED, Chapter, Manifesto, Milestone, Paragraph
from manifesto.rounds import chapter_round
from manifesto.selectors import ChapterReading, body_numbers, chapter_reading
from textcore.diff import WordDelta, diff_html, word_delta
from textcore.footnotes import ref_numbers, references_lost
from textcore.rebase import reapply_where_possible

Viewer = User | AnonymousUser | None


def with_support(queryset: QuerySet[Amendment], user: Viewer = None) -> QuerySet[Amendment]:
    """Annotate ``support_count`` (and ``supported_by_me`` for a logged-in user).

    The count is a subquery per row, not a join with GROUP BY: with the page's other joins,
    grouping made PostgreSQL spend longer planning the query than running it."""
    queryset = queryset.annotate(support_count=support_count())
    if user is not None and user.is_authenticated:
        queryset = queryset.annotate(
            supported_by_me=Exists(Support.objects.filter(amendment=OuterRef("pk"), user=user))
        )
    return queryset


def support_count() -> Coalesce:
    """An amendment's number of supporters, as an expression to annotate with."""
    supports = (
        Support.objects.filter(amendment=OuterRef("pk"))
        .order_by()
        .values("amendment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(supports), 0)


def paragraph_counts(chapter: Chapter) -> dict[int, tuple[int, int]]:
    """Per paragraph id: its open (pending or in-conflict) amendments and the comments of its
    discussion that can be read (neither deleted nor hidden), in one query."""

    def counted(rows: QuerySet[Amendment] | QuerySet[Comment]) -> Coalesce:
        per_paragraph = rows.order_by().values("paragraph").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(per_paragraph), 0)

    open_amendments = Amendment.objects.filter(
        paragraph=OuterRef("pk"), status__in=Amendment.OPEN_STATUSES
    )
    comments = Comment.objects.filter(
        paragraph=OuterRef("pk"), is_deleted=False, hidden_by__isnull=True
    )
    rows = (
        Paragraph.objects.filter(chapter=chapter)
        .annotate(open_count=counted(open_amendments), comment_count=counted(comments))
        .values_list("id", "open_count", "comment_count")
    )
    return {pk: (amendments, talk) for pk, amendments, talk in rows}


def reading_with_counts(chapter: Chapter) -> ChapterReading:
    """The chapter's text as its page shows it, each paragraph with its open amendments and
    its comments (two queries)."""
    reading = chapter_reading(chapter)
    counts = paragraph_counts(chapter)
    for shown in reading.text:
        shown.open_amendments, shown.comments = counts.get(shown.paragraph.pk, (0, 0))
    return reading


def _newest_history(table: str, where: str) -> str:
    """A scalar subquery: the newest history row's id and time, as "id@time", in ``table``
    (aliased h) whose rows match ``where`` (one subquery, not one for each: half the
    planning; the paragraphs' and amendments' histories have an index on (chapter_id,
    history_id) for it)."""
    # ``table`` is a model's own table name and ``where`` our own text; values are parameters.
    select = f"SELECT h.history_id || '@' || h.history_date FROM {table} h {where}"  # noqa: S608  # nosec B608
    return f"({select} ORDER BY h.history_id DESC LIMIT 1)"


@lru_cache(maxsize=2)
def chapter_stamp_columns(continuous: bool) -> tuple[str, ...]:
    """The chapter page stamp's values, as the scalar subqueries of a SELECT (parameters
    %(chapter)s and %(manifesto)s): the newest history rows of the chapter's paragraphs, its
    amendments and its paragraphs' comments, of the chapter (every chapter of the Manifesto
    when lines run on through it: ``continuous``) and of the Manifesto. The paragraph and
    amendment pages read them in their own stamp's query (amendments/reading_cache.py)."""
    paragraphs = Paragraph._meta.db_table
    chapters = "h.manifesto_id = %(manifesto)s" if continuous else "h.id = %(chapter)s"
    parts = (
        (Paragraph, "WHERE h.chapter_id = %(chapter)s"),
        (Amendment, "WHERE h.chapter_id = %(chapter)s"),
        (
            Comment,
            f"JOIN {paragraphs} p ON p.id = h.paragraph_id WHERE p.chapter_id = %(chapter)s",
        ),
        (Chapter, f"WHERE {chapters}"),
        (Manifesto, "WHERE h.id = %(manifesto)s"),
    )
    # Table names are the models' own; every value is a parameter.
    return tuple(
        _newest_history(model.history.model._meta.db_table, where) for model, where in parts
    )


@lru_cache(maxsize=4)
def _chapter_stamp_sql(continuous: bool, milestones: bool = False) -> str:
    """The stamp's one query, written out: built with the ORM, compiling its subqueries
    cost more CPU than the rest of a cached chapter page (3.7 ms of 10). With ``milestones``,
    a row for each of the chapter's milestones as exports.milestone_names picks them (at
    least one row, with no name when there is none), the stamp's values in every row."""
    subqueries = ", ".join(chapter_stamp_columns(continuous))
    if not milestones:
        return f"SELECT {subqueries}"
    # UPPER on both sides is how Django writes ``name__iexact`` (milestone_names' exclusion).
    return (
        f"SELECT {subqueries}, m.name FROM (SELECT 1 AS one) o "  # noqa: S608  # nosec B608
        f"LEFT JOIN {Milestone._meta.db_table} m ON m.chapter_id = %(chapter)s "
        "AND UPPER(m.name) <> UPPER(%(published)s) ORDER BY m.moment, m.id"
    )


def chapter_stamp_params(chapter: Chapter) -> dict[str, int | str]:
    """The parameters of chapter_stamp_columns (and of the milestones beside them)."""
    return {"chapter": chapter.pk, "manifesto": chapter.manifesto_id, "published": AS_PUBLISHED}


def chapter_stamp_of(chapter: Chapter, values: Sequence[object]) -> str:
    """The chapter page's stamp from the values chapter_stamp_columns read, with what else
    it depends on: the page offers "Propose a change" while the round takes proposals, which
    a deadline ends without any row changing."""
    takes_proposals = chapter_round(chapter).accepts_proposals(clock.now())
    return ":".join(str(value) for value in (chapter.slug, takes_proposals, *values))


def chapter_page_stamp(chapter: Chapter, milestones: list[str] | None = None) -> str:
    """A value that changes whenever anything the chapter page's cached part shows changes:
    the newest history rows of the chapter's paragraphs, of its amendments, of the comments on
    its paragraphs (their counts are shown), of the Manifesto's
    chapters and of the Manifesto (one query). Every change to these is saved with its history,
    so a fragment cached under this stamp is never stale. The rows' times are part of it, so
    that ids used again (a database restored from a backup) cannot bring back an old page.

    When lines run on through the Manifesto, every chapter of it, not only this one: moving
    another chapter's reference or order (a history row of that chapter) renumbers this
    chapter's lines. The line width and that choice are the Manifesto's (its history rows).

    Given ``milestones`` (a list), the same query fills it with what
    exports.milestone_names([chapter]) would return: the chapter page's export form offers
    them, and one query fewer is one round trip fewer on every request of that page."""
    sql = _chapter_stamp_sql(
        chapter.manifesto.continuous_line_numbers, milestones=milestones is not None
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, chapter_stamp_params(chapter))
        rows = cursor.fetchall()
    values = rows[0]
    if milestones is not None:
        values = values[:-1]
        names = (row[-1] for row in rows if row[-1] is not None)
        milestones.extend(name for name in dict.fromkeys(names) if name not in milestones)
    return chapter_stamp_of(chapter, values)


def _rows_digest(table: str, columns: tuple[str, ...]) -> str:
    """A scalar subquery: every row of ``table`` (aliased t) as one text that no other rows
    could give. PostgreSQL writes each as a record (which quotes any value holding a comma,
    a parenthesis or a quote) and digests them; SQLite puts each value's length before it."""
    # Table and column names are the models' own, nothing of a request.
    if connection.vendor == "postgresql":
        record = f"ROW({', '.join(f't.{name}' for name in columns)})::text"
        return f"(SELECT md5(string_agg({record}, '|' ORDER BY t.id)) FROM {table} t)"  # noqa: S608  # nosec B608
    fields = " || ',' || ".join(  # nosec B608
        f"length(COALESCE(t.{name} || '', '')) || ':' || COALESCE(t.{name} || '', '')"  # nosec B608
        for name in columns
    )
    rows = f"SELECT {fields} AS r FROM {table} t ORDER BY t.id"  # noqa: S608  # nosec B608
    return f"(SELECT group_concat(r, '|') FROM ({rows}))"  # noqa: S608  # nosec B608


@lru_cache(maxsize=4)
def _manifesto_stamp_sql(vendor: str, with_comments: bool) -> str:
    """The Manifesto-wide stamp in one query, written out like the chapter page's (``vendor``
    keys the cache: the digests are written per database)."""
    tracked = (Amendment, Paragraph, Recommendation, Chapter, Manifesto)
    histories = ", ".join(
        _newest_history(model.history.model._meta.db_table, "")
        for model in (*tracked, Comment)
        if with_comments or model is not Comment
    )
    counts = ChangeCount._meta.db_table
    counted = ", ".join(
        # The model's own table name and this function's two names; no value of a request.
        f"(SELECT c.count || '@' || c.changed_at FROM {counts} c WHERE c.name = '{name}')"  # noqa: S608  # nosec B608
        for name in ("people", "supports")
    )
    milestones = _rows_digest(Milestone._meta.db_table, ("id", "chapter_id", "name", "moment"))
    releases = _rows_digest(
        RecommendationRelease._meta.db_table, ("id", "chapter_id", "published_at")
    )
    return (  # the models' own table names; no value in it  # nosec B608
        f"SELECT {histories}, {counted}, {milestones}, {releases}"  # nosec B608
    )


def manifesto_stamp(*, with_comments: bool = False) -> str:
    """A value that changes whenever anything the review queue's or the public list's page
    shows changes, whatever their filters (one query): the newest history rows of every
    amendment, paragraph, recommendation, chapter and Manifesto (and comment, for the search,
    which shows them: ``with_comments``), as each change to them writes one, with their times,
    so that ids used again after a restore bring back no old page; the database's own counts
    of changes to the people and the supports, which have no history (``ChangeCount``, kept
    by triggers), with their times; and the milestones and the recommendations' releases,
    read whole (a few short rows, digested by the database). What depends on the viewer, the
    clock and the request the pages put in their keys beside it."""
    with connection.cursor() as cursor:
        cursor.execute(_manifesto_stamp_sql(connection.vendor, with_comments))
        values = cursor.fetchone()
    return ":".join(str(value) for value in values)


def member_amendments(user: User) -> list[Amendment]:
    """A member's own amendments, newest first, with their chapter and support counts."""
    return list(
        with_support(Amendment.objects.filter(author=user))
        .select_related(
            "chapter__manifesto",
            "paragraph",
            "cited_reference",
            "recommendation",
            "chapter__recommendation_release",
        )
        .order_by("-created_at", "-id")
    )


AMENDMENTS_PER_PAGE = 25
# The texts a list of amendments never shows: left in the database.
_LIST_DEFERS = (
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
)


def paragraph_amendments(
    paragraph: Paragraph, user: Viewer, page_number: str | None = None
) -> Page[Amendment]:
    """One page of the amendments on a paragraph, open ones first, then newest first, with
    authors and support counts (two queries: the count and the page)."""
    open_first = Case(When(status__in=Amendment.OPEN_STATUSES, then=Value(0)), default=Value(1))
    queryset = (
        with_support(Amendment.objects.filter(paragraph=paragraph), user)
        .select_related("author", "recommendation", "chapter__recommendation_release")
        .defer(*_LIST_DEFERS)
        .order_by(open_first, "-created_at", "-id")
    )
    return Paginator(queryset, AMENDMENTS_PER_PAGE).get_page(page_number)


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
    """One amendment with everything its page shows (raises Amendment.DoesNotExist).

    The amendments it points to are named by subqueries rather than joined: three more
    joins of the wide amendment table tripled the time PostgreSQL spent planning."""

    def title_of(field: str) -> Subquery:
        return Subquery(Amendment.objects.filter(pk=OuterRef(field)).values("title")[:1])

    def name_of(field: str) -> Subquery:
        return Subquery(Milestone.objects.filter(pk=OuterRef(field)).values("name")[:1])

    queryset = (
        with_support(Amendment.objects.all(), user)
        .select_related(
            "author",
            "chapter__manifesto",
            "chapter__recommendation_release",
            "paragraph",
            "decided_by",
            "recommendation__target",
        )
        .annotate(
            duplicate_of_title=title_of("duplicate_of"),
            conflict_with_title=title_of("conflict_with"),
            reference_name=name_of("chapter__reference_milestone"),
            cited_reference_name=name_of("cited_reference"),
        )
    )
    if user is not None and user.is_authenticated:
        queryset = queryset.annotate(
            followed_by_me=Exists(
                Follow.objects.filter(amendment=OuterRef("pk"), user=user, active=True)
            )
        )
    return queryset.get(pk=pk)


def supporters(amendment: Amendment) -> list[User]:
    return [s.user for s in amendment.supports.select_related("user").order_by("created_at")]


@dataclass(frozen=True)
class CutCandidate:
    """A long paragraph a proposal over the limit could pay for its words with."""

    paragraph: Paragraph
    number: str | None  # its ¶ label


@dataclass(frozen=True)
class Preview:
    """What a proposal does: the word-level diff, its words, and the chapter's budget."""

    diff: str
    delta: WordDelta
    ledger: Ledger
    counts: bool
    cut_candidates: list[CutCandidate]
    changed: bool = True

    @property
    def counted_delta(self) -> int:
        """What the proposal changes in the chapter's counted words."""
        return self.delta.net if self.counts else 0

    @property
    def chapter_after(self) -> int:
        return self.ledger.after(self.counted_delta)

    @property
    def over_by(self) -> int:
        return self.ledger.over_by_after(self.counted_delta)

    @property
    def left_after(self) -> int | None:
        return self.ledger.left_after(self.counted_delta)


def proposal_preview(
    *, paragraph: Paragraph, kind: str, text: str, ledger: Ledger | None = None
) -> Preview:
    """The live preview of a proposal (the same data with or without JavaScript)."""
    chapter = paragraph.chapter
    base = "" if kind == Amendment.Kind.INSERT else paragraph.text
    proposed = proposed_paragraph_text(kind=kind, base_text=paragraph.text, text=text)
    delta = word_delta(base, proposed)
    ledger = ledger or chapter_ledger(chapter)
    counts = counts_against_limit(paragraph.kind, chapter.manifesto.count_footnotes)
    over = counts and ledger.over_by_after(delta.net) > 0
    cut_candidates: list[CutCandidate] = []
    if over and delta.net > 0:
        numbers = body_numbers([chapter])
        longest = chapter.paragraphs.filter(is_deleted=False, kind=Paragraph.Kind.BODY).order_by(
            "-word_count", "position"
        )[:3]
        cut_candidates = [CutCandidate(p, numbers.get(p.pk)) for p in longest]
    return Preview(
        diff_html(base, proposed), delta, ledger, counts, cut_candidates, proposed != base
    )


def chapter_decisions(chapter: Chapter, limit: int = 200) -> list[Decision]:
    """The chapter's decision log with the decisions about the whole Manifesto (its limit
    binds the chapter too), newest first (one query)."""
    about = Q(chapter=chapter) | Q(chapter__isnull=True, manifesto_id=chapter.manifesto_id)
    return list(
        Decision.objects.filter(about)
        .select_related("actor", "amendment", "paragraph__chapter")
        .order_by("-created_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class AmendmentDiffs:
    """The diffs an amendment page shows, each a safe HTML string (or empty)."""

    as_written: str
    against_today: str
    editor_version: str
    today_text: str
    paragraph_changed: bool


@lru_cache(maxsize=1024)
def _diff_html(old: str, new: str) -> str:
    # A diff depends only on its two texts, so a kept one is never stale; kept per process
    # (a few MB at most), a rewritten paragraph's 25 ms diff is paid once, not on every view.
    return diff_html(old, new)


def amendment_diffs(amendment: Amendment) -> AmendmentDiffs:
    """The change as its author wrote it, against today's text when the paragraph has changed
    since, and the editor's wording when accepted with changes."""
    paragraph = amendment.paragraph
    today = "" if paragraph.is_deleted else paragraph.text
    as_written = _diff_html(amendment.written_base_text, amendment.written_text)
    changed = amendment.kind != Amendment.Kind.INSERT and (
        paragraph.is_deleted or amendment.written_base_text != paragraph.text
    )
    against_today = ""
    if changed and amendment.status == Amendment.Status.PENDING:
        against_today = _diff_html(paragraph.text, amendment.proposed_text)
    editor_version = ""
    if amendment.editor_text:
        editor_version = _diff_html(amendment.base_text, amendment.editor_text)
    return AmendmentDiffs(as_written, against_today, editor_version, today, changed)


@dataclass(frozen=True)
class ConflictUpdate:
    """What the author's update page shows beside the box for an amendment in conflict."""

    original_change: str  # the change as written (safe HTML): written_base_text → written_text
    starting_text: str  # what the box starts from
    from_original: bool  # the box holds the original wording, not today's text
    reapplied: bool  # part of the change still fits today's text and is in the box


def conflict_update(amendment: Amendment, *, from_original: bool) -> ConflictUpdate:
    """The update page of an amendment in conflict: its change as written, and a box that
    starts from today's text with what still fits put back in (or, asked for, from the
    original wording), so that nothing the author wanted is lost."""
    paragraph = amendment.paragraph
    original_change = _diff_html(amendment.written_base_text, amendment.written_text)
    reapplied = False
    if amendment.kind == Amendment.Kind.DELETE:
        starting_text, from_original = paragraph.text, False
    elif from_original or paragraph.is_deleted:
        starting_text, from_original = amendment.written_text, True
    elif amendment.kind == Amendment.Kind.INSERT:
        starting_text = amendment.proposed_text
    else:
        starting_text = reapply_where_possible(
            amendment.base_text, amendment.proposed_text, paragraph.text
        )
        reapplied = starting_text != paragraph.text
    return ConflictUpdate(original_change, starting_text.strip(), from_original, reapplied)


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


@dataclass(frozen=True)
class NoteLoss:
    """A note that accepting an amendment would leave without any reference in the text."""

    number: int
    references: int  # how many references to it the amendment removes: all that are left

    @property
    def warning(self) -> str:
        if self.references == 1:
            return f"Note {self.number} will lose its only reference in the text."
        return f"Note {self.number} will lose its last {self.references} references in the text."


def notes_losing_references(amendments: Sequence[Amendment]) -> dict[int, list[NoteLoss]]:
    """The notes each pending deletion or replacement would leave without a reference, by
    amendment id, for the decision panel and the review queue (no query unless one of them
    removes a footnote marker; then one, whatever their number)."""
    removing = []
    for amendment in amendments:
        if (
            amendment.status != Amendment.Status.PENDING
            or amendment.kind == Amendment.Kind.INSERT
            or amendment.paragraph.kind == Paragraph.Kind.FOOTNOTE
        ):
            continue
        new = "" if amendment.kind == Amendment.Kind.DELETE else amendment.proposed_text
        # Without the chapter's notes, any marker-like digits: a superset of its references.
        dropped = {number for number, _ in references_lost(amendment.base_text, new, {})}
        if dropped:
            removing.append((amendment, new, dropped))
    if not removing:
        return {}
    mentions = Q()
    for number in {number for _, _, dropped in removing for number in dropped}:
        mentions |= Q(text__contains=str(number))
    rows = Paragraph.objects.filter(
        Q(kind=Paragraph.Kind.FOOTNOTE) | mentions,
        chapter_id__in={amendment.chapter_id for amendment, _, _ in removing},
        is_deleted=False,
    ).values_list("id", "chapter_id", "kind", "footnote_number", "text")
    notes: dict[int, set[int]] = defaultdict(set)
    texts: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, chapter_id, kind, note_number, text in rows:
        if kind == Paragraph.Kind.FOOTNOTE:
            if note_number is not None:
                notes[chapter_id].add(note_number)
        else:
            texts[chapter_id].append((pk, text))
    losses: dict[int, list[NoteLoss]] = {}
    for amendment, new, _ in removing:
        known = notes[amendment.chapter_id]
        elsewhere = Counter(
            number
            for pk, text in texts[amendment.chapter_id]
            if pk != amendment.paragraph_id
            for number in ref_numbers(text, known)
        )
        lost = references_lost(amendment.base_text, new, elsewhere, known)
        if lost:
            losses[amendment.pk] = [NoteLoss(number, count) for number, count in lost]
    return losses


@dataclass(frozen=True)
class DuplicateCheck:
    """What marking ``amendment`` as a duplicate of the amendment an editor named would do:
    the original it would point to, where that is, what to be careful of, or why it cannot."""

    amendment: Amendment
    named: Amendment | None = None
    original: Amendment | None = None
    original_number: str | None = None
    amendment_number: str | None = None
    warnings: list[str] = field(default_factory=list)
    refusal: str = ""
    changes: tuple[str, str] = ("", "")  # both changes as written (safe HTML), to compare


_NOT_PENDING: dict[str, str] = {
    Amendment.Status.ACCEPTED: "was already accepted: its change is in the text",
    Amendment.Status.ACCEPTED_WITH_CHANGES: "was already accepted with changes: the editors' "
    "wording is in the text",
    Amendment.Status.REJECTED: "was rejected: as its duplicate, this one is closed with it, "
    "without a decision of its own",
    Amendment.Status.WITHDRAWN: "was withdrawn by its author: it will never be decided",
    Amendment.Status.CONFLICT: "is in conflict: its author has to update it before it can be "
    "decided",
    Amendment.Status.OBSOLETE: "is obsolete: its change no longer applies to the text",
    Amendment.Status.FALLEN: "has fallen: a rival was carried at the congress",
}


def duplicate_original(*, amendment: Amendment, named: Amendment) -> Amendment:
    """The amendment ``amendment`` becomes a duplicate of when an editor names ``named``:
    ``named`` itself, or the original at the end of its duplicate chain. Refuses itself,
    another chapter's amendment, and a chain that leads back to ``amendment``."""
    if named.pk == amendment.pk:
        raise ValidationError("An amendment cannot duplicate itself.", code="self")
    if named.chapter_id != amendment.chapter_id:
        raise ValidationError(
            f"#{named.pk} belongs to another chapter; a duplicate must be of an amendment in "
            "the same chapter.",
            code="chapter",
        )
    original, seen = named, {named.pk}
    while original.status == Amendment.Status.DUPLICATE and original.duplicate_of_id:
        if original.duplicate_of_id in seen:
            break  # a loop left by hand in the database: stop where it closes
        seen.add(original.duplicate_of_id)
        original = Amendment.objects.select_related("chapter", "paragraph").get(
            pk=original.duplicate_of_id
        )
    if original.pk == amendment.pk:
        raise ValidationError(
            f"#{named.pk} is itself marked as a duplicate of #{amendment.pk}: #{amendment.pk} is "
            "the original. Undo that marking first if the roles should be the other way round.",
            code="loop",
        )
    return original


def duplicate_check(*, amendment: Amendment, number: int) -> DuplicateCheck:
    """The confirmation an editor sees before ``amendment`` is marked a duplicate of #number
    (three queries, and one more per link of a duplicate chain)."""
    named = (
        Amendment.objects.select_related("chapter", "paragraph", "author").filter(pk=number).first()
    )
    if named is None:
        return DuplicateCheck(amendment, refusal=f"There is no amendment #{number}.")
    try:
        original = duplicate_original(amendment=amendment, named=named)
    except ValidationError as error:
        return DuplicateCheck(amendment, named, refusal=" ".join(error.messages))
    numbers = body_numbers([amendment.chapter])
    here, there = numbers.get(amendment.paragraph_id), numbers.get(original.paragraph_id)
    warnings = []
    if original.pk != named.pk:
        warnings.append(
            f"#{named.pk} is itself a duplicate of #{original.pk}: #{amendment.pk} will be "
            f"marked as a duplicate of #{original.pk}, the original."
        )
    if original.paragraph_id != amendment.paragraph_id:
        where = f"¶ {there}" if there else original.cited_as or "another paragraph"
        warnings.append(
            f"#{original.pk} is on another paragraph ({where}), not on "
            f"{f'¶ {here}' if here else 'the same one'} like #{amendment.pk}: check that they "
            "really say the same."
        )
    if original.status in _NOT_PENDING:
        warnings.append(f"#{original.pk} {_NOT_PENDING[original.status]}.")
    changes = (
        _diff_html(original.written_base_text, original.written_text),
        _diff_html(amendment.written_base_text, amendment.written_text),
    )
    return DuplicateCheck(amendment, named, original, there, here, warnings, "", changes)


def target_path(notification: Notification) -> str:
    """Where a notice leads: the comment in its thread, the amendment, or the chapter."""
    comment = notification.comment
    if comment is not None:
        on = comment.amendment if comment.amendment_id else comment.paragraph
        assert on is not None  # a comment is on an amendment or on a paragraph
        return f"{on.get_absolute_url()}#comment-{comment.pk}"
    if notification.amendment is not None:
        return notification.amendment.get_absolute_url()
    return notification.chapter.get_absolute_url()


def with_details(notifications: QuerySet[Notification]) -> QuerySet[Notification]:
    """Everything a notice's page line or e-mail shows, in the same query."""
    return notifications.select_related(
        "recipient",
        "actor",
        "chapter",
        "amendment__chapter",
        "amendment__paragraph__chapter",
        "amendment__author",
        "amendment__decided_by",
        "amendment__conflict_with",
        "amendment__cited_reference",
        "comment__amendment",
        "comment__paragraph__chapter",
    )


NOTICES_PER_PAGE = 25


def notifications_page(user: User, page_number: str | int | None) -> Page[Notification]:
    """A member's notices, newest first, a page at a time, with what each line shows."""
    notices = with_details(Notification.objects.filter(recipient=user)).order_by(
        "-created_at", "-pk"
    )
    return Paginator(notices, NOTICES_PER_PAGE).get_page(page_number)


def unread_notices(user: User) -> int:
    """How many of ``user``'s notices are unread (the site header shows it)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def followed_by(user: User) -> list[Follow]:
    """What ``user`` follows, chapters first, then paragraphs, then amendments."""
    return list(
        Follow.objects.filter(user=user, active=True)
        .select_related("chapter", "paragraph__chapter", "amendment__chapter")
        .order_by("chapter_id", "paragraph_id", "amendment_id")
    )


def is_following(user: User | AnonymousUser, **thing: object) -> bool:
    """Whether ``user`` follows the chapter, paragraph or amendment given (one query)."""
    if not user.is_authenticated:
        return False
    return Follow.objects.filter(user=user, active=True, **thing).exists()
