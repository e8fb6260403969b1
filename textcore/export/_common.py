"""Small helpers every renderer shares: cleaning text, finding footnote references, dates."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Container, Iterator, Sequence
from datetime import UTC, datetime
from itertools import pairwise

from textcore.export.document import ExportBlock, ExportChapter, ExportDocument
from textcore.footnotes import FootnoteRef, split_refs
from textcore.lines import break_lines, line_texts
from textcore.words import trim_edges

# Characters XML 1.0 forbids (C0 controls but tab, newline and carriage return; surrogates;
# U+FFFE and U+FFFF). lxml refuses them and Word calls the file corrupt, so every format drops
# them: our texts should never hold them, and an export must not crash on a stray one.
_XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_LINE_BREAK = re.compile(r"\r\n?|\n")

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def clean_text(text: str) -> str:
    """``text`` without the characters that XML 1.0 (and so DOCX and XHTML) cannot hold."""
    return _XML_ILLEGAL.sub("", text)


def shown_text(text: str) -> str:
    """A paragraph or note as every format shows it: cleaned, without the spaces at its ends
    (the seed's non-breaking spaces would read as an indent; see ``trim_edges``)."""
    return trim_edges(clean_text(text))


def trim_run_edges(runs: Sequence[tuple[int, str]]) -> list[tuple[int, int, str]]:
    """Diff runs (-1 deleted, 0 kept, 1 inserted) shown without the spaces at the ends of the
    earlier text and of the later one, as every format shows a paragraph.

    Returns (index of the run, op, text) pieces. A kept space that is at an end of one text
    only becomes a deletion or an insertion, so that accepting every change still gives the
    later text, and rejecting every change the earlier one, each without its edge spaces.
    """
    after = "".join(text for op, text in runs if op != -1)
    before = "".join(text for op, text in runs if op != 1)
    after_span = (len(after) - len(after.lstrip()), len(after.rstrip()))
    before_span = (len(before) - len(before.lstrip()), len(before.rstrip()))
    pieces: list[tuple[int, int, str]] = []
    in_after = in_before = 0  # where the run starts in the later and in the earlier text
    for index, (op, text) in enumerate(runs):
        cuts = {0, len(text)}
        for offset, (low, high) in ((in_after, after_span), (in_before, before_span)):
            cuts.update(min(max(edge - offset, 0), len(text)) for edge in (low, high))
        points = sorted(cuts)
        for start, end in pairwise(points):
            shown_after = op != -1 and after_span[0] <= in_after + start < after_span[1]
            shown_before = op != 1 and before_span[0] <= in_before + start < before_span[1]
            shown_op = 0 if shown_after and shown_before else 1 if shown_after else -1
            if not (shown_after or shown_before):
                continue
            if pieces and pieces[-1][:2] == (index, shown_op):
                pieces[-1] = (index, shown_op, pieces[-1][2] + text[start:end])
            else:
                pieces.append((index, shown_op, text[start:end]))
        if op != -1:
            in_after += len(text)
        if op != 1:
            in_before += len(text)
    return pieces


def one_line(text: str) -> str:
    """``text`` with its line breaks turned into spaces: a paragraph is one line in our formats."""
    return _LINE_BREAK.sub(" ", text)


def split_lines(text: str) -> list[str]:
    """The cleaned ``text`` cut at its line breaks (CR LF, CR or LF)."""
    return _LINE_BREAK.split(clean_text(text))


def numbered_lines(block: ExportBlock, width: int) -> list[tuple[str, str]]:
    """(label, text) of each line of a numbered block, cut as ``break_lines`` cuts it at
    ``width`` (the cut its labels were given for); "" labels a line without a number. Empty
    for a block without line labels (a note, or a text exported without numbers)."""
    if not block.line_labels:
        return []
    lines = line_texts(block.text, break_lines(block.text, width))
    labels = block.line_labels + ("",) * (len(lines) - len(block.line_labels))
    return [(label, clean_text(line)) for label, line in zip(labels, lines, strict=False)]


def label_width(doc: ExportDocument) -> int:
    """The characters of the longest line label in the document (at least 1)."""
    labels = (label for c in doc.chapters for b in c.text_blocks for label in b.line_labels)
    return max((len(label) for label in labels), default=1) or 1


def split_inline(text: str, known: Container[int]) -> list[str | FootnoteRef]:
    """The shown ``text`` split into plain strings and references to the ``known`` notes."""
    return split_refs(shown_text(text), known)


class ReferenceCounter:
    """Counts the references to each note, so every reference gets its own id.

    Note 2 of the seed chapter is referenced twice: the first reference is occurrence 1, the
    second occurrence 2, and the note needs a back link to each.
    """

    def __init__(self) -> None:
        self._seen: Counter[int] = Counter()

    def next(self, number: int) -> int:
        """Count one more reference to note ``number`` and return its occurrence (from 1)."""
        self._seen[number] += 1
        return self._seen[number]


def iter_references(chapter: ExportChapter) -> Iterator[tuple[int, int]]:
    """Every (note number, occurrence) referenced in the chapter's headings and body, in order."""
    counter = ReferenceCounter()
    known = chapter.known_footnotes
    for block in chapter.text_blocks:
        for piece in split_inline(block.text, known):
            if isinstance(piece, FootnoteRef):
                yield piece.number, counter.next(piece.number)


def reference_counts(chapter: ExportChapter) -> Counter[int]:
    """How many times each note is referenced in the chapter."""
    return Counter(number for number, _ in iter_references(chapter))


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso_utc(moment: datetime) -> str:
    """``moment`` as ISO 8601 UTC to the second ("2026-11-26T10:00:00Z"), as OOXML wants it."""
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def human_date(moment: datetime) -> str:
    """``moment`` as readers write it ("26 November 2026, 10:00 UTC"), whatever the locale."""
    utc = as_utc(moment)
    return f"{utc.day} {_MONTHS[utc.month - 1]} {utc.year}, {utc:%H:%M} UTC"


def provenance_line(doc: ExportDocument) -> str:
    """One line saying what text this is: moment, version and when it was exported."""
    parts = [f"Text {doc.moment_label}" if doc.moment_label else "Text"]
    if doc.version:
        parts.append(f"version {doc.version}")
    parts.append(f"exported {human_date(doc.generated_at)}")
    return " · ".join(parts)


def heading_levels(doc: ExportDocument) -> tuple[int | None, int]:
    """The heading levels (1 = the title) of chapter titles and of section headings.

    A one-chapter document titled after its chapter shows the title once, so its chapter
    level is None and its sections sit at level 2; otherwise chapters are 2, sections 3.
    """
    return (None, 2) if doc.title_is_chapter else (2, 3)
