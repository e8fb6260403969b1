"""Voting blocks: which amendments are voted on together, in what order, what falls."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from textcore.voting import Motion, VotingBlock, voting_blocks


def _motions(*spec: tuple[int, str, bool]) -> list[Motion]:
    return [Motion(number, (place,), needs) for number, place, needs in spec]


def test_a_lone_amendment_that_needs_a_vote_is_a_block_of_one() -> None:
    blocks = voting_blocks(_motions((7, "b", True), (3, "a", False)), [])
    assert blocks == [VotingBlock((7,), {})]
    assert blocks[0].consequences == []


def test_competing_amendments_form_one_block_in_text_order_with_what_falls() -> None:
    motions = _motions((14, "b", False), (12, "a", True), (15, "b", False), (20, "c", True))
    blocks = voting_blocks(motions, [(12, 14), (15, 12)])
    assert [block.numbers for block in blocks] == [(12, 14, 15), (20,)]
    assert blocks[0].consequences == [
        "If #12 is carried, #14 and #15 fall.",
        "If #14 is carried, #12 falls.",
        "If #15 is carried, #12 falls.",
    ]


def test_competitors_reached_through_another_join_the_block() -> None:
    motions = _motions((1, "a", True), (2, "a", False), (3, "a", False))
    blocks = voting_blocks(motions, [(1, 2), (2, 3)])
    assert blocks[0].numbers == (1, 2, 3)
    assert blocks[0].falls == {1: (2,), 2: (1, 3), 3: (2,)}


def test_competing_amendments_none_needing_a_vote_form_no_block() -> None:
    assert voting_blocks(_motions((1, "a", False), (2, "a", False)), [(1, 2)]) == []


def test_pairs_naming_unknown_amendments_are_ignored() -> None:
    blocks = voting_blocks(_motions((1, "a", True)), [(1, 99), (98, 99), (1, 1)])
    assert blocks == [VotingBlock((1,), {})]


def test_the_same_place_is_ordered_by_number() -> None:
    blocks = voting_blocks(_motions((9, "a", True), (4, "a", True)), [(9, 4)])
    assert blocks[0].numbers == (4, 9)


@given(
    st.lists(st.tuples(st.integers(0, 5), st.booleans()), min_size=0, max_size=12),
    st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=20),
)
def test_every_amendment_needing_a_vote_is_in_exactly_one_block(
    places: list[tuple[int, bool]], pairs: list[tuple[int, int]]
) -> None:
    motions = [Motion(number, (place,), needs) for number, (place, needs) in enumerate(places)]
    blocks = voting_blocks(motions, pairs)
    listed = [number for block in blocks for number in block.numbers]
    assert len(listed) == len(set(listed))
    assert {m.number for m in motions if m.needs_vote} <= set(listed)
    firsts = [((places[block.numbers[0]][0],), block.numbers[0]) for block in blocks]
    assert firsts == sorted(firsts)
    for block in blocks:
        for number, falling in block.falls.items():
            assert number not in falling and set(falling) <= set(block.numbers)
