"""Recording the congress's votes, and what the projector shows.

A vote is recorded only while the chapter is in its congress phase. "Carried" applies the
amendment through the acceptance service (deciding.py ``accept_locked``: permissions, the guard,
rebase, history, the decision log) under the one ``lock_rows`` call the vote makes, in the same
transaction; the amendments it makes impossible
(those competing with it, or put in conflict by it) are marked fallen, with the reason. A
carried vote the word-count guard refuses is still recorded, as "carried, not applied", with the
guard's message: the congress decided it, the text cannot take it, and the amendment stays
pending until the editors make room and the congress votes again. "Lost" rejects the amendment
with the vote as its reason.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from amendments.congress import (
    MAX_NOTE_CHARS,
    MAX_VOTE_COUNT,
    counts_in_words,
)
from amendments.models import Amendment, CongressFloor, CongressVote, Decision, Recommendation
from amendments.recommendations import recommendation_of, recommended_text
from amendments.review_queue import competing_pairs
from amendments.services.deciding import AcceptItem, accept_locked, reject_locked
from amendments.services.editorial import (
    log_decision,
    refuse_long_text,
    save_amendment,
)
from amendments.services.locking import lock_rows
from amendments.services.notifications import notify_decided
from common import clock
from manifesto.models import Chapter, Paragraph, Phase
from manifesto.rounds import chapter_round
from textcore.limits import counted_length, too_long_message

# The guard's refusals (amendments/services/guard.py): a carried vote refused for one of these
# is recorded as not applied; any other refusal leaves nothing recorded.
GUARD_CODES = ("over_chapter_limit", "over_manifesto_limit")


def require_vote_recorder(user: User) -> None:
    """Refuse anyone but an editor (or admin) or the congress chair."""
    if not user.records_votes:
        raise ValidationError(
            "Only editors and the congress chair record the congress's votes.",
            code="not_recorder",
        )


def vote_record(
    *,
    amendment: Amendment,
    editor: User,
    result: str,
    show_of_hands: bool = False,
    votes_for: int | None = None,
    votes_against: int | None = None,
    abstentions: int | None = None,
    note: str = "",
) -> CongressVote:
    """Record the congress's vote on ``amendment`` and carry it out: carried applies it (or,
    refused by the guard, records it as not applied), lost rejects it. ``editor`` is whoever
    records it, an editor or the congress chair; the congress decides, so an editor records
    the vote on their own amendment too."""
    require_vote_recorder(editor)
    _refuse_bad_vote(result, show_of_hands, (votes_for, votes_against, abstentions), note)
    with transaction.atomic():
        locked = lock_rows(
            chapters=[amendment.chapter_id],
            paragraphs=[amendment.paragraph_id],
            amendments=[amendment.pk],
            pending_on_paragraphs=True,
        )
        chapter = locked.chapters[amendment.chapter_id]
        refuse_outside_congress(chapter)
        current = locked.amendments[amendment.pk]
        current.chapter = chapter
        if current.status != Amendment.Status.PENDING:
            raise ValidationError(
                f"#{current.pk} is {current.get_status_display().lower()}, not pending: there "
                "is nothing to vote on. Reload the page to see where the congress stands.",
                code="not_pending",
            )
        paragraph = locked.paragraphs[current.paragraph_id]
        vote = CongressVote(
            chapter=chapter,
            amendment=current,
            result=result,
            show_of_hands=show_of_hands,
            votes_for=None if show_of_hands else votes_for,
            votes_against=None if show_of_hands else votes_against,
            abstentions=None if show_of_hands else abstentions,
            note=note.strip(),
            text_before=_text_of(current, paragraph),
            recorded_by=editor,
            recorded_at=clock.now(),
        )
        fallen: list[Amendment] = []
        if result == CongressVote.Result.LOST:
            _reject(vote, current, editor)
        else:
            fallen = _carry(vote, current, paragraph, editor)
        if vote.outcome != CongressVote.Outcome.APPLIED:
            vote.text_after = vote.text_before  # the text did not change
        vote._change_reason = f"{vote.get_result_display().lower()}: {vote.counts}"
        vote._history_user = editor
        vote.save()
        vote.fallen.set(fallen)
    return vote


def _refuse_bad_vote(
    result: str, show_of_hands: bool, counts: tuple[int | None, ...], note: str
) -> None:
    """Refuse a result that is neither carried nor lost, counts that are missing, negative,
    absurd or given beside a show of hands, a carried vote with no more for than against, and
    a note over its limit."""
    if result not in CongressVote.Result.values:
        raise ValidationError({"result": ["Choose carried or lost."]}, code="result")
    given = [count for count in counts if count is not None]
    if show_of_hands and given:
        raise ValidationError(
            "Give the counts or tick “majority by show of hands”, not both.", code="counts"
        )
    if not show_of_hands and len(given) != len(counts):
        raise ValidationError(
            "Give the votes for, against and abstaining (0 if none), or tick “majority by show "
            "of hands”.",
            code="counts",
        )
    if any(count < 0 or count > MAX_VOTE_COUNT for count in given):
        raise ValidationError(
            f"Each count is a whole number from 0 to {MAX_VOTE_COUNT:,}.", code="counts"
        )
    votes_for, votes_against, _ = counts
    if (
        result == CongressVote.Result.CARRIED
        and not show_of_hands
        and votes_for is not None
        and votes_against is not None
        and votes_for <= votes_against
    ):
        raise ValidationError(
            f"A carried vote needs more votes for than against ({counts_in_words(*counts)}): "
            "check the counts, or record it as lost.",
            code="counts",
        )
    length = counted_length(note.strip())
    if length > MAX_NOTE_CHARS:
        message = too_long_message("The note", length, MAX_NOTE_CHARS)
        raise ValidationError({"note": [message]}, code="note_long")


def refuse_outside_congress(chapter: Chapter) -> None:
    """Refuse unless ``chapter`` is in its congress phase (its own or the Manifesto's)."""
    round_ = chapter_round(chapter)
    if round_.phase != Phase.CONGRESS:
        raise ValidationError(
            f"“{chapter.title}” is in its {round_.phase_label.lower()} phase: the congress's "
            "votes are recorded only in the congress phase. An editor moves the chapter to it "
            "on the rounds page.",
            code="not_congress",
        )


def _text_of(amendment: Amendment, paragraph: Paragraph) -> str:
    """The paragraph text the vote is about, before it: nothing yet for an insertion."""
    if amendment.kind == Amendment.Kind.INSERT or paragraph.is_deleted:
        return ""
    return paragraph.text


def _text_to_apply(amendment: Amendment) -> str | None:
    """The wording a carried vote applies: the committee's "accept as modified" text when the
    proposer agreed to it (the congress then votes on the amendment as modified), else None,
    the amendment's own text. A disagreeing proposer's amendment is voted on as they wrote it."""
    recommendation = recommendation_of(amendment)
    if recommendation is None or recommendation.answer != Recommendation.Answer.AGREED:
        return None
    return recommended_text(amendment)


def _reject(vote: CongressVote, amendment: Amendment, editor: User) -> None:
    vote.outcome = CongressVote.Outcome.REJECTED
    reject_locked(
        [amendment], editor=editor, reason=f"Lost at the congress: {vote.counts}.", by_congress=True
    )


def _carry(
    vote: CongressVote, amendment: Amendment, paragraph: Paragraph, editor: User
) -> list[Amendment]:
    """Apply a carried amendment through the acceptance service; mark fallen what it makes
    impossible. Refused by the guard, the vote is kept as not applied, with the message."""
    on_paragraph = list(
        Amendment.objects.filter(paragraph_id=paragraph.pk, status=Amendment.Status.PENDING)
    )
    rivals = {
        other
        for pair in competing_pairs(on_paragraph)
        if amendment.pk in pair
        for other in pair
        if other != amendment.pk
    }
    item = AcceptItem(amendment, editor_text=_text_to_apply(amendment))
    if item.editor_text is not None:
        refuse_long_text(item.editor_text)
    try:
        # The acceptance service, under the locks the vote took: a refusal undoes the
        # acceptance, not the vote.
        with transaction.atomic():
            accepted = accept_locked(
                [item],
                chapter=vote.chapter,
                editor=editor,
                reason=f"Carried by the congress: {vote.counts}.",
                by_congress=True,
            )[0]
    except ValidationError as error:
        if error.code not in GUARD_CODES:
            raise
        vote.outcome = CongressVote.Outcome.NOT_APPLIED
        vote.refusal = " ".join(error.messages)
        log_decision(
            chapter=vote.chapter,
            action=Decision.Action.VOTE_NOT_APPLIED,
            actor=editor,
            amendment=amendment,
            reason=f"Carried by the congress ({vote.counts}), not applied: {vote.refusal}",
        )
        return []
    vote.outcome = CongressVote.Outcome.APPLIED
    vote.text_after = accepted.result_text
    return _fall(accepted, rivals, editor)


def _fall(carried: Amendment, rivals: set[int], editor: User) -> list[Amendment]:
    """Mark fallen the amendments ``carried`` made impossible: its rivals still open, and
    those its rebase put in conflict."""
    impossible = Amendment.objects.filter(
        pk__in=rivals, status__in=Amendment.REVIEWABLE_STATUSES
    ) | Amendment.objects.filter(conflict_with=carried, status=Amendment.Status.CONFLICT)
    reason = f"Fell when #{carried.pk} was carried."
    fallen = []
    for other in impossible.select_related("chapter").order_by("pk"):
        other.status = Amendment.Status.FALLEN
        other.decided_by = editor
        other.decided_at = clock.now()
        other.decision_reason = reason
        save_amendment(other, f"fell when #{carried.pk} was carried", editor)
        log_decision(
            chapter=other.chapter,
            action=Decision.Action.FALLEN,
            actor=editor,
            amendment=other,
            reason=reason,
        )
        notify_decided(amendment=other, actor=editor, description=reason)
        fallen.append(other)
    return fallen


def congress_floor_set(
    *, chapter: Chapter, editor: User, amendment: Amendment | None
) -> CongressFloor:
    """Put ``amendment`` (pending, of ``chapter``) under vote: the projector shows it; None
    clears the floor. ``editor``: an editor or the congress chair."""
    require_vote_recorder(editor)
    with transaction.atomic():
        locked = lock_rows(chapters=[chapter], amendments=[amendment] if amendment else [])
        if amendment is not None:
            current = locked.amendments[amendment.pk]
            if current.chapter_id != chapter.pk:
                raise ValidationError(
                    f"#{current.pk} belongs to another chapter.", code="other_chapter"
                )
            if current.status != Amendment.Status.PENDING:
                raise ValidationError(
                    f"#{current.pk} is {current.get_status_display().lower()}, not pending: "
                    "the congress no longer votes on it.",
                    code="not_pending",
                )
        # The chapter's lock serialises editors here, so a plain read-then-write is safe.
        row = locked.chapters[chapter.pk]
        floor = CongressFloor.objects.filter(chapter=row).first() or CongressFloor(chapter=row)
        floor.amendment = amendment
        floor.changed_by = editor
        floor.changed_at = clock.now()
        floor.save()
    return floor
