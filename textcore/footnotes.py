"""Footnote references inside paragraph text.

The seed chapter marks a reference with digits right after the end of a sentence, sometimes
with a space ("fatal.” 1"), sometimes without ("communal life.2"). The text is stored verbatim;
this module finds the markers so pages and exports can link them and the word count skip them.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterator
from dataclasses import dataclass

# Closing punctuation of a sentence or quotation (not a decimal point: "2.5 million" has no
# reference), then at most one space (regular or non-breaking), then a one- or two-digit number
# that ends at whitespace or the end of the text.
FOOTNOTE_REF = re.compile(r"(?<=[^\d\s][.!?”’\"')…])([ \u00a0]?)(\d{1,2})(?=\s|$)")


@dataclass(frozen=True)
class FootnoteRef:
    """A reference marker: ``number`` is the note it points to, ``marker`` the exact source text."""

    number: int
    marker: str


def iter_refs(text: str, known: Container[int] | None = None) -> Iterator[re.Match[str]]:
    """Yield the matches of footnote markers, restricted to ``known`` note numbers if given."""
    for match in FOOTNOTE_REF.finditer(text):
        if known is None or int(match.group(2)) in known:
            yield match


def split_refs(text: str, known: Container[int] | None = None) -> list[str | FootnoteRef]:
    """Split ``text`` into strings and ``FootnoteRef`` markers; joining gives ``text`` back."""
    pieces: list[str | FootnoteRef] = []
    cursor = 0
    for match in iter_refs(text, known):
        if match.start() > cursor:
            pieces.append(text[cursor : match.start()])
        pieces.append(FootnoteRef(number=int(match.group(2)), marker=match.group(0)))
        cursor = match.end()
    if cursor < len(text):
        pieces.append(text[cursor:])
    return pieces


def ref_numbers(text: str, known: Container[int] | None = None) -> list[int]:
    """The note numbers referenced in ``text``, in order of appearance (repeats kept)."""
    return [int(m.group(2)) for m in iter_refs(text, known)]


def strip_refs(text: str, known: Container[int] | None = None) -> str:
    """``text`` without its footnote markers."""
    return "".join(p for p in split_refs(text, known) if isinstance(p, str))
