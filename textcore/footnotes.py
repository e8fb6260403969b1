"""Footnote references inside paragraph text.

The seed chapter marks a reference with digits right after the end of a sentence, sometimes
with a space ("fatal.” 1"), sometimes without ("communal life.2"). The text is stored verbatim;
this module finds the markers so pages and exports can link them and the word count skip them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass

# A note that no heading or paragraph references any more (its paragraph deleted, say) is still
# a note of the chapter: every output shows it with its number, followed by these words, and
# formats whose footnotes need a reference (Word, Markdown) list it under this heading.
UNREFERENCED = "not referenced in the text"
UNREFERENCED_NOTES_HEADING = "Notes not referenced in the text"
_UNREFERENCED_MARK = f" ({UNREFERENCED})"

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


def unreferenced_note(number: int | None, text: str) -> str:
    """A note that nothing references, as every output shows it:
    "3. Its text (not referenced in the text)"."""
    shown = f"{text}{_UNREFERENCED_MARK}"
    return shown if number is None else f"{number}. {shown}"


def unmark_unreferenced(text: str) -> str:
    """A note's text without the words ``unreferenced_note`` added, for reading an export back."""
    return text.removesuffix(_UNREFERENCED_MARK)


def references_lost(
    old: str, new: str, elsewhere: Mapping[int, int], known: Container[int] | None = None
) -> list[tuple[int, int]]:
    """The notes left without a reference when a paragraph's ``old`` text becomes ``new``
    ("" for a deletion): referenced in ``old``, neither in ``new`` nor anywhere else
    (``elsewhere`` counts each note's references in the chapter's other headings and
    paragraphs). Returns (note number, references ``old`` had), in order of appearance."""
    before, after = Counter(ref_numbers(old, known)), Counter(ref_numbers(new, known))
    return [
        (number, count)
        for number, count in before.items()
        if not after[number] and not elsewhere.get(number, 0)
    ]
