"""What accepting amendments would do, worked out before anything is written: the paragraphs'
new texts, the net word change against the limits, and what becomes of the other pending
amendments on those paragraphs (carried forward, in conflict, obsolete).

A read: it follows the acceptance service (services/deciding.py ``amendments_accept``, then
services/carrying.py ``carry_forward``) step by step on copies of the rows held in memory,
with the same merge (``textcore.rebase.rebase``), and writes nothing. The confirmation it
leads to carries what the editor saw (``Seen``: each paragraph's version and each accepted
amendment's wording), and the service refuses it, under its locks, if either changed.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from accounts.models import User
from amendments.ledger import chapter_words, manifesto_words
from amendments.models import Amendment
from manifesto.counting import counts_against_limit
from manifesto.models import Chapter, Paragraph
from textcore.diff import diff_html
from textcore.rebase import rebase
from textcore.words import count_words

CARRIED = "carried"
CONFLICT = "conflict"
OBSOLETE = "obsolete"
ANCHOR = "anchor"

FATE_LABELS = {
    CARRIED: "carried forward: its change still applies to the new text",
    CONFLICT: "goes into conflict: its author must update it",
    OBSOLETE: "becomes obsolete: nothing is left for it to do",
    ANCHOR: "stays as it is: it adds a paragraph after this one",
}


def wording_digest(text: str) -> str:
    """A short fingerprint of an amendment's wording, carried by a preview's confirmation."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


@dataclass(frozen=True)
class Seen:
    """What a preview showed: the version of each paragraph (paragraph id → history id) and
    each accepted amendment's wording (amendment id → ``wording_digest``)."""

    versions: dict[int, int] = field(default_factory=dict)
    wordings: dict[int, str] = field(default_factory=dict)

    def encode(self) -> str:
        """The hidden field's value: "p12:345 a7:…" (what ``decode`` reads back)."""
        parts = [f"p{pk}:{version}" for pk, version in sorted(self.versions.items())]
        parts += [f"a{pk}:{digest}" for pk, digest in sorted(self.wordings.items())]
        return " ".join(parts)

    @classmethod
    def decode(cls, value: str) -> Seen | None:
        """``encode``'s value back, or None if it was altered into something else."""
        versions: dict[int, int] = {}
        wordings: dict[int, str] = {}
        for part in value.split():
            kind, _, rest = part.partition(":")
            pk = kind[1:]
            if not (pk.isascii() and pk.isdecimal() and 0 < len(pk) <= 18):
                return None
            if kind[:1] == "p" and rest.isascii() and rest.isdecimal() and 0 < len(rest) <= 18:
                versions[int(pk)] = int(rest)
            elif kind[:1] == "a" and len(rest) == 20 and all(c in "0123456789abcdef" for c in rest):
                wordings[int(pk)] = rest
            else:
                return None
        return cls(versions, wordings)


@dataclass
class _Draft:
    """An amendment's state during the dry run (the row itself is never changed)."""

    amendment: Amendment
    status: str
    base_version: object  # a history id, or a version only this dry run wrote
    base_text: str
    proposed_text: str


@dataclass
class _Text:
    """A paragraph's state during the dry run."""

    paragraph: Paragraph
    version: object  # its newest history id, or a version only this dry run wrote
    text: str
    is_deleted: bool
    seen_version: int  # its newest history id, as the preview showed it


@dataclass(frozen=True)
class ParagraphChange:
    """One paragraph's text before and after, as a word diff (safe HTML)."""

    paragraph: Paragraph
    diff: str
    deleted: bool
    inserted: bool
    accepted: list[int]


@dataclass(frozen=True)
class OtherFate:
    """What the acceptance does to another pending amendment on a changed paragraph."""

    amendment: Amendment
    fate: str
    diff: str = ""  # for one carried forward: its change against the new text (safe HTML)

    @property
    def label(self) -> str:
        return FATE_LABELS[self.fate]


@dataclass
class AcceptancePreview:
    """What accepting ``amendments`` together would do, and whether it would be refused."""

    chapter: Chapter | None
    amendments: list[Amendment]
    changes: list[ParagraphChange] = field(default_factory=list)
    others: list[OtherFate] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    words_now: int = 0
    word_change: int = 0
    limit: int | None = None
    manifesto_words_now: int = 0
    manifesto_limit: int | None = None
    seen: Seen = field(default_factory=Seen)

    @property
    def words_after(self) -> int:
        return self.words_now + self.word_change

    @property
    def over_by(self) -> int:
        return 0 if self.limit is None else max(0, self.words_after - self.limit)

    @property
    def guard_refuses(self) -> bool:
        """The word-count guard's judgement (services/guard.py): only a change that adds
        words is refused, and only past a limit."""
        if self.word_change <= 0:
            return False
        if self.limit is not None and self.words_after > self.limit:
            return True
        manifesto_after = self.manifesto_words_now + self.word_change
        return self.manifesto_limit is not None and manifesto_after > self.manifesto_limit

    @property
    def possible(self) -> bool:
        return not self.refusals and not self.guard_refuses


def acceptance_preview(amendments: list[Amendment], *, editor: User) -> AcceptancePreview:
    """Dry-run the acceptance of ``amendments`` in the order the service takes them (by
    number); a fixed number of queries, whatever the number of amendments."""
    amendments = sorted(amendments, key=lambda a: a.pk)
    chapters = {a.chapter_id for a in amendments}
    if len(chapters) != 1:
        refusal = "Amendments accepted together must belong to one chapter."
        return AcceptancePreview(None, amendments, refusals=[refusal])
    chapter = Chapter.objects.select_related("manifesto").get(pk=chapters.pop())
    texts = _texts({a.paragraph_id for a in amendments})
    drafts = _drafts(texts)
    for amendment in amendments:
        drafts.setdefault(amendment.pk, _draft(amendment))
    preview = AcceptancePreview(chapter, amendments)
    preview.seen = Seen(
        {pk: text.seen_version for pk, text in texts.items()},
        {a.pk: wording_digest(a.proposed_text) for a in amendments},
    )
    before = {pk: (text.text, text.is_deleted) for pk, text in texts.items()}
    inserted: list[tuple[Amendment, str]] = []
    fates: dict[int, OtherFate] = {}
    for amendment in amendments:
        refusal = _refusal(drafts[amendment.pk], texts[amendment.paragraph_id], editor)
        if refusal:
            preview.refusals.append(refusal)
            continue
        _accept(drafts[amendment.pk], texts, drafts, fates, inserted)
    _fill_words(preview, chapter, texts, before, inserted)
    accepted = {a.pk for a in amendments}
    preview.changes = _changes(texts, before, inserted, amendments)
    preview.others = [fate for pk, fate in sorted(fates.items()) if pk not in accepted]
    return preview


def _texts(paragraph_ids: set[int]) -> dict[int, _Text]:
    paragraphs = Paragraph.objects.filter(pk__in=paragraph_ids).select_related("chapter")
    latest: dict[int, Any] = {}
    versions = Paragraph.history.filter(id__in=paragraph_ids).order_by(
        "id", "-history_date", "-history_id"
    )
    for version in versions.only("history_id", "id", "history_date"):
        latest.setdefault(version.id, version)
    return {
        p.pk: _Text(p, latest[p.pk].history_id, p.text, p.is_deleted, latest[p.pk].history_id)
        for p in paragraphs
    }


def _draft(amendment: Amendment) -> _Draft:
    return _Draft(
        amendment,
        amendment.status,
        amendment.base_version_id,
        amendment.base_text,
        amendment.proposed_text,
    )


def _drafts(texts: dict[int, _Text]) -> dict[int, _Draft]:
    """Every amendment an acceptance on these paragraphs can carry forward (those the service
    locks with ``pending_on_paragraphs``), in memory."""
    rows = Amendment.objects.filter(
        paragraph_id__in=list(texts), status__in=Amendment.CARRIED_STATUSES
    ).select_related("author")
    return {row.pk: _draft(row) for row in rows.order_by("pk")}


def _refusal(draft: _Draft, text: _Text, editor: User) -> str:
    """Why the service would refuse this amendment at its turn, if it would (deciding.py
    ``_refuse_deciding`` and ``_refuse_stale``)."""
    amendment = draft.amendment
    if amendment.author_id == editor.pk:
        return f"#{amendment.pk} is your own: another editor must decide it."
    if draft.status != amendment.status:
        return (
            f"#{amendment.pk} would be put in conflict or made obsolete by an amendment "
            "accepted before it here: accept them separately, or update it first."
        )
    if draft.status != Amendment.Status.PENDING:
        return (
            f"#{amendment.pk} is {draft.amendment.get_status_display().lower()}, or would no "
            "longer be pending by its turn: it cannot be accepted."
        )
    if amendment.kind != Amendment.Kind.INSERT and draft.base_version != text.version:
        return (
            f"#{amendment.pk} was written against an older version of the paragraph and has not "
            "been carried forward."
        )
    if text.is_deleted:
        return f"The paragraph that #{amendment.pk} changes has been deleted."
    return ""


def _accept(
    draft: _Draft,
    texts: dict[int, _Text],
    drafts: dict[int, _Draft],
    fates: dict[int, OtherFate],
    inserted: list[tuple[Amendment, str]],
) -> None:
    amendment = draft.amendment
    text = texts[amendment.paragraph_id]
    draft.status = Amendment.Status.ACCEPTED
    if amendment.kind == Amendment.Kind.INSERT:
        inserted.append((amendment, draft.proposed_text))
        return
    if amendment.kind == Amendment.Kind.REPLACE:
        text.text = draft.proposed_text
    else:
        text.is_deleted = True
    text.version = object()  # the version the acceptance would write: equal only to itself
    for other in drafts.values():
        if other is draft or other.amendment.paragraph_id != text.paragraph.pk:
            continue
        if other.status not in Amendment.CARRIED_STATUSES:
            continue
        fate = _carry(other, text, amendment)
        fates[other.amendment.pk] = fate


def _carry(other: _Draft, text: _Text, cause: Amendment) -> OtherFate:
    """carrying.py ``carry_forward`` for one amendment, on the draft."""
    kind = other.amendment.kind
    if kind == Amendment.Kind.INSERT:
        if text.is_deleted:
            return _set_aside(other, CONFLICT)
        other.base_version = text.version
        return OtherFate(other.amendment, ANCHOR)
    if text.is_deleted:
        return _set_aside(other, OBSOLETE if kind == Amendment.Kind.DELETE else CONFLICT)
    if kind == Amendment.Kind.DELETE:
        return _set_aside(other, CONFLICT)
    if other.proposed_text == text.text:
        return _set_aside(other, OBSOLETE)
    outcome = rebase(other.base_text, other.proposed_text, text.text)
    if not outcome.clean or outcome.text is None:
        # The service words the reason by the collisions (ambiguous or overlapping); the
        # fate is the same either way.
        return _set_aside(other, CONFLICT)
    if outcome.text == text.text:
        return _set_aside(other, OBSOLETE)
    other.base_version = text.version
    other.base_text = text.text
    other.proposed_text = outcome.text
    return OtherFate(other.amendment, CARRIED, diff_html(text.text, outcome.text))


def _set_aside(other: _Draft, fate: str) -> OtherFate:
    other.status = Amendment.Status.CONFLICT if fate == CONFLICT else Amendment.Status.OBSOLETE
    return OtherFate(other.amendment, fate)


def _counted(text: str, kind: str, count_footnotes: bool) -> int:
    return count_words(text) if counts_against_limit(kind, count_footnotes) else 0


def _fill_words(
    preview: AcceptancePreview,
    chapter: Chapter,
    texts: dict[int, _Text],
    before: dict[int, tuple[str, bool]],
    inserted: list[tuple[Amendment, str]],
) -> None:
    """The chapter's and the Manifesto's words now, and the net change the guard would judge."""
    manifesto = chapter.manifesto
    footnotes = manifesto.count_footnotes
    change = 0
    for pk, text in texts.items():
        old, was_deleted = before[pk]
        kind = text.paragraph.kind
        change -= 0 if was_deleted else _counted(old, kind, footnotes)
        change += 0 if text.is_deleted else _counted(text.text, kind, footnotes)
    for amendment, words in inserted:
        change += _counted(words, amendment.insert_kind or Paragraph.Kind.BODY, footnotes)
    preview.word_change = change
    preview.words_now = chapter_words(chapter, footnotes)
    preview.limit = chapter.effective_word_limit
    preview.manifesto_limit = manifesto.word_limit
    if manifesto.word_limit is not None:
        preview.manifesto_words_now = manifesto_words(manifesto)


def _changes(
    texts: dict[int, _Text],
    before: dict[int, tuple[str, bool]],
    inserted: list[tuple[Amendment, str]],
    amendments: list[Amendment],
) -> list[ParagraphChange]:
    by_paragraph: dict[int, list[int]] = defaultdict(list)
    for amendment in amendments:
        if amendment.kind != Amendment.Kind.INSERT:
            by_paragraph[amendment.paragraph_id].append(amendment.pk)
    changes = []
    for pk, text in sorted(texts.items(), key=lambda item: item[1].paragraph.position):
        old, was_deleted = before[pk]
        if (text.text, text.is_deleted) == (old, was_deleted):
            continue
        new = "" if text.is_deleted else text.text
        changes.append(
            ParagraphChange(
                text.paragraph, diff_html(old, new), text.is_deleted, False, by_paragraph[pk]
            )
        )
    for amendment, words in inserted:
        changes.append(
            ParagraphChange(amendment.paragraph, diff_html("", words), False, True, [amendment.pk])
        )
    return changes
