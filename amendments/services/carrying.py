"""Carrying pending amendments forward after their paragraph changed.

Each pending amendment on a changed paragraph is rebased onto the new text; one that no
longer fits goes into conflict (its author can update it) or becomes obsolete (nothing is
left for it to do), with what collided, and its author is told. The callers are the services
that change a paragraph (deciding, paragraph edits and reverts) and those that make a decided
amendment pending again; they hold the row locks.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from accounts.models import User
from amendments.models import Amendment, Decision
from amendments.rules import change_spans_of, diff_ops_of, word_delta_of
from amendments.services.editorial import decision_row, log_decision, save_amendment
from amendments.services.notifications import notify_decided, notify_set_aside
from amendments.services.recommending import carry_recommendations
from common import clock
from common.rows import update_rows
from manifesto.models import Chapter, Paragraph
from manifesto.selectors import latest_version
from textcore.rebase import AMBIGUOUS, Collision, rebase, rebase_apart

# What carrying forward changes in an amendment it carries, and in one it sets aside.
_CARRIED_FIELDS = (
    "base_version",
    "base_text",
    "proposed_text",
    "word_delta",
    "change_spans",
    "diff_ops",
    "carried_forward_at",
    "carried_forward_by",
    "updated_at",
)
_SET_ASIDE_FIELDS = (
    "status",
    "conflict_reason",
    "conflict_collisions",
    "conflict_with",
    "updated_at",
)
_ANCHOR_FIELDS = ("base_version", "updated_at")


@dataclass
class _Writes:
    """What carrying forward writes, gathered and written at the end: the amendments' rows
    (``update_rows``: one UPDATE for each set of fields changed, naming only those, so that
    the search vector's trigger runs only where the text changed), their history rows and
    the decision lines (one INSERT each), and the notices of those set aside (one INSERT …
    SELECT for each kind), instead of three or four statements per amendment."""

    changed: dict[tuple[str, ...], list[Amendment]] = field(default_factory=dict)
    amendments: list[Amendment] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    told: dict[tuple[bool, User | None], list[Amendment]] = field(default_factory=dict)

    def save(self, amendment: Amendment, reason: str, fields: tuple[str, ...]) -> None:
        """``save_amendment`` (no person acted) of ``fields``, written at ``flush``."""
        amendment.updated_at = clock.now()
        amendment._change_reason = reason
        self.changed.setdefault(fields, []).append(amendment)
        self.amendments.append(amendment)

    def log(self, **line: Any) -> None:
        """``log_decision``, written at ``flush``."""
        self.decisions.append(decision_row(actor=None, **line))

    def tell(self, amendment: Amendment, *, conflict: bool, actor: User | None) -> None:
        """Tell its followers it was put in conflict or made obsolete, at ``flush``."""
        self.told.setdefault((conflict, actor), []).append(amendment)

    def flush(self) -> None:
        """Write what was gathered, in the order it was gathered."""
        for fields, amendments in self.changed.items():
            update_rows(amendments, fields)
        if self.amendments:
            Amendment.history.bulk_history_create(self.amendments, update=True)
        if self.decisions:
            Decision.objects.bulk_create(self.decisions)
        for (conflict, actor), amendments in self.told.items():
            notify_set_aside(amendments=amendments, actor=actor, conflict=conflict)
        self.changed, self.amendments, self.decisions, self.told = {}, [], [], {}


def carry_forward(*, paragraph: Paragraph, cause: Amendment | None, version: Any = None) -> None:
    """After ``paragraph`` changed, rebase every other pending amendment on it onto the new
    text (``version``, its newest version, read if not given); what no longer fits goes into
    conflict, with what collided, and its author is told.

    The caller holds the locks: ``lock_rows(paragraphs=…, pending_on_paragraphs=True)``."""
    version = version or latest_version(paragraph)
    others = Amendment.objects.filter(paragraph=paragraph, status__in=Amendment.CARRIED_STATUSES)
    if cause is not None:
        others = others.exclude(pk=cause.pk)
    by = f"amendment #{cause.pk}" if cause else "an editor"
    writes = _Writes()
    for other in others.order_by("pk"):
        _carry(other, paragraph, version, cause, by, writes)
    writes.flush()
    # The committee's "accept as modified" texts on this paragraph move on the same way.
    carry_recommendations(paragraph=paragraph, version=version, cause=cause)


def _carry(
    other: Amendment,
    paragraph: Paragraph,
    version: Any,
    cause: Amendment | None,
    by: str,
    writes: _Writes,
) -> None:
    """Carry one pending amendment onto the paragraph's new text, or set it aside."""
    if other.kind == Amendment.Kind.INSERT:
        if paragraph.is_deleted:
            _put_in_conflict(
                other,
                paragraph,
                cause,
                f"The paragraph this addition was to follow was deleted by {by}.",
                writes=writes,
            )
        else:
            # The anchor changed, not the text to insert: only the anchor version moves on.
            other.base_version = version
            writes.save(other, f"anchor changed by {by}", _ANCHOR_FIELDS)
        return
    if paragraph.is_deleted:
        if other.kind == Amendment.Kind.DELETE:
            _make_obsolete(
                other,
                paragraph,
                cause,
                f"The paragraph was already deleted by {by}.",
                writes=writes,
            )
        else:
            _put_in_conflict(
                other,
                paragraph,
                cause,
                f"The paragraph was deleted by {by}, so this change has nothing to apply to.",
                writes=writes,
            )
        return
    if other.kind == Amendment.Kind.DELETE:
        _put_in_conflict(
            other,
            paragraph,
            cause,
            f"The paragraph was changed by {by} after this deletion was proposed, so "
            "deleting it now would remove words its author has not seen.",
            writes=writes,
        )
        return
    _rebase_replacement(other, paragraph, version, cause, by, writes)


def _rebase_replacement(
    other: Amendment,
    paragraph: Paragraph,
    version: Any,
    cause: Amendment | None,
    by: str,
    writes: _Writes,
) -> None:
    if other.proposed_text == paragraph.text:
        _make_obsolete(
            other,
            paragraph,
            cause,
            f"The text already reads as it proposes, after {by}.",
            writes=writes,
        )
        return
    # Its stored spans lying apart from the accepted change settle it without the search
    # (and give its new spans); otherwise the full rebase decides.
    apart = rebase_apart(other.base_text, other.proposed_text, paragraph.text, _stored_spans(other))
    if apart is not None:
        text, spans = apart.text, [[low, high] for low, high in apart.spans]
    else:
        outcome = rebase(other.base_text, other.proposed_text, paragraph.text)
        if not outcome.clean or outcome.text is None:
            _put_in_conflict(
                other,
                paragraph,
                cause,
                _collided(outcome.collisions, by),
                collisions=[asdict(c) for c in outcome.collisions],
                writes=writes,
            )
            return
        text, spans = outcome.text, None
    if text == paragraph.text:
        _make_obsolete(
            other,
            paragraph,
            cause,
            f"Its change is already in the text, made by {by}.",
            writes=writes,
        )
        return
    _carried(other, paragraph, version, cause, by, writes, text=text, spans=spans)


def _carried(
    other: Amendment,
    paragraph: Paragraph,
    version: Any,
    cause: Amendment | None,
    by: str,
    writes: _Writes,
    *,
    text: str,
    spans: list[list[int]] | None,
) -> None:
    """Write an amendment carried onto the new text as ``text`` (with its ``spans``, if the
    rebase gave them), with its word change and stored diff, and log it."""
    other.base_version = version
    other.base_text = paragraph.text
    other.proposed_text = text
    other.word_delta = word_delta_of(
        kind=other.kind, base_text=other.base_text, proposed_text=other.proposed_text
    )
    other.change_spans = spans or change_spans_of(
        kind=other.kind, base_text=other.base_text, proposed_text=other.proposed_text
    )
    other.diff_ops = diff_ops_of(base_text=other.base_text, proposed_text=other.proposed_text)
    other.carried_forward_at = clock.now()
    other.carried_forward_by = cause
    writes.save(other, f"carried forward after {by}", _CARRIED_FIELDS)
    writes.log(
        chapter=paragraph.chapter,
        action=Decision.Action.CARRIED_FORWARD,
        amendment=other,
        paragraph=paragraph,
        reason=f"Rebased onto the text produced by {by}; the author's change applies unchanged.",
    )


def _stored_spans(amendment: Amendment) -> list[tuple[int, int]]:
    """The change spans stored with a replacement (none if it has none)."""
    return [(low, high) for low, high in amendment.change_spans or []]


def _collided(collisions: list[Collision], by: str) -> str:
    """Why a rebase's collisions put an amendment in conflict."""
    if all(collision.kind == AMBIGUOUS for collision in collisions):
        where = (
            f"The paragraph was changed by {by} beside repeated words where this amendment "
            "also changes it, and that change can be read in more than one way: not every "
            "way leaves this amendment's change where its author put it"
        )
    else:
        where = f"The paragraph was changed by {by} in the same place this amendment changes"
    return f"{where}, so it can no longer be applied as written."


def _set_aside(
    other: Amendment,
    paragraph: Paragraph,
    *,
    cause: Amendment | None,
    status: str,
    reason: str,
    writes: _Writes,
    collisions: list[dict[str, str]] | None = None,
) -> None:
    """Take a pending amendment out of the running after its paragraph changed: in conflict
    (its author can update it) or obsolete (nothing left to do); log it, tell the author."""
    conflict = status == Amendment.Status.CONFLICT
    other.status = status
    other.conflict_reason = reason
    other.conflict_collisions = collisions or []
    other.conflict_with = cause
    writes.save(other, "put in conflict" if conflict else "made obsolete", _SET_ASIDE_FIELDS)
    writes.log(
        chapter=paragraph.chapter,
        action=Decision.Action.CONFLICT if conflict else Decision.Action.OBSOLETE,
        amendment=other,
        paragraph=paragraph,
        reason=reason,
    )
    writes.tell(other, conflict=conflict, actor=cause.decided_by if cause is not None else None)


def _put_in_conflict(
    other: Amendment,
    paragraph: Paragraph,
    cause: Amendment | None,
    reason: str,
    *,
    writes: _Writes,
    collisions: list[dict[str, str]] | None = None,
) -> None:
    _set_aside(
        other,
        paragraph,
        cause=cause,
        status=Amendment.Status.CONFLICT,
        reason=reason,
        writes=writes,
        collisions=collisions,
    )


def _make_obsolete(
    other: Amendment, paragraph: Paragraph, cause: Amendment | None, reason: str, *, writes: _Writes
) -> None:
    _set_aside(
        other,
        paragraph,
        cause=cause,
        status=Amendment.Status.OBSOLETE,
        reason=reason,
        writes=writes,
    )


def back_to_pending(
    locked: Amendment,
    chapter: Chapter,
    paragraph: Paragraph,
    *,
    actor: User,
    action: str,
    reason: str,
    label: str,
) -> Amendment:
    """A decided amendment becomes pending again: logged, then carried onto today's text (or
    put in conflict) if the paragraph changed while it was out of the running. The caller
    holds the paragraph's lock and the amendment's (lock_rows)."""
    locked.status = Amendment.Status.PENDING
    locked.decided_by = None
    locked.decided_at = None
    locked.duplicate_of = None
    locked.decision_reason = ""
    locked.conflict_reason = ""
    save_amendment(locked, label, actor)
    log_decision(chapter=chapter, action=action, actor=actor, amendment=locked, reason=reason)
    notify_decided(amendment=locked, actor=actor, description="Pending again")
    paragraph.chapter = chapter
    if locked.kind != Amendment.Kind.INSERT and (
        paragraph.is_deleted or locked.base_version_id != latest_version(paragraph).history_id
    ):
        # Only this amendment is carried: pass the others as "cause" exclusions would be
        # wrong, so rebase it alone.
        _carry_one(locked, paragraph)
    # Its recommendation's modified text waited too (only open amendments' are carried).
    carry_recommendations(paragraph=paragraph, version=latest_version(paragraph), cause=None)
    locked.refresh_from_db()
    return locked


def _carry_one(amendment: Amendment, paragraph: Paragraph) -> None:
    version = latest_version(paragraph)
    by = "later changes to the paragraph"
    writes = _Writes()
    if paragraph.is_deleted:
        _put_in_conflict(
            amendment, paragraph, None, "The paragraph has been deleted since.", writes=writes
        )
    elif amendment.kind == Amendment.Kind.DELETE:
        _put_in_conflict(
            amendment,
            paragraph,
            None,
            "The paragraph has changed since this deletion was proposed, so deleting it now "
            "would remove words its author has not seen.",
            writes=writes,
        )
    else:
        _rebase_replacement(amendment, paragraph, version, None, by, writes)
    writes.flush()
