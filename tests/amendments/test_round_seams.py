"""Where the three parts of a round's end meet: the committee's recommendation decides what a
carried vote applies, the congress pack prints the published recommendations and voting
lists (never a draft), and the public list's cached rows show each viewer the recommendation
they may see."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from amendments.models import Amendment
from amendments.pack import booklet_of, pack_run
from amendments.services.recommending import (
    recommendation_answer,
    recommendation_set,
    recommendations_publish,
)
from amendments.services.voting import vote_record
from manifesto.exports import NOW
from manifesto.models import Paragraph
from tests.amendments.conftest import body_paragraph, propose
from tests.amendments.test_congress_votes import to_congress
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def modified(seed_chapter, p5, member, editor):  # type: ignore[no-untyped-def]
    """An amendment the committee recommends accepting as modified, published."""
    amendment = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))
    wording = p5.text.replace("a myriad of problems", "several grave problems")
    recommendation_set(
        amendment=amendment, editor=editor, kind="modified", text=wording, reason="Sharper."
    )
    recommendations_publish(chapter=seed_chapter, editor=editor)
    return amendment, wording


def _text(paragraph: Paragraph) -> str:
    return Paragraph.objects.get(pk=paragraph.pk).text


def test_a_carried_vote_applies_the_modified_text_the_proposer_agreed_to(
    seed_chapter, p5, member, editor, modified
) -> None:
    amendment, wording = modified
    recommendation_answer(amendment=amendment, member=member, agree=True)
    to_congress(seed_chapter, editor)
    vote_record(amendment=amendment, editor=editor, result="carried", show_of_hands=True)
    assert _text(p5) == wording
    assert Amendment.objects.get(pk=amendment.pk).status == Amendment.Status.ACCEPTED_WITH_CHANGES


def test_a_carried_vote_applies_the_proposers_own_text_when_they_disagreed(
    seed_chapter, p5, member, editor, modified
) -> None:
    amendment, _ = modified
    recommendation_answer(amendment=amendment, member=member, agree=False, comment="Mine.")
    to_congress(seed_chapter, editor)
    vote_record(amendment=amendment, editor=editor, result="carried", show_of_hands=True)
    assert _text(p5) == amendment.proposed_text
    assert Amendment.objects.get(pk=amendment.pk).status == Amendment.Status.ACCEPTED


def _booklet(chapter):  # type: ignore[no-untyped-def]
    return booklet_of(manifesto=chapter.manifesto, chapters=[chapter], moment=NOW)


def test_the_booklet_prints_no_draft_recommendation_and_no_voting_list_before_publication(
    seed_chapter, p5, member, editor
) -> None:
    amendment = propose(member, p5, p5.text + " More.")
    recommendation_set(amendment=amendment, editor=editor, kind="reject", reason="Secret.")
    booklet = _booklet(seed_chapter)
    assert [a.recommendation for a in booklet.amendments] == [None]
    assert booklet.voting_list is None


def test_the_booklet_prints_the_published_recommendation_the_answer_and_the_voting_list(
    seed_chapter, p5, member, other_member, editor, modified
) -> None:
    amendment, wording = modified
    rival = propose(other_member, p5, p5.text.replace("a myriad of problems", "few problems"))
    recommendation_answer(amendment=amendment, member=member, agree=False, comment="Keep mine.")
    booklet = _booklet(seed_chapter)
    printed = {a.number: a.recommendation for a in booklet.amendments}
    assert printed[rival.pk] is None
    shown = printed[amendment.pk]
    assert shown is not None and shown.verdict == "Accept as modified"
    assert wording in shown.text and "Sharper." in shown.text
    assert shown.answer == "The proposer disagrees: Keep mine."
    assert booklet.voting_list is not None
    (block,) = booklet.voting_list
    assert block.heading.startswith("Block 1, ¶ 5, line")
    assert [line.split()[0] for line in block.items] == [f"#{amendment.pk}", f"#{rival.pk}"]
    assert f"#{rival.pk}" in block.consequence and "fall" in block.consequence
    pdf = pack_run(
        manifesto=seed_chapter.manifesto, chapters=[seed_chapter], fmt="booklet-pdf", moment=NOW
    ).content
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "The proposer disagrees: Keep mine." in text and "Block 1" in text


def test_the_lists_cached_row_shows_each_viewer_the_recommendation_they_may_see(
    seed_chapter, p5, member, editor
) -> None:
    amendment = propose(member, p5, p5.text + " More.")
    url = reverse("amendments:list")
    recommendation_set(amendment=amendment, editor=editor, kind="reject", reason="No.")
    for _ in range(2):  # the second read comes from the cache
        assert (
            "Recommendation: <strong>Reject</strong>"
            in client_for(editor).get(url).content.decode()
        )
        assert "Recommendation:" not in client_for(None).get(url).content.decode()
        assert "Recommendation:" not in client_for(member).get(url).content.decode()
    recommendations_publish(chapter=seed_chapter, editor=editor)
    page = client_for(None).get(url).content.decode()
    assert "Recommendation: <strong>Reject</strong>" in page and "not answered yet" in page
    recommendation_answer(amendment=amendment, member=member, agree=True)
    assert "<strong>agreed</strong>" in client_for(None).get(url).content.decode()


def test_the_list_reads_published_recommendations_without_a_query_more(
    seed_chapter, member, other_member, editor, django_assert_num_queries
) -> None:
    for number in (3, 4, 5, 6):
        paragraph = body_paragraph(seed_chapter, number)
        amendment = propose(
            member if number % 2 else other_member, paragraph, paragraph.text + " X."
        )
        recommendation_set(amendment=amendment, editor=editor, kind="reject", reason="No.")
    recommendations_publish(chapter=seed_chapter, editor=editor)
    # As without recommendations, on a miss (test_amendment_list.py).
    with django_assert_num_queries(7):
        page = client_for(None).get(reverse("amendments:list")).content.decode()
    assert page.count("Recommendation: <strong>Reject</strong>") == 4
