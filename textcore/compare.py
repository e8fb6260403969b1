"""A chapter compared between two moments: every paragraph in reading order, with its change.

Paragraphs are matched by their stable id, never by place, so an inserted paragraph shows as
inserted and the ones after it as unchanged. Reading order is the order keys' byte order,
which holds for paragraphs that exist at either moment.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from textcore.diff import diff_html, word_delta
from textcore.words import count_words, trim_edges


class Change(StrEnum):
    SAME = "same"
    CHANGED = "changed"
    INSERTED = "inserted"
    DELETED = "deleted"


@dataclass(frozen=True)
class Block:
    """One paragraph as it read at a moment."""

    id: int
    position: str
    kind: str  # "heading" | "body" | "footnote"
    text: str
    counted: bool = True  # whether its words count towards the chapter's length


@dataclass(frozen=True)
class ComparedBlock:
    id: int
    kind: str
    change: Change
    before: str | None
    after: str | None
    html: str  # escaped; changes in <del>/<ins> with screen-reader labels
    added: int
    removed: int


@dataclass(frozen=True)
class Comparison:
    blocks: tuple[ComparedBlock, ...]
    words_before: int
    words_after: int

    def count(self, change: Change) -> int:
        return sum(1 for block in self.blocks if block.change == change)

    @property
    def changed(self) -> int:
        return self.count(Change.CHANGED)

    @property
    def inserted(self) -> int:
        return self.count(Change.INSERTED)

    @property
    def deleted(self) -> int:
        return self.count(Change.DELETED)

    @property
    def words_added(self) -> int:
        return sum(block.added for block in self.blocks)

    @property
    def words_removed(self) -> int:
        return sum(block.removed for block in self.blocks)

    @property
    def has_changes(self) -> bool:
        return any(block.change != Change.SAME for block in self.blocks)


def compare_blocks(before: Sequence[Block], after: Sequence[Block]) -> Comparison:
    """Every paragraph present at either moment, in reading order, with its word-level change.

    Words added and removed count only blocks whose words count towards the chapter's length,
    with the same word-count rule as the guard, so the totals agree with the ledger.
    """
    old = {block.id: block for block in before}
    new = {block.id: block for block in after}
    order = sorted(old.keys() | new.keys(), key=lambda pk: ((new.get(pk) or old[pk]).position, pk))
    compared = []
    for pk in order:
        was, now = old.get(pk), new.get(pk)
        before_text = was.text if was else ""
        after_text = now.text if now else ""
        if was is None:
            change = Change.INSERTED
        elif now is None:
            change = Change.DELETED
        else:
            change = Change.SAME if was.text == now.text else Change.CHANGED
        latest = now or old[pk]  # at either moment, so in ``old`` when not in ``new``
        counted = latest.counted
        if change == Change.SAME:
            shown, added, removed = html.escape(trim_edges(after_text)), 0, 0
        else:
            delta = word_delta(before_text, after_text)
            shown = diff_html(before_text, after_text)
            added, removed = (delta.added, delta.removed) if counted else (0, 0)
        compared.append(
            ComparedBlock(
                id=pk,
                kind=latest.kind,
                change=change,
                before=was.text if was else None,
                after=now.text if now else None,
                html=shown,
                added=added,
                removed=removed,
            )
        )
    return Comparison(
        blocks=tuple(compared),
        words_before=_words(before),
        words_after=_words(after),
    )


def _words(blocks: Sequence[Block]) -> int:
    return sum(count_words(block.text) for block in blocks if block.counted)
