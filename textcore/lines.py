"""Line numbers: a paragraph broken into lines of a fixed length, the way people cite text.

Programme amendments are cited by line ("lines 123–125"), so every page, export and e-mail
must agree on where a line ends. The lines are computed here, once, on the server: greedy
word wrap at a fixed number of characters (code points), breaking only at ordinary
whitespace. A non-breaking space never breaks, and a footnote marker after a sentence
("fatal.” 1") stays on the line of the word it follows. A word longer than a line is cut into
pieces of exactly the line length. Leading and trailing whitespace belongs to no line, so a
paragraph of only spaces has no lines; a heading is a paragraph like any other.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass

from textcore.footnotes import iter_refs

DEFAULT_WIDTH = 80
MIN_WIDTH = 20
MAX_WIDTH = 200

# Where a line may break: whitespace that is not a non-breaking kind (no-break space, figure
# space, narrow no-break space, word joiner is not whitespace at all).
_BREAKABLE = re.compile(r"[^\S\u00a0\u2007\u202f]+")


@dataclass(frozen=True)
class Line:
    """One line of a paragraph: characters ``start`` to ``end`` (exclusive) of its text."""

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


def _check_width(width: int) -> None:
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        raise ValueError(f"A line is {MIN_WIDTH} to {MAX_WIDTH} characters long, not {width}.")


def _tokens(text: str, known: Container[int] | None) -> list[tuple[int, int]]:
    """The unbreakable runs of ``text`` as (start, end); the space before a footnote marker
    does not end a run, so the marker stays with the word before it."""
    glued = {m.start() for m in iter_refs(text, known) if m.group(1) == " "}
    tokens: list[tuple[int, int]] = []
    # Spaces of every kind at either end, non-breaking ones included, belong to no line.
    cursor, stop = len(text) - len(text.lstrip()), len(text.rstrip())
    for gap in _BREAKABLE.finditer(text, cursor, stop):
        if gap.start() in glued:
            continue
        if gap.start() > cursor:
            tokens.append((cursor, gap.start()))
        cursor = gap.end()
    if cursor < stop:
        tokens.append((cursor, stop))
    return tokens


def _cuts(start: int, end: int, width: int, markers: Sequence[tuple[int, int]]) -> list[int]:
    """Where the run start..end is cut into pieces of ``width`` characters; a cut that would
    fall inside a footnote marker, or just before it, moves back by one more character, so
    the marker keeps the end of its sentence."""
    cuts: list[int] = []
    position = start + width
    while position < end:
        for low, high in markers:
            if low <= position < high:
                position = low - 1
        cuts.append(position)
        position += width
    return cuts


def break_lines(
    text: str, width: int = DEFAULT_WIDTH, known: Container[int] | None = None
) -> list[Line]:
    """``text`` broken into lines of at most ``width`` characters (greedy; see the module
    docstring). ``known``: the note numbers whose markers stay glued (all when None)."""
    _check_width(width)
    markers = [(m.start(), m.end()) for m in iter_refs(text, known)]
    lines: list[Line] = []
    line_start: int | None = None
    line_end = 0
    for start, end in _tokens(text, known):
        if end - start > width:
            if line_start is not None:
                lines.append(Line(line_start, line_end))
            points = [start, *_cuts(start, end, width, markers)]
            for low, high in itertools.pairwise(points):
                lines.append(Line(low, high))
            line_start, line_end = points[-1], end
            continue
        if line_start is not None and end - line_start <= width:
            line_end = end
            continue
        if line_start is not None:
            lines.append(Line(line_start, line_end))
        line_start, line_end = start, end
    if line_start is not None:
        lines.append(Line(line_start, line_end))
    return lines


@dataclass(frozen=True)
class NumberedParagraph:
    """A paragraph's lines and the number of its first line (``first`` > ``last`` when it
    has none)."""

    lines: tuple[Line, ...]
    first: int

    @property
    def last(self) -> int:
        return self.first + len(self.lines) - 1

    def number_of(self, offset: int) -> int | None:
        """The number of the line holding character ``offset`` (None if it is in no line:
        leading or trailing space)."""
        for index, line in enumerate(self.lines):
            if line.start <= offset < line.end:
                return self.first + index
        return None

    def numbers_of(self, start: int, end: int) -> tuple[int, int] | None:
        """The first and last line numbers that characters ``start``..``end`` (exclusive)
        touch; an empty range (an insertion) touches the line it falls in or ends."""
        touched = [
            self.first + index
            for index, line in enumerate(self.lines)
            if (line.start < end and start < line.end)
            or (start == end and line.start <= start <= line.end)
        ]
        if not touched:
            return None
        return touched[0], touched[-1]


def number_paragraphs(
    texts: Iterable[str], width: int = DEFAULT_WIDTH, first: int = 1
) -> list[NumberedParagraph]:
    """Number the lines of ``texts`` continuously from ``first``, in order."""
    numbered: list[NumberedParagraph] = []
    for text in texts:
        lines = tuple(break_lines(text, width))
        numbered.append(NumberedParagraph(lines, first))
        first += len(lines)
    return numbered


def line_texts(text: str, lines: Sequence[Line]) -> list[str]:
    """The text of each line."""
    return [text[line.start : line.end] for line in lines]
