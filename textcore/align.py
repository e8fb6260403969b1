"""Matching a revised draft's paragraphs to the current ones, so that unchanged paragraphs keep
their ids (and history and amendments), edited ones get a new version, and the rest are
inserted or deleted.

Paragraphs that are equal (kind and text) anchor the alignment (the longest matching runs, as
difflib finds them); between two anchors, an old and a new paragraph of the same kind are
paired as "changed" when their words are similar enough, choosing the order-preserving pairing
with the most similarity; what stays unpaired is deleted (old) or inserted (new).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from textcore.footnotes import FootnoteRef, split_refs
from textcore.words import trim_edges

Op = Literal["unchanged", "changed", "inserted", "deleted"]
# Half of the words in common: below this, a rewrite reads as a new paragraph, not an edit.
SIMILAR_ENOUGH = 0.5


@dataclass(frozen=True)
class Step:
    """One step of the alignment: ``old`` and ``new`` are indexes into the two sequences
    (``old`` is None for an insertion, ``new`` None for a deletion)."""

    op: Op
    old: int | None
    new: int | None


def comparable_text(text: str, known: set[int]) -> str:
    """``text`` as a revised draft is compared with it: without the spaces at its ends and with
    each reference to the ``known`` notes written right after its sentence ("fatal.”1"). Word,
    LibreOffice and Markdown keep neither the seed's space before some references nor a
    paragraph's edge spaces, so a draft that went through them still matches its unchanged
    paragraphs."""
    pieces = split_refs(text, known)
    return trim_edges("".join(str(p.number) if isinstance(p, FootnoteRef) else p for p in pieces))


def keep_old_form(old: str, new: str, known: set[int]) -> str:
    """A changed paragraph's ``new`` text in the form of its ``old`` one where a file format
    lost it: the old edge spaces, and a space before each reference that had one in ``old``.
    So an edit in Word changes only the words the editor changed, and amendments elsewhere in
    the paragraph still apply."""
    spaced = {
        p.number: p.marker[0]
        for p in split_refs(old, known)
        if isinstance(p, FootnoteRef) and not p.marker[0].isdigit()
    }
    pieces = split_refs(trim_edges(new), known)
    body = "".join(
        f"{spaced.get(p.number, '')}{p.number}"
        if isinstance(p, FootnoteRef) and p.marker[0].isdigit()
        else (p.marker if isinstance(p, FootnoteRef) else p)
        for p in pieces
    )
    core = trim_edges(old)
    start = old.find(core) if core else len(old)
    return old[:start] + body + old[start + len(core) :]


def similarity(old: str, new: str) -> float:
    """How alike two paragraphs are, 0 to 1, by their words in order."""
    matcher = SequenceMatcher(None, old.split(), new.split(), autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR_ENOUGH or matcher.quick_ratio() < SIMILAR_ENOUGH:
        return 0.0
    return matcher.ratio()


def align_paragraphs(old: Sequence[tuple[str, str]], new: Sequence[tuple[str, str]]) -> list[Step]:
    """Align (kind, text) paragraphs of the current text (``old``) with a revised draft's
    (``new``): every index of each appears once, in order (see the module docstring)."""
    matcher = SequenceMatcher(None, list(old), list(new), autojunk=False)
    steps: list[Step] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            steps.extend(
                Step("unchanged", i, j) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
        else:
            steps.extend(_align_gap(old, new, i1, i2, j1, j2))
    return steps


def _align_gap(
    old: Sequence[tuple[str, str]],
    new: Sequence[tuple[str, str]],
    i1: int,
    i2: int,
    j1: int,
    j2: int,
) -> list[Step]:
    """The most similar order-preserving pairing of old[i1:i2] with new[j1:j2] (a dynamic
    programme over the gap, which is small: the paragraphs between two unchanged ones)."""
    rows, cols = i2 - i1, j2 - j1
    score = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    pair = [[0.0] * cols for _ in range(rows)]
    for r in range(rows):
        for c in range(cols):
            (old_kind, old_text), (new_kind, new_text) = old[i1 + r], new[j1 + c]
            if old_kind == new_kind:
                pair[r][c] = similarity(old_text, new_text)
    for r in range(rows - 1, -1, -1):
        for c in range(cols - 1, -1, -1):
            best = max(score[r + 1][c], score[r][c + 1])
            if pair[r][c] >= SIMILAR_ENOUGH:
                best = max(best, pair[r][c] + score[r + 1][c + 1])
            score[r][c] = best
    steps: list[Step] = []
    r = c = 0
    while r < rows or c < cols:
        paired = r < rows and c < cols and pair[r][c] >= SIMILAR_ENOUGH
        if paired and score[r][c] == pair[r][c] + score[r + 1][c + 1]:
            steps.append(Step("changed", i1 + r, j1 + c))
            r, c = r + 1, c + 1
            continue
        if r < rows and (c == cols or score[r][c] == score[r + 1][c]):
            steps.append(Step("deleted", i1 + r, None))
            r += 1
        else:
            steps.append(Step("inserted", None, j1 + c))
            c += 1
    return steps
