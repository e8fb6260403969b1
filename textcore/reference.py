"""The reference numbering: ¶ and line numbers that do not move when the text changes.

People cite text by number ("¶ 9, lines 123–125"). The numbers are those of a *reference*:
the text as of a milestone ("As published", "Congress draft"). They are computed once, when
the reference is set, and kept with each paragraph:

- body paragraphs of the reference are ¶ 1, ¶ 2… in reading order; headings have no ¶ number;
  lines run on through headings and body paragraphs (footnotes are cited as notes);
- a paragraph inserted since the reference is "new after ¶ 10": ¶ 10a, 10b…;
- a paragraph deleted since keeps its number as a gap;
- the lines of a paragraph changed since are cited against its reference text: each line of
  the current text carries the number of the reference line where it begins (a second line
  beginning in the same reference line is 124a, 124b…; a number no line begins in is a gap).

Pure Python: the desk stores what ``number_reference`` returns and asks ``line_labels`` and
``cite`` with what it stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from diff_match_patch import diff_match_patch

from textcore.lines import DEFAULT_WIDTH, Line, break_lines

BODY = "body"
HEADING = "heading"
NUMBERED_KINDS = (BODY, HEADING)


@dataclass(frozen=True)
class ReferenceBlock:
    """One paragraph of the reference text, in reading order: ``kind`` is "heading", "body"
    or "footnote" (notes get no lines)."""

    key: int
    kind: str
    text: str


@dataclass(frozen=True)
class ReferenceNumber:
    """What the reference says of one paragraph: its ¶ number (body paragraphs only), its
    first line and how many lines it has (no lines: ``first_line`` is None)."""

    number: int | None
    first_line: int | None
    line_count: int

    @property
    def last_line(self) -> int | None:
        if self.first_line is None:
            return None
        return self.first_line + self.line_count - 1


def number_reference(
    blocks: Iterable[ReferenceBlock], width: int = DEFAULT_WIDTH, first_line: int = 1
) -> dict[int, ReferenceNumber]:
    """Number the reference text: ¶ numbers for body paragraphs, lines for body paragraphs and
    headings, continuous from ``first_line``. By key."""
    numbers: dict[int, ReferenceNumber] = {}
    body = 0
    line = first_line
    for block in blocks:
        if block.kind not in NUMBERED_KINDS:
            numbers[block.key] = ReferenceNumber(None, None, 0)
            continue
        if block.kind == BODY:
            body += 1
        count = len(break_lines(block.text, width))
        numbers[block.key] = ReferenceNumber(
            body if block.kind == BODY else None, line if count else None, count
        )
        line += count
    return numbers


def next_line(numbers: Iterable[ReferenceNumber], first_line: int = 1) -> int:
    """The line after the last numbered one (where the next chapter's lines start when a
    Manifesto numbers continuously)."""
    last = max((n.last_line for n in numbers if n.last_line is not None), default=None)
    return first_line if last is None else last + 1


def letters(index: int) -> str:
    """a, b, … z, aa, ab, … for 1, 2, … 26, 27, 28 …"""
    text = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        text = chr(ord("a") + rest) + text
    return text


def paragraph_labels(rows: Iterable[tuple[int, str, int | None]]) -> dict[int, str]:
    """The ¶ label of each body paragraph among ``rows`` — (key, kind, reference number) in
    reading order, deleted paragraphs included — by key: its reference number, or for one
    inserted since the reference, the number before it and a letter ("10a"; "0a" before ¶ 1).
    """
    labels: dict[int, str] = {}
    before, inserted = 0, 0
    for key, kind, number in rows:
        if kind != BODY:
            continue
        if number is not None:
            before, inserted = number, 0
            labels[key] = str(number)
        else:
            inserted += 1
            labels[key] = f"{before}{letters(inserted)}"
    return labels


def label_line(label: str) -> int | None:
    """The reference line a line label names: 124 for "124" and "124a"; None for no label."""
    digits = label.rstrip("abcdefghijklmnopqrstuvwxyz")
    return int(digits) if digits else None


def _map_offset(diffs: list, offset: int) -> int:
    """Where character ``offset`` of the diff's first text falls in its second text."""
    return int(diff_match_patch().diff_xIndex(diffs, offset))


@lru_cache(maxsize=8192)
def _diffs(text: str, reference: str) -> tuple:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0.2
    diffs = dmp.diff_main(text, reference, False)
    dmp.diff_cleanupSemantic(diffs)
    return tuple(diffs)


@lru_cache(maxsize=8192)
def _reference_lines(reference: str, width: int) -> tuple[Line, ...]:
    """The lines of a reference text: the same texts are cited again and again."""
    return tuple(break_lines(reference, width))


def _line_number(lines: Sequence[Line], first: int, offset: int) -> int:
    """The number of the reference line holding ``offset`` (the nearest one before it when it
    falls between lines, the first when before all)."""
    number = first
    for index, line in enumerate(lines):
        if line.start <= offset:
            number = first + index
    return number


@lru_cache(maxsize=8192)
def line_labels(
    text: str, reference: str, first_line: int | None, width: int = DEFAULT_WIDTH
) -> tuple[str, ...]:
    """The label of each line of ``text`` (as ``break_lines`` cuts it) against its reference
    text whose lines start at ``first_line``: the same numbers when the text is unchanged;
    otherwise the reference line each line begins in, with letters for repeats. Empty labels
    for a paragraph that is not in the reference (``first_line`` None)."""
    lines = break_lines(text, width)
    if first_line is None:
        return ("",) * len(lines)
    if text == reference:
        return tuple(str(first_line + index) for index in range(len(lines)))
    ref_lines = _reference_lines(reference, width)
    diffs = list(_diffs(text, reference))
    labels: list[str] = []
    previous, repeats = None, 0
    for line in lines:
        number = _line_number(ref_lines, first_line, _map_offset(diffs, line.start))
        if previous is not None and number <= previous:
            number, repeats = previous, repeats + 1
            labels.append(f"{number}{letters(repeats)}")
        else:
            repeats = 0
            labels.append(str(number))
        previous = number
    return tuple(labels)


@dataclass(frozen=True)
class Citation:
    """A place in the reference: "¶ 9, lines 123–125", "the heading, line 21", "after ¶ 9,
    line 125" (an insertion). ``place`` names the paragraph; ``first``/``last`` are None when
    it has no reference lines."""

    place: str
    first: int | None
    last: int | None
    after: bool = False

    @property
    def where(self) -> str:
        """The paragraph named as the citation names it: "¶ 9", "after ¶ 9"."""
        return f"after {self.place}" if self.after and self.place else self.place

    def __str__(self) -> str:
        lines = line_range(self.first, self.last)
        return ", ".join(part for part in (self.where, lines) if part)


def changed_range(base: str, proposed: str) -> tuple[int, int]:
    """The characters of ``base`` that ``proposed`` changes: from the end of their common
    beginning to the start of their common end (an empty range for a pure insertion)."""
    dmp = diff_match_patch()
    prefix = int(dmp.diff_commonPrefix(base, proposed))
    rest_base, rest_proposed = base[prefix:], proposed[prefix:]
    suffix = int(dmp.diff_commonSuffix(rest_base, rest_proposed))
    return prefix, len(base) - suffix


def line_range(first: int | None, last: int | None) -> str:
    """ "line 12" or "lines 12–14" (en dash), or "" without lines."""
    if first is None or last is None:
        return ""
    if first == last:
        return f"line {first}"
    return f"lines {first}–{last}"


def cite(
    text: str,
    reference: str,
    first_line: int | None,
    start: int,
    end: int,
    width: int = DEFAULT_WIDTH,
) -> tuple[int, int] | None:
    """The first and last reference lines that characters ``start``..``end`` of ``text``
    touch (an empty range: the line it falls in); None when the paragraph has no reference
    lines."""
    if first_line is None:
        return None
    ref_lines = _reference_lines(reference, width)
    if not ref_lines:
        return None
    if text != reference:
        diffs = list(_diffs(text, reference))
        start, end = _map_offset(diffs, start), _map_offset(diffs, end)
    touched = [
        first_line + index
        for index, line in enumerate(ref_lines)
        if (line.start < end and start < line.end) or (start == end and line.start <= start)
    ]
    if not touched:
        return first_line, first_line
    if start == end:
        return touched[-1], touched[-1]
    return touched[0], touched[-1]


def find_line(rows: Iterable[tuple[int, int | None, int]], line: int) -> int | None:
    """The key of the paragraph whose reference lines hold ``line``, among (key, first line,
    line count) rows."""
    for key, first, count in rows:
        if first is not None and first <= line < first + count:
            return key
    return None
