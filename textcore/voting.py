"""Voting blocks: which amendments the congress votes on together, in what order, and what
falls when one is carried. Plain data in, plain data out: the desk says which amendments need
a vote and which compete (``amendments.review_queue.competing_pairs``); this decides the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Motion:
    """One open amendment as the voting list sees it: its number, where it sits in the text
    (any sortable key: chapter, paragraph position), and whether it needs a vote."""

    number: int
    place: tuple[object, ...]
    needs_vote: bool


@dataclass(frozen=True)
class VotingBlock:
    """Amendments voted on together, in voting order (text order, then number), and for each
    one carried, the rivals that fall with it: ``falls[12] == (14, 15)``."""

    numbers: tuple[int, ...]
    falls: dict[int, tuple[int, ...]]

    @property
    def consequences(self) -> list[str]:
        """ "If #12 is carried, #14 and #15 fall." for each amendment that makes others fall."""
        return [
            f"If #{number} is carried, {_and(self.falls[number])} "
            f"{'falls' if len(self.falls[number]) == 1 else 'fall'}."
            for number in self.numbers
            if self.falls.get(number)
        ]


def _and(numbers: Sequence[int]) -> str:
    named = [f"#{number}" for number in numbers]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def voting_blocks(
    motions: Sequence[Motion], competing: Iterable[tuple[int, int]]
) -> list[VotingBlock]:
    """The blocks to vote on, in text order: every amendment that needs a vote, with all the
    amendments it competes with, directly or through another (they are voted on together,
    whatever their own recommendation). Pairs naming an amendment not in ``motions`` are
    ignored."""
    known = {motion.number: motion for motion in motions}
    rivals: dict[int, set[int]] = {number: set() for number in known}
    for first, second in competing:
        if first in known and second in known and first != second:
            rivals[first].add(second)
            rivals[second].add(first)

    def order(number: int) -> tuple[tuple[object, ...], int]:
        return known[number].place, number

    blocks: list[VotingBlock] = []
    placed: set[int] = set()
    for motion in sorted(motions, key=lambda m: order(m.number)):
        if motion.number in placed:
            continue
        group = _connected(motion.number, rivals)
        if not any(known[number].needs_vote for number in group):
            continue
        placed |= group
        numbers = tuple(sorted(group, key=order))
        falls = {n: tuple(sorted(rivals[n], key=order)) for n in numbers if rivals[n]}
        blocks.append(VotingBlock(numbers, falls))
    return blocks


def _connected(start: int, rivals: dict[int, set[int]]) -> set[int]:
    seen, todo = {start}, [start]
    while todo:
        for other in rivals[todo.pop()]:
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen
