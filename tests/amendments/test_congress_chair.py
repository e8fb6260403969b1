"""The congress chair: records the votes, drives the projector and reads the congress page
and the protocol, and does nothing else an editor does. And an editor records the congress's
vote on their own amendment: the congress decides, the editor only writes it down."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from amendments.models import Amendment, CongressFloor, Decision, Recommendation
from amendments.recommendations import sees_drafts, visible_recommendation
from amendments.services.deciding import amendment_accept, amendment_reject
from amendments.services.recommending import recommendation_set, recommendations_publish
from amendments.services.voting import congress_floor_set, vote_record
from tests.amendments.conftest import body_paragraph, propose
from tests.amendments.test_congress_votes import COUNTS, to_congress
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def chair(db) -> User:  # type: ignore[no-untyped-def]
    return make_user("chris", role="chair", display_name="Chris Chair")


@pytest.fixture
def amendment(member, p5) -> Amendment:  # type: ignore[no-untyped-def]
    return propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))


def test_the_chair_is_a_member_who_records_votes(chair, editor, member) -> None:
    assert chair.records_votes and not chair.is_editor and not chair.is_admin
    assert chair.role_label == "congress chair"
    assert editor.records_votes and not member.records_votes
    chair.is_active = False
    assert not chair.records_votes


def test_the_chair_records_carried_and_lost_votes_and_moves_the_projector(
    chair, amendment, other_member, editor, seed_chapter
) -> None:
    p6 = body_paragraph(seed_chapter, 6)
    other = propose(other_member, p6, p6.text + " More.")
    to_congress(seed_chapter, editor)
    congress_floor_set(chapter=seed_chapter, editor=chair, amendment=amendment)
    assert CongressFloor.objects.get(chapter=seed_chapter).changed_by == chair
    carried = vote_record(amendment=amendment, editor=chair, result="carried", **COUNTS)
    lost = vote_record(amendment=other, editor=chair, result="lost", show_of_hands=True)
    assert carried.recorded_by == chair and lost.recorded_by == chair
    decided = Amendment.objects.get(pk=amendment.pk)
    assert decided.status == Amendment.Status.ACCEPTED and decided.decided_by == chair
    assert Amendment.objects.get(pk=other.pk).status == Amendment.Status.REJECTED
    assert Decision.objects.filter(actor=chair, action=Decision.Action.ACCEPTED).count() == 1


def test_the_chair_does_nothing_else_an_editor_does(chair, amendment, editor) -> None:
    with pytest.raises(ValidationError):
        amendment_accept(amendment=amendment, editor=chair)
    with pytest.raises(ValidationError):
        amendment_reject(amendment=amendment, editor=chair, reason="No.")
    with pytest.raises(ValidationError):
        recommendation_set(
            amendment=amendment, editor=chair, kind=Recommendation.Kind.REJECT, reason="No."
        )
    with pytest.raises(ValidationError):
        recommendations_publish(chapter=amendment.chapter, editor=chair)
    recommendation_set(
        amendment=amendment, editor=editor, kind=Recommendation.Kind.REJECT, reason="No."
    )
    assert not sees_drafts(chair)
    assert visible_recommendation(amendment, chair) is None  # a draft: editors only
    assert Amendment.objects.get(pk=amendment.pk).status == Amendment.Status.PENDING


def test_the_chair_reaches_the_congress_page_from_the_voting_list_and_not_the_queue(
    chair, amendment, member, editor, seed_chapter
) -> None:
    to_congress(seed_chapter, editor)
    client = client_for(chair)
    listing = client.get(reverse("amendments:voting_list", args=[seed_chapter.slug]))
    congress_url = reverse("amendments:congress", args=[seed_chapter.slug])
    assert f'href="{congress_url}"' in listing.content.decode()
    page = client.get(congress_url)
    assert page.status_code == 200
    assert f"Record the vote on #{amendment.pk}" in page.content.decode()
    assert client.get(reverse("amendments:queue")).status_code == 403
    assert client_for(member).get(congress_url).status_code == 403
    member_listing = client_for(member).get(
        reverse("amendments:voting_list", args=[seed_chapter.slug])
    )
    assert f'href="{congress_url}"' not in member_listing.content.decode()


def test_an_editor_records_the_vote_on_their_own_amendment(
    editor, other_editor, seed_chapter, p5
) -> None:
    own = propose(editor, p5, p5.text.replace("a myriad of problems", "many problems"))
    p6 = body_paragraph(seed_chapter, 6)
    own_lost = propose(editor, p6, p6.text + " More.")
    to_congress(seed_chapter, other_editor)
    with pytest.raises(ValidationError) as refused:  # deciding it in review: still refused
        amendment_accept(amendment=own, editor=editor)
    assert refused.value.code == "own_amendment"
    vote = vote_record(amendment=own, editor=editor, result="carried", **COUNTS)
    assert vote.recorded_by == editor
    assert Amendment.objects.get(pk=own.pk).status == Amendment.Status.ACCEPTED
    vote_record(amendment=own_lost, editor=editor, result="lost", show_of_hands=True)
    lost = Amendment.objects.get(pk=own_lost.pk)
    assert lost.status == Amendment.Status.REJECTED
    assert lost.decision_reason == "Lost at the congress: majority by show of hands."


def test_a_decided_amendment_is_refused_to_a_recorder_as_not_pending(
    chair, amendment, editor, seed_chapter
) -> None:
    to_congress(seed_chapter, editor)
    vote_record(amendment=amendment, editor=chair, result="lost", show_of_hands=True)
    with pytest.raises(ValidationError) as refused:
        vote_record(amendment=amendment, editor=chair, result="carried", show_of_hands=True)
    assert refused.value.code == "not_pending"
