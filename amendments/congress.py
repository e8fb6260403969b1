"""What the congress pages read: the items still to vote on in text order, the record so far,
the item under vote with the running text of its paragraph (the projector), and the protocol.
Each in a fixed number of queries. The votes are written by amendments/services/voting.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch

from amendments.citations import amendment_citation
from amendments.models import Amendment, CongressFloor, CongressVote
from common import clock
from manifesto.models import Chapter, Paragraph, Phase
from manifesto.reference import paragraph_citation
from manifesto.rounds import chapter_round
from manifesto.selectors import ShownParagraph, body_numbers, shown_paragraph
from textcore.diff import diff_html
from textcore.export.protocol import ProtocolDocument, ProtocolEntry
from textcore.reference import Citation

# No congress has more delegates than this: a larger count is a typing slip.
MAX_VOTE_COUNT = 100_000
MAX_NOTE_CHARS = 1000
# How often the projector asks for the item under vote (static/js/projector.js and the
# <noscript> refresh read it from the page).
PROJECTOR_REFRESH_SECONDS = 5


def counts_in_words(
    votes_for: int | None, votes_against: int | None, abstentions: int | None
) -> str:
    """ "120 for, 30 against, 5 abstaining"."""
    return f"{votes_for} for, {votes_against} against, {abstentions} abstaining"


@dataclass(frozen=True)
class CongressItem:
    """One amendment still to vote on: where it points and its change (safe HTML)."""

    amendment: Amendment
    citation: Citation
    diff: str


@dataclass(frozen=True)
class CongressDesk:
    """The editors' congress page of one chapter."""

    chapter: Chapter
    in_congress: bool
    phase_label: str
    items: list[CongressItem]
    votes: list[CongressVote]
    now_voting_id: int | None

    @property
    def summary(self) -> str:
        """What the record holds so far, in one line."""
        return record_summary(self.votes)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def record_summary(votes: list[CongressVote]) -> str:
    """ "3 votes: 1 carried, 1 carried but not applied, 1 lost; 2 amendments fell." (reads
    the votes' prefetched ``fallen``)."""
    if not votes:
        return ""
    outcomes = [vote.outcome for vote in votes]
    counted = [
        (outcomes.count(CongressVote.Outcome.APPLIED), "carried"),
        (outcomes.count(CongressVote.Outcome.NOT_APPLIED), "carried but not applied"),
        (outcomes.count(CongressVote.Outcome.REJECTED), "lost"),
    ]
    said = ", ".join(f"{count} {what}" for count, what in counted if count)
    fell = sum(len(vote.fallen.all()) for vote in votes)
    fallen = f"; {_plural(fell, 'amendment', 'amendments')} fell" if fell else ""
    return f"{_plural(len(votes), 'vote', 'votes')}: {said}{fallen}."


@dataclass(frozen=True)
class ProjectorView:
    """What the hall sees: the item under vote, its change, the running text of its
    paragraph with its line numbers, and the last vote recorded."""

    chapter: Chapter
    item: CongressItem | None
    running: ShownParagraph | None
    last_vote: CongressVote | None


def _change_of(amendment: Amendment) -> str:
    before = "" if amendment.kind == Amendment.Kind.INSERT else amendment.base_text
    return diff_html(before, amendment.result_text)


def _item(amendment: Amendment, labels: dict[int, str], width: int) -> CongressItem:
    citation = amendment_citation(amendment, labels.get(amendment.paragraph_id), width)
    return CongressItem(amendment, citation, _change_of(amendment))


def _votes(chapter: Chapter) -> list[CongressVote]:
    fallen = Prefetch(
        "fallen",
        queryset=Amendment.objects.only("id", "title", "decision_reason").order_by("id"),
    )
    return list(
        CongressVote.objects.filter(chapter=chapter)
        .select_related("amendment__paragraph", "recorded_by")
        .prefetch_related(fallen)
        .order_by("recorded_at", "id")
    )


def congress_desk(chapter: Chapter) -> CongressDesk:
    """The pending amendments of ``chapter`` in text order, the votes so far and the item
    under vote (five queries). Reads ``chapter.manifesto``."""
    round_ = chapter_round(chapter)
    pending = (
        Amendment.objects.filter(chapter=chapter, status=Amendment.Status.PENDING)
        .select_related("paragraph", "chapter")
        .order_by("paragraph__position", "id")
    )
    labels = body_numbers([chapter])
    width = chapter.manifesto.line_width
    # A decided item is no longer under vote, whatever the floor still names.
    floor = CongressFloor.objects.filter(
        chapter=chapter, amendment__status=Amendment.Status.PENDING
    ).values_list("amendment_id", flat=True)
    return CongressDesk(
        chapter=chapter,
        in_congress=round_.phase == Phase.CONGRESS,
        phase_label=round_.phase_label,
        items=[_item(amendment, labels, width) for amendment in pending],
        votes=_votes(chapter),
        now_voting_id=next(iter(floor), None),
    )


def projector_view(chapter: Chapter) -> ProjectorView:
    """The item under vote in ``chapter`` (None when none is chosen, or it was decided since)
    and the last vote (four queries at most). Reads ``chapter.manifesto``."""
    floor = (
        CongressFloor.objects.filter(chapter=chapter, amendment__status=Amendment.Status.PENDING)
        .select_related("amendment__paragraph", "amendment__chapter")
        .first()
    )
    last_vote = (
        CongressVote.objects.filter(chapter=chapter)
        .select_related("amendment")
        .order_by("-recorded_at", "-id")
        .first()
    )
    if floor is None or floor.amendment is None:
        return ProjectorView(chapter, None, None, last_vote)
    amendment = floor.amendment
    amendment.chapter = chapter
    paragraph = amendment.paragraph
    paragraph.chapter = chapter
    labels = body_numbers([chapter])
    width = chapter.manifesto.line_width
    running = (
        None
        if paragraph.is_deleted
        else shown_paragraph(paragraph, labels.get(paragraph.pk), width)
    )
    return ProjectorView(chapter, _item(amendment, labels, width), running, last_vote)


def _place(paragraph: Paragraph, labels: dict[int, str]) -> str:
    return str(paragraph_citation(paragraph, labels.get(paragraph.pk)))


def protocol(chapter: Chapter, *, at: datetime | None = None) -> ProtocolDocument:
    """The record of ``chapter``'s congress: each vote in the order it was taken, its result,
    counts and outcome, what fell with it, and the paragraph's text before and after (three
    queries)."""
    labels = body_numbers([chapter])
    entries = [
        ProtocolEntry(
            number=vote.amendment_id,
            title=vote.amendment.title,
            kind=vote.amendment.get_kind_display(),
            place=_place(vote.amendment.paragraph, labels),
            result=vote.get_result_display(),
            counts=vote.counts,
            outcome=vote.get_outcome_display(),
            refusal=vote.refusal,
            note=vote.note,
            recorded_at=vote.recorded_at,
            text_before=vote.text_before,
            text_after=vote.text_after,
            change_html=diff_html(vote.text_before, vote.text_after),
            fallen=[f"#{other.pk} {other.title}" for other in vote.fallen.all()],
        )
        for vote in _votes(chapter)
    ]
    return ProtocolDocument(
        title=f"Protocol of the congress: {chapter.title}",
        chapter_title=chapter.title,
        generated_at=at or clock.now(),
        entries=entries,
    )
