"""Recording the congress's votes: carried applies through the acceptance service and the
guard, a carried vote over the limit is refused and recorded as such, lost rejects, rivals
fall, nothing is recorded outside the congress phase, and the counts are checked."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from amendments.ledger import chapter_ledger
from amendments.models import Amendment, CongressFloor, CongressVote, Decision
from amendments.services.limits import chapter_set_limit
from amendments.services.rounds import chapter_round_set
from amendments.services.voting import congress_floor_set, vote_record
from manifesto.models import Chapter, Paragraph
from tests.amendments.conftest import body_paragraph, propose
from tests.amendments.test_faults_concurrency import (
    _second_arrives_while_first_holds_an_amendment,
)
from tests.conftest import client_for, postgres_only

pytestmark = pytest.mark.django_db

FIFTY = " ".join(["word"] * 50)
COUNTS = {"votes_for": 120, "votes_against": 30, "abstentions": 5}


def to_congress(chapter: Chapter, editor) -> None:  # type: ignore[no-untyped-def]
    """Move ``chapter`` to its congress phase (after the amendments were proposed)."""
    chapter_round_set(
        chapter=chapter, editor=editor, phase="congress", closes_at=None, reason="Congress day."
    )


def _reload(amendment: Amendment) -> Amendment:
    return Amendment.objects.get(pk=amendment.pk)


def _text(paragraph: Paragraph) -> str:
    return Paragraph.objects.get(pk=paragraph.pk).text


def test_a_carried_vote_applies_the_amendment_through_the_acceptance_service(
    seed_chapter, p5, member, editor
) -> None:
    before = p5.text
    amendment = propose(member, p5, before.replace("a myriad of problems", "many problems"))
    to_congress(seed_chapter, editor)

    vote = vote_record(amendment=amendment, editor=editor, result="carried", **COUNTS)

    assert vote.outcome == CongressVote.Outcome.APPLIED
    assert vote.counts == "120 for, 30 against, 5 abstaining"
    assert (vote.text_before, vote.text_after) == (before, _text(p5))
    assert "many problems" in _text(p5)
    accepted = _reload(amendment)
    assert accepted.status == Amendment.Status.ACCEPTED
    assert accepted.decision_reason == "Carried by the congress: 120 for, 30 against, 5 abstaining."
    decision = Decision.objects.get(amendment=amendment, action=Decision.Action.ACCEPTED)
    assert decision.actor == editor
    assert decision.paragraph_version.history_change_reason == f"amendment #{amendment.pk} accepted"
    assert vote.history.count() == 1


def test_a_carried_vote_over_the_limit_is_refused_with_the_guards_message_and_recorded(
    seed_chapter, p5, member, editor
) -> None:
    amendment = propose(member, p5, p5.text + " " + FIFTY)
    to_congress(seed_chapter, editor)
    words = chapter_ledger(seed_chapter).words
    chapter_set_limit(chapter=seed_chapter, editor=editor, word_limit=words, reason="Full.")

    vote = vote_record(amendment=amendment, editor=editor, result="carried", show_of_hands=True)

    assert vote.outcome == CongressVote.Outcome.NOT_APPLIED
    assert vote.get_outcome_display() == "Carried, not applied: over the word limit"
    assert vote.refusal.startswith("Refused by the word limit:")
    assert "50 over its limit" in vote.refusal
    assert vote.text_after == vote.text_before == p5.text
    assert _text(p5) == p5.text
    assert _reload(amendment).status == Amendment.Status.PENDING
    logged = Decision.objects.get(amendment=amendment, action=Decision.Action.VOTE_NOT_APPLIED)
    assert "Refused by the word limit" in logged.reason
    assert not Decision.objects.filter(amendment=amendment, action="accepted").exists()

    # With room made, the congress votes on it again, and this time it is applied.
    chapter_set_limit(chapter=seed_chapter, editor=editor, word_limit=words + 60, reason="Room.")
    again = vote_record(amendment=amendment, editor=editor, result="carried", show_of_hands=True)
    assert again.outcome == CongressVote.Outcome.APPLIED
    assert CongressVote.objects.filter(amendment=amendment).count() == 2


def test_a_lost_vote_rejects_the_amendment_with_the_vote_as_its_reason(
    seed_chapter, p5, member, editor
) -> None:
    amendment = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))
    to_congress(seed_chapter, editor)

    vote = vote_record(
        amendment=amendment,
        editor=editor,
        result="lost",
        votes_for=40,
        votes_against=90,
        abstentions=3,
        note="Debated for ten minutes.",
    )

    assert vote.outcome == CongressVote.Outcome.REJECTED
    assert vote.note == "Debated for ten minutes."
    rejected = _reload(amendment)
    assert rejected.status == Amendment.Status.REJECTED
    assert rejected.decision_reason == "Lost at the congress: 40 for, 90 against, 3 abstaining."
    assert _text(p5) == p5.text == vote.text_after
    # Decided once: no second vote on it.
    with pytest.raises(ValidationError) as refused:
        vote_record(amendment=amendment, editor=editor, result="carried", show_of_hands=True)
    assert refused.value.code == "not_pending"


def test_competing_amendments_fall_when_a_rival_is_carried(
    seed_chapter, p5, member, other_member, editor
) -> None:
    winner = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))
    rival = propose(other_member, p5, p5.text.replace("a myriad of problems", "countless problems"))
    elsewhere = propose(other_member, p5, p5.text.replace("backward", "poor"))
    other_paragraph = body_paragraph(seed_chapter, 6)
    unrelated = propose(other_member, other_paragraph, other_paragraph.text + " More.")
    to_congress(seed_chapter, editor)

    vote = vote_record(amendment=winner, editor=editor, result="carried", **COUNTS)

    fell = _reload(rival)
    assert fell.status == Amendment.Status.FALLEN
    assert fell.get_status_display() == "Fallen"
    assert fell.decision_reason == f"Fell when #{winner.pk} was carried."
    assert Decision.objects.get(amendment=rival, action=Decision.Action.FALLEN).reason == (
        f"Fell when #{winner.pk} was carried."
    )
    assert list(vote.fallen.all()) == [fell]
    # A change elsewhere in the paragraph was carried forward, not dropped.
    carried_forward = _reload(elsewhere)
    assert carried_forward.status == Amendment.Status.PENDING
    assert "many problems" in carried_forward.proposed_text
    assert _reload(unrelated).status == Amendment.Status.PENDING


def test_a_carried_deletion_makes_the_other_changes_of_its_paragraph_fall(
    seed_chapter, p5, member, other_member, editor
) -> None:
    deletion = propose(member, p5, "", kind="delete")
    change = propose(other_member, p5, p5.text.replace("backward", "poor"))
    addition = propose(other_member, p5, "A new paragraph after it.", kind="insert")
    to_congress(seed_chapter, editor)

    vote = vote_record(amendment=deletion, editor=editor, result="carried", show_of_hands=True)

    assert vote.text_after == ""
    assert Paragraph.objects.get(pk=p5.pk).is_deleted
    fallen = {a.pk for a in vote.fallen.all()}
    assert fallen == {change.pk, addition.pk}
    for other in (change, addition):
        assert _reload(other).status == Amendment.Status.FALLEN
        assert _reload(other).decision_reason == f"Fell when #{deletion.pk} was carried."


@pytest.mark.parametrize("phase", ["open", "review", "final"])
def test_a_vote_is_refused_outside_the_congress_phase(
    phase, seed_chapter, p5, member, editor
) -> None:
    amendment = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))
    chapter_round_set(chapter=seed_chapter, editor=editor, phase=phase, closes_at=None, reason="")

    with pytest.raises(ValidationError) as refused:
        vote_record(amendment=amendment, editor=editor, result="carried", **COUNTS)

    assert refused.value.code == "not_congress"
    assert "votes are recorded only in the congress phase" in refused.value.messages[0]
    assert not CongressVote.objects.exists()
    assert _reload(amendment).status == Amendment.Status.PENDING


BAD_COUNTS = [
    pytest.param({"show_of_hands": True, "votes_for": 3}, "not both", id="both"),
    pytest.param({"votes_for": 3, "votes_against": 1}, "abstaining (0 if none)", id="missing"),
    pytest.param({"votes_for": -1, "votes_against": 0, "abstentions": 0}, "0 to 100,000", id="neg"),
    pytest.param(
        {"votes_for": 10**9, "votes_against": 0, "abstentions": 0}, "0 to 100,000", id="absurd"
    ),
    pytest.param(
        {"votes_for": 30, "votes_against": 30, "abstentions": 0}, "more votes for", id="tie"
    ),
]


@pytest.mark.parametrize(("counts", "said"), BAD_COUNTS)
def test_counts_that_do_not_add_up_are_refused(
    counts, said, seed_chapter, p5, member, editor
) -> None:
    amendment = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))
    to_congress(seed_chapter, editor)

    with pytest.raises(ValidationError) as refused:
        vote_record(amendment=amendment, editor=editor, result="carried", **counts)

    assert said in " ".join(refused.value.messages)
    assert not CongressVote.objects.exists()


def test_only_editors_and_the_chair_record_votes_and_results_are_carried_or_lost(
    seed_chapter, p5, member, other_member, editor
) -> None:
    amendment = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))
    to_congress(seed_chapter, editor)
    with pytest.raises(ValidationError) as refused:
        vote_record(amendment=amendment, editor=other_member, result="lost", show_of_hands=True)
    assert refused.value.code == "not_recorder"
    with pytest.raises(ValidationError) as refused:
        vote_record(amendment=amendment, editor=editor, result="maybe", show_of_hands=True)
    assert refused.value.message_dict == {"result": ["Choose carried or lost."]}


def test_the_database_keeps_counts_and_the_show_of_hands_apart(
    seed_chapter, p5, member, editor
) -> None:
    amendment = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))
    base = {
        "chapter": seed_chapter,
        "amendment": amendment,
        "recorded_by": editor,
        "recorded_at": amendment.created_at,
    }
    broken = [
        {"result": "lost", "outcome": "rejected", "show_of_hands": True, "votes_for": 1},
        {"result": "lost", "outcome": "rejected", "show_of_hands": False},
        {"result": "carried", "outcome": "applied", "votes_for": 1, "votes_against": 2,
         "abstentions": 0},
        {"result": "lost", "outcome": "applied", "show_of_hands": True},
    ]  # fmt: skip
    for fields in broken:
        with pytest.raises(IntegrityError), transaction.atomic():
            CongressVote.objects.create(**base, **fields)


def test_the_item_under_vote_is_a_pending_amendment_of_the_chapter(
    seed_chapter, p5, member, editor
) -> None:
    amendment = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))
    to_congress(seed_chapter, editor)

    floor = congress_floor_set(chapter=seed_chapter, editor=editor, amendment=amendment)
    assert CongressFloor.objects.get(chapter=seed_chapter).amendment == amendment == floor.amendment

    vote_record(amendment=amendment, editor=editor, result="lost", show_of_hands=True)
    with pytest.raises(ValidationError) as refused:
        congress_floor_set(chapter=seed_chapter, editor=editor, amendment=amendment)
    assert refused.value.code == "not_pending"
    congress_floor_set(chapter=seed_chapter, editor=editor, amendment=None)
    assert CongressFloor.objects.get(chapter=seed_chapter).amendment is None


# --- the congress page ---------------------------------------------------------------------


def _page(client, chapter: Chapter) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("amendments:congress", args=[chapter.slug]))
    assert response.status_code == 200
    return str(response.content.decode())


def test_the_congress_page_lists_the_items_in_text_order_with_a_form_each(
    seed_chapter, p5, member, other_member, editor
) -> None:
    p7 = body_paragraph(seed_chapter, 7)
    later = propose(other_member, p7, p7.text + " Later.", title="On ¶ 7")
    earlier = propose(member, p5, p5.text.replace("backward", "poor"), title="<i>On ¶ 5</i>")
    client = client_for(editor)
    closed = _page(client, seed_chapter)
    assert "Not in the congress phase." in closed and "vote-form" not in closed

    to_congress(seed_chapter, editor)
    page = _page(client, seed_chapter)
    assert page.index(f'id="item-{earlier.pk}"') < page.index(f'id="item-{later.pk}"')
    assert "&lt;i&gt;On ¶ 5&lt;/i&gt;" in page
    assert page.count('class="stack vote-form"') == 2
    assert f'name="v{earlier.pk}-result"' in page and f'name="v{later.pk}-note"' in page
    assert f"Put #{earlier.pk} on the projector" in page
    assert "No vote has been recorded yet." in page


def test_an_editor_records_a_vote_and_moves_the_projector_from_the_page(
    seed_chapter, p5, member, editor
) -> None:
    amendment = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))
    to_congress(seed_chapter, editor)
    client = client_for(editor)
    moved = client.post(
        reverse("amendments:congress_floor", args=[seed_chapter.slug]), {"amendment": amendment.pk}
    )
    assert moved.status_code == 302
    assert CongressFloor.objects.get(chapter=seed_chapter).amendment_id == amendment.pk
    assert "Now voting" in _page(client, seed_chapter)

    prefix = f"v{amendment.pk}-"
    response = client.post(
        reverse("amendments:vote", args=[amendment.pk]),
        {f"{prefix}result": "carried", f"{prefix}votes_for": "99", f"{prefix}votes_against": "1",
         f"{prefix}abstentions": "0"},
        follow=True,
    )  # fmt: skip
    page = response.content.decode()
    assert (
        f"#{amendment.pk}: Carried and applied to the text (99 for, 1 against, 0 abstaining)"
        in page
    )
    assert 'data-testid="congress-record"' in page
    assert "Nothing is left to vote on in this chapter." in page
    assert _reload(amendment).status == Amendment.Status.ACCEPTED


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ({"votes_for": "30", "votes_against": "30", "abstentions": "0"}, "more votes for"),
        ({"votes_for": "-3", "votes_against": "1", "abstentions": "0"}, "0 to 100,000"),
        ({"votes_for": "1000000000", "votes_against": "1", "abstentions": "0"}, "0 to 100,000"),
        ({"votes_for": "many", "votes_against": "1", "abstentions": "0"}, "0 to 100,000"),
        ({"votes_for": "3", "show_of_hands": "on"}, "not both"),
        ({}, "or tick “majority by show of hands”"),
    ],
)
def test_a_refused_vote_comes_back_filled_in_with_the_reason(
    typed, said, seed_chapter, p5, member, editor
) -> None:
    amendment = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))
    to_congress(seed_chapter, editor)
    prefix = f"v{amendment.pk}-"
    data = {f"{prefix}result": "carried", f"{prefix}note": "Kept <as typed>."}
    data |= {prefix + name: value for name, value in typed.items()}
    response = client_for(editor).post(reverse("amendments:vote", args=[amendment.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert said in page
    assert "Kept &lt;as typed&gt;.</textarea>" in page
    assert not CongressVote.objects.exists()


def test_a_vote_over_the_limit_is_reported_on_the_page_with_the_guards_message(
    seed_chapter, p5, member, editor
) -> None:
    amendment = propose(member, p5, p5.text + " " + FIFTY)
    to_congress(seed_chapter, editor)
    words = chapter_ledger(seed_chapter).words
    chapter_set_limit(chapter=seed_chapter, editor=editor, word_limit=words, reason="Full.")
    prefix = f"v{amendment.pk}-"
    response = client_for(editor).post(
        reverse("amendments:vote", args=[amendment.pk]),
        {f"{prefix}result": "carried", f"{prefix}show_of_hands": "on"},
        follow=True,
    )
    page = response.content.decode()
    assert "Carried, not applied: over the word limit" in page
    assert "Refused by the word limit:" in page
    assert _reload(amendment).status == Amendment.Status.PENDING


def test_the_congress_page_reads_a_fixed_number_of_queries(
    seed_chapter, member, other_member, editor, django_assert_num_queries
) -> None:
    amendments = [
        propose(other_member, paragraph, paragraph.text + " More.")
        for paragraph in (body_paragraph(seed_chapter, n) for n in range(5, 17))
    ]
    to_congress(seed_chapter, editor)
    congress_floor_set(chapter=seed_chapter, editor=editor, amendment=amendments[0])
    client = client_for(editor)
    vote_record(amendment=amendments[1], editor=editor, result="lost", show_of_hands=True)
    with CaptureQueriesContext(connection) as few:
        _page(client, seed_chapter)
    for amendment in amendments[2:7]:
        vote_record(amendment=amendment, editor=editor, result="lost", show_of_hands=True)
    # Session and user, unread notices, the chapter, the pending amendments, the ¶ labels,
    # the item under vote, the votes and what fell with them.
    with django_assert_num_queries(len(few)):
        page = _page(client, seed_chapter)
    assert page.count('class="stack vote-form"') == 6
    assert len(few) == 9


# --- two editors at once (PostgreSQL) ------------------------------------------------------


def _postgres_only(test):  # type: ignore[no-untyped-def]
    for mark in postgres_only("two editors at once need PostgreSQL's row locks (CI runs it)"):
        test = mark(test)
    return test


@_postgres_only
def test_two_editors_carry_rival_amendments_at_once_and_the_second_finds_it_fallen(
    seed_chapter, p5, member, other_member, editor, other_editor
) -> None:
    first = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))
    second = propose(other_member, p5, p5.text.replace("a myriad of problems", "some problems"))
    to_congress(seed_chapter, editor)

    one, other = _second_arrives_while_first_holds_an_amendment(
        lambda: vote_record(amendment=first, editor=editor, result="carried", **COUNTS),
        lambda: vote_record(amendment=second, editor=other_editor, result="carried", **COUNTS),
    )

    assert isinstance(one, CongressVote) and one.outcome == CongressVote.Outcome.APPLIED, one
    assert isinstance(other, ValidationError) and other.code == "not_pending", other
    assert "is fallen, not pending" in other.messages[0]
    assert _reload(second).status == Amendment.Status.FALLEN
    assert list(CongressVote.objects.values_list("amendment_id", flat=True)) == [first.pk]
    assert "many problems" in _text(p5)


@_postgres_only
def test_two_editors_carry_additions_at_once_and_the_guard_judges_the_second_after_the_first(
    seed_chapter, member, other_member, editor, other_editor
) -> None:
    p5, p6 = body_paragraph(seed_chapter, 5), body_paragraph(seed_chapter, 6)
    one = propose(member, p5, p5.text + " " + FIFTY)
    two = propose(other_member, p6, p6.text + " " + FIFTY)
    to_congress(seed_chapter, editor)
    words = chapter_ledger(seed_chapter).words
    chapter_set_limit(chapter=seed_chapter, editor=editor, word_limit=words + 60, reason="Room.")

    first, second = _second_arrives_while_first_holds_an_amendment(
        lambda: vote_record(amendment=one, editor=editor, result="carried", show_of_hands=True),
        lambda: vote_record(
            amendment=two, editor=other_editor, result="carried", show_of_hands=True
        ),
    )

    assert isinstance(first, CongressVote) and first.outcome == "applied", first
    assert isinstance(second, CongressVote) and second.outcome == "not_applied", second
    assert "Refused by the word limit" in second.refusal
    assert chapter_ledger(seed_chapter).words == words + 50
    assert _reload(two).status == Amendment.Status.PENDING


def test_a_decided_item_is_no_longer_shown_as_under_vote(seed_chapter, p5, member, editor) -> None:
    amendment = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))
    to_congress(seed_chapter, editor)
    congress_floor_set(chapter=seed_chapter, editor=editor, amendment=amendment)
    client = client_for(editor)
    assert f"The projector shows #{amendment.pk}." in _page(client, seed_chapter)
    vote_record(amendment=amendment, editor=editor, result="lost", show_of_hands=True)
    assert "The projector shows" not in _page(client, seed_chapter)


def test_the_rounds_page_links_to_the_congress_of_a_chapter_in_its_congress_phase(
    seed_chapter, editor
) -> None:
    client = client_for(editor)
    congress_url = reverse("amendments:congress", args=[seed_chapter.slug])
    assert congress_url not in client.get(reverse("amendments:rounds")).content.decode()
    to_congress(seed_chapter, editor)
    assert congress_url in client.get(reverse("amendments:rounds")).content.decode()
