"""Phases and deadlines: every write a member makes is judged by the chapter's round at the
moment it arrived, with the clock frozen on both sides of the deadline (SQLite and
PostgreSQL alike: these tests run on whichever DATABASE_URL names)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from amendments.models import Amendment, Comment, Decision, Support
from amendments.permissions import amendment_permissions
from amendments.services.deciding import amendment_accept, amendment_reject
from amendments.services.discussion import comment_post
from amendments.services.proposing import (
    amendment_edit,
    amendment_withdraw,
    support_add,
    support_remove,
)
from amendments.services.rounds import chapter_round_set, manifesto_round_set
from manifesto.models import Chapter, Manifesto, Phase
from manifesto.rounds import chapter_round
from tests.amendments.conftest import propose
from tests.conftest import make_user

# Friday 15 January 2027, 18:00 in London (GMT, so 18:00 UTC).
DEADLINE = datetime(2027, 1, 15, 18, 0, tzinfo=UTC)
BEFORE = DEADLINE - timedelta(seconds=1)
AFTER = DEADLINE + timedelta(seconds=1)


def _set_manifesto(manifesto: Manifesto, editor, **changes) -> Manifesto:  # type: ignore[no-untyped-def]
    manifesto.refresh_from_db()
    values = {
        "phase": manifesto.phase,
        "closes_at": manifesto.closes_at,
        "time_zone": manifesto.time_zone,
        "minimum_supporters": manifesto.minimum_supporters,
        "supports_open_in_review": manifesto.supports_open_in_review,
        "comments_open_in_review": manifesto.comments_open_in_review,
        "reason": "",
    }
    values.update(changes)
    return manifesto_round_set(manifesto=manifesto, editor=editor, **values)


@pytest.fixture
def deadline(seed_chapter, editor) -> datetime:  # type: ignore[no-untyped-def]
    """The Manifesto's round closes at DEADLINE; the seed chapter follows it."""
    with time_machine.travel(DEADLINE - timedelta(days=3), tick=False):
        _set_manifesto(seed_chapter.manifesto, editor, closes_at=DEADLINE)
    return DEADLINE


def _refused_closed(call) -> ValidationError:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as raised:
        call()
    assert raised.value.code == "round_closed", raised.value
    return raised.value


def test_a_proposal_one_second_before_the_deadline_is_stored(deadline, member, p5) -> None:
    with time_machine.travel(BEFORE, tick=False):
        amendment = propose(member, p5)
    assert Amendment.objects.get(pk=amendment.pk).created_at == BEFORE


def test_a_proposal_one_second_after_the_deadline_is_refused_and_nothing_stored(
    deadline, member, p5
) -> None:
    with time_machine.travel(AFTER, tick=False):
        error = _refused_closed(lambda: propose(member, p5))
    assert "closed on Friday 15 January 2027, 18:00" in error.messages[0]
    assert not Amendment.objects.exists()
    assert not Amendment.history.exists()


def test_a_proposal_at_the_deadline_itself_is_too_late(deadline, member, p5) -> None:
    with time_machine.travel(DEADLINE, tick=False):
        _refused_closed(lambda: propose(member, p5))


def test_a_proposal_sent_before_the_deadline_is_stored_though_handled_after(
    deadline, member, p5
) -> None:
    from amendments.services.proposing import amendment_propose

    with time_machine.travel(AFTER + timedelta(seconds=5), tick=False):
        amendment = amendment_propose(
            author=member,
            paragraph=p5,
            kind="replace",
            title="Late to the server, not to the round",
            text=p5.text + " More.",
            reason="Sent in time.",
            at=BEFORE,
        )
    assert amendment.status == Amendment.Status.PENDING
    assert amendment.created_at == BEFORE


@pytest.mark.parametrize("phase", [Phase.DRAFTING, Phase.REVIEW, Phase.CONGRESS, Phase.FINAL])
def test_only_the_open_phase_takes_proposals(phase, seed_chapter, editor, member, p5) -> None:
    chapter_round_set(chapter=seed_chapter, editor=editor, phase=phase, closes_at=None, reason="")
    error = _refused_closed(lambda: propose(member, p5))
    assert f"in its {Phase(phase).label.lower()} phase" in error.messages[0]
    assert not Amendment.objects.exists()


def test_a_chapters_own_phase_and_deadline_override_the_manifestos(
    deadline, seed_chapter, editor, member, p5
) -> None:
    later = DEADLINE + timedelta(days=7)
    with time_machine.travel(BEFORE, tick=False):
        chapter_round_set(
            chapter=seed_chapter, editor=editor, phase=Phase.OPEN, closes_at=later, reason=""
        )
    with time_machine.travel(AFTER, tick=False):
        assert propose(member, p5).pk
    with time_machine.travel(later, tick=False):
        _refused_closed(lambda: propose(member, p5, p5.text + " Another."))
        chapter_round_set(chapter=seed_chapter, editor=editor, phase="", closes_at=None, reason="")
        # Following the Manifesto again, whose deadline has passed.
        assert chapter_round(Chapter.objects.get(pk=seed_chapter.pk)).follows_manifesto
        _refused_closed(lambda: propose(member, p5, p5.text + " Another."))


def test_supports_follow_the_round_and_the_review_choice(
    deadline, seed_chapter, editor, member, other_member, p5
) -> None:
    with time_machine.travel(BEFORE, tick=False):
        amendment = propose(member, p5)
        support_add(amendment=amendment, user=other_member)
    third = make_user("third")
    with time_machine.travel(AFTER, tick=False):
        # Past the deadline the round is in review, where supports stay open by default.
        support_add(amendment=amendment, user=third)
        _set_manifesto(seed_chapter.manifesto, editor, supports_open_in_review=False)
        _refused_closed(lambda: support_add(amendment=amendment, user=make_user("fourth")))
        _refused_closed(lambda: support_remove(amendment=amendment, user=third))
    assert Support.objects.filter(amendment=amendment).count() == 2
    chapter_round_set(
        chapter=seed_chapter, editor=editor, phase=Phase.DRAFTING, closes_at=None, reason=""
    )
    _refused_closed(lambda: support_add(amendment=amendment, user=make_user("fifth")))


def test_comments_follow_the_round_and_the_review_choice(
    deadline, seed_chapter, editor, member, p5
) -> None:
    with time_machine.travel(BEFORE, tick=False):
        comment_post(author=member, body="Before.", paragraph=p5)
    with time_machine.travel(AFTER, tick=False):
        comment_post(author=member, body="In review.", paragraph=p5)
        _set_manifesto(seed_chapter.manifesto, editor, comments_open_in_review=False)
        _refused_closed(lambda: comment_post(author=member, body="Too late.", paragraph=p5))
        # Sent before the deadline, it is judged at that moment.
        comment_post(author=member, body="Sent in time.", paragraph=p5, at=BEFORE)
    assert list(Comment.objects.order_by("pk").values_list("body", flat=True)) == [
        "Before.",
        "In review.",
        "Sent in time.",
    ]


def test_after_the_deadline_only_an_amendment_in_conflict_can_be_edited(
    deadline, seed_chapter, editor, member, other_member, p5
) -> None:
    original = p5.text
    with time_machine.travel(BEFORE, tick=False):
        pending = propose(member, p5, original.replace("a myriad of problems", "many problems"))
        clashing = propose(
            other_member, p5, original.replace("a myriad of problems", "countless problems")
        )
    with time_machine.travel(AFTER, tick=False):
        edit = {"title": "A change", "reason": "Still better."}
        error = _refused_closed(
            lambda: amendment_edit(amendment=pending, user=member, text=original + " X.", **edit)
        )
        assert "only when it is in conflict" in error.messages[0]
        amendment_accept(amendment=pending, editor=editor)
        clashing.refresh_from_db()
        assert clashing.status == Amendment.Status.CONFLICT
        p5.refresh_from_db()
        updated = amendment_edit(
            amendment=clashing,
            user=other_member,
            text=p5.text.replace("many problems", "countless problems"),
            **edit,
        )
        assert updated.status == Amendment.Status.PENDING
        # Withdrawing adds nothing to the round: always allowed while open.
        assert amendment_withdraw(amendment=updated, user=other_member).status == "withdrawn"


def test_an_editor_closing_the_round_refuses_the_next_proposal(
    seed_chapter, editor, member, p5
) -> None:
    propose(member, p5)
    manifesto_round_set(
        manifesto=seed_chapter.manifesto,
        editor=editor,
        phase=Phase.REVIEW,
        closes_at=None,
        time_zone="Europe/London",
        minimum_supporters=0,
        supports_open_in_review=True,
        comments_open_in_review=True,
        reason="The round is over.",
    )
    _refused_closed(lambda: propose(member, p5, p5.text + " Another."))
    assert Amendment.objects.count() == 1
    decision = Decision.objects.get(action=Decision.Action.MANIFESTO_ROUND_CHANGED)
    assert decision.chapter is None and decision.actor == editor
    assert decision.reason == "Phase: Open for amendments → Review. The round is over."


def test_a_chapters_round_change_is_logged_with_its_deadline_in_the_members_time_zone(
    seed_chapter, editor
) -> None:
    summer = datetime(2027, 6, 30, 17, 0, tzinfo=UTC)  # 18:00 in London (BST)
    chapter_round_set(
        chapter=seed_chapter, editor=editor, phase=Phase.OPEN, closes_at=summer, reason="Why."
    )
    decision = Decision.objects.get(action=Decision.Action.ROUND_CHANGED)
    assert decision.chapter == seed_chapter
    assert decision.reason == (
        "Has its own phase and deadline. Deadline: none → Wednesday 30 June 2027, 18:00 "
        "(Europe/London). Why."
    )
    assert Chapter.objects.get(pk=seed_chapter.pk).history.first().history_change_reason == "Why."
    # The same again changes nothing and logs nothing.
    chapter_round_set(
        chapter=seed_chapter, editor=editor, phase=Phase.OPEN, closes_at=summer, reason=""
    )
    assert Decision.objects.filter(action=Decision.Action.ROUND_CHANGED).count() == 1


def test_rounds_are_set_by_editors_only_and_with_valid_values(seed_chapter, member, editor) -> None:
    with pytest.raises(ValidationError) as not_editor:
        chapter_round_set(
            chapter=seed_chapter, editor=member, phase="review", closes_at=None, reason=""
        )
    assert not_editor.value.code == "not_editor"
    with pytest.raises(ValidationError) as phase:
        chapter_round_set(
            chapter=seed_chapter, editor=editor, phase="closed", closes_at=None, reason=""
        )
    assert "phase" in phase.value.error_dict
    with pytest.raises(ValidationError) as zone:
        _set_manifesto(seed_chapter.manifesto, editor, time_zone="Mars/Olympus")
    assert zone.value.code == "time_zone"
    with pytest.raises(ValidationError) as follow:
        _set_manifesto(seed_chapter.manifesto, editor, phase="")
    assert "phase" in follow.value.error_dict
    assert not Decision.objects.exists()


# A minimum of supporters.


def test_below_the_minimum_an_amendment_collects_support_outside_the_queue(
    seed_chapter, editor, member, other_member, p5
) -> None:
    _set_manifesto(seed_chapter.manifesto, editor, minimum_supporters=2)
    amendment = propose(member, p5)
    assert amendment.status == Amendment.Status.COLLECTING
    may = amendment_permissions(editor, amendment)
    assert not (may.accept or may.reject or may.mark_duplicate)
    with pytest.raises(ValidationError):
        amendment_reject(amendment=amendment, editor=editor, reason="No.")
    support_add(amendment=amendment, user=other_member)
    assert Amendment.objects.get(pk=amendment.pk).status == Amendment.Status.COLLECTING
    support_add(amendment=amendment, user=other_member)  # the same support again: no change
    assert Amendment.objects.get(pk=amendment.pk).status == Amendment.Status.COLLECTING
    support_add(amendment=amendment, user=make_user("third"))
    reached = Amendment.objects.get(pk=amendment.pk)
    assert reached.status == Amendment.Status.PENDING
    assert reached.history.first().history_change_reason == (
        "reached 2 supporters: in the review queue"
    )
    # Taking a support back does not take it out of the queue again.
    support_remove(amendment=amendment, user=other_member)
    assert Amendment.objects.get(pk=amendment.pk).status == Amendment.Status.PENDING


def test_a_collecting_amendment_is_carried_forward_like_a_pending_one(
    seed_chapter, editor, member, other_member, p5
) -> None:
    original = p5.text
    accepted = propose(other_member, p5, original.replace("a myriad of problems", "many problems"))
    _set_manifesto(seed_chapter.manifesto, editor, minimum_supporters=1)
    collecting = propose(member, p5, original + " An added sentence.")
    amendment_accept(amendment=accepted, editor=editor)
    carried = Amendment.objects.get(pk=collecting.pk)
    assert carried.status == Amendment.Status.COLLECTING
    assert carried.was_carried_forward
    assert "many problems" in carried.proposed_text


def test_lowering_the_minimum_sends_the_amendments_that_have_it_to_the_queue(
    seed_chapter, editor, member, other_member, p5
) -> None:
    _set_manifesto(seed_chapter.manifesto, editor, minimum_supporters=3)
    one = propose(member, p5)
    none = propose(member, p5, p5.text + " Other words.")
    support_add(amendment=one, user=other_member)
    _set_manifesto(seed_chapter.manifesto, editor, minimum_supporters=1)
    assert Amendment.objects.get(pk=one.pk).status == Amendment.Status.PENDING
    assert Amendment.objects.get(pk=none.pk).status == Amendment.Status.COLLECTING
    decision = Decision.objects.filter(action=Decision.Action.MANIFESTO_ROUND_CHANGED).first()
    assert decision is not None and decision.reason == "Minimum of supporters: 3 → 1."


def test_with_no_minimum_an_amendment_goes_straight_to_the_queue(member, p5) -> None:
    assert propose(member, p5).status == Amendment.Status.PENDING


def test_raising_the_minimum_leaves_the_queue_as_it_is(seed_chapter, editor, member, p5) -> None:
    queued = propose(member, p5)
    _set_manifesto(seed_chapter.manifesto, editor, minimum_supporters=5)
    edited = amendment_edit(
        amendment=queued,
        user=member,
        title="A change",
        text=p5.text + " Edited words.",
        reason="Better.",
    )
    assert edited.status == Amendment.Status.PENDING
    assert propose(member, p5, p5.text + " New one.").status == Amendment.Status.COLLECTING


def test_an_imported_chapter_follows_the_manifesto_unless_given_a_phase(tmp_path, db) -> None:
    from django.core.management import call_command

    source = tmp_path / "chapter.txt"
    source.write_text("Housing\n\nPublished: May 2021\n\nHomes for all.", encoding="utf-8")
    call_command("import_chapter", str(source), "--slug", "housing")
    call_command("import_chapter", str(source), "--slug", "later", "--phase", "drafting")
    assert Chapter.objects.get(slug="housing").follows_manifesto
    later = Chapter.objects.get(slug="later")
    assert later.phase == Phase.DRAFTING
    assert not chapter_round(later).accepts_proposals(datetime(2027, 1, 1, tzinfo=UTC))


def test_an_edit_one_second_before_the_deadline_is_stored(deadline, member, p5) -> None:
    with time_machine.travel(BEFORE - timedelta(minutes=5), tick=False):
        amendment = propose(member, p5)
    with time_machine.travel(BEFORE, tick=False):
        edited = amendment_edit(
            amendment=amendment,
            user=member,
            title="Edited in time",
            text=p5.text + " In time.",
            reason="Just before.",
        )
    assert edited.updated_at == BEFORE
    assert Amendment.objects.get(pk=amendment.pk).title == "Edited in time"
