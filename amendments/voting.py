"""The voting list of a chapter: in text order, what the congress must still vote on (the
amendments whose proposer disagreed with the committee, those it marked contested, and every
amendment competing with them, in voting blocks), and the recommendations agreed, to adopt
together. A read (no service imported); ``textcore.voting`` builds the blocks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from amendments.citations import amendment_place
from amendments.filtering import TEXT_ORDER
from amendments.models import Amendment, Recommendation
from amendments.recommendations import recommendation_of, recommendations_published
from amendments.review_queue import competing_pairs
from manifesto.models import Chapter
from manifesto.selectors import body_numbers
from textcore.voting import Motion, voting_blocks


@dataclass(frozen=True)
class VotingItem:
    """One amendment on the list, with its recommendation (if any) and why it is there."""

    amendment: Amendment
    recommendation: Recommendation | None
    place: str  # "¶ 9, lines 123–125", in the chapter's reference numbering
    why: str  # "the proposer disagreed", "the committee marked it contested", "competes"


@dataclass(frozen=True)
class VotingBlock:
    """Amendments voted on together, in voting order, and what falls if one is carried."""

    items: list[VotingItem]
    consequences: list[str]


@dataclass(frozen=True)
class VotingList:
    chapter: Chapter
    published: bool  # members and visitors may see it
    blocks: list[VotingBlock]
    agreed: list[VotingItem]  # recommendations as agreed, adopted in one vote
    unanswered: int  # published recommendations the proposer has not answered yet


def needs_vote(recommendation: Recommendation | None) -> bool:
    """The proposer disagreed, or the committee wants a vote whatever the answer."""
    return recommendation is not None and (
        recommendation.contested or recommendation.answer == Recommendation.Answer.DISAGREED
    )


def _why(recommendation: Recommendation | None) -> str:
    if recommendation is not None and recommendation.answer == Recommendation.Answer.DISAGREED:
        return "the proposer disagreed with the recommendation"
    if recommendation is not None and recommendation.contested:
        return "the committee marked it contested"
    return "it competes with an amendment that needs a vote"


def voting_list(chapter: Chapter) -> VotingList:
    """The chapter's voting list (three queries: its publication, its open amendments with
    their recommendations, the ¶ labels)."""
    published = recommendations_published(chapter)
    amendments = list(
        Amendment.objects.filter(chapter=chapter, status__in=Amendment.REVIEWABLE_STATUSES)
        .select_related("recommendation__target", "author", "paragraph")
        .order_by(*TEXT_ORDER)
    )
    numbers = body_numbers([chapter])
    for amendment in amendments:
        amendment.chapter = chapter  # for their places, read without a query each
    by_paragraph: dict[int, list[Amendment]] = defaultdict(list)
    for amendment in amendments:
        by_paragraph[amendment.paragraph_id].append(amendment)
    pairs = [pair for rows in by_paragraph.values() for pair in competing_pairs(rows)]
    motions = [
        Motion(a.pk, (a.paragraph.position,), needs_vote(recommendation_of(a))) for a in amendments
    ]
    items = {
        a.pk: VotingItem(
            a,
            recommendation_of(a),
            amendment_place(a, numbers.get(a.paragraph_id)),
            _why(recommendation_of(a)),
        )
        for a in amendments
    }
    blocks = voting_blocks(motions, pairs)
    in_blocks = {number for block in blocks for number in block.numbers}
    agreed = [
        item
        for item in items.values()
        if item.recommendation is not None
        and item.recommendation.answer == Recommendation.Answer.AGREED
        and not item.recommendation.contested
        and item.amendment.pk not in in_blocks
    ]
    unanswered = sum(
        1
        for item in items.values()
        if item.recommendation is not None and not item.recommendation.answer
    )
    return VotingList(
        chapter=chapter,
        published=published,
        blocks=[
            VotingBlock([items[n] for n in block.numbers], block.consequences) for block in blocks
        ],
        agreed=agreed,
        unanswered=unanswered,
    )
