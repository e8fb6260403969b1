"""A DOCX of the text at a later moment with every change since an earlier one as a tracked
revision, so an editor can step through them in Word or LibreOffice and accept or reject each.

Inserted text is a ``w:ins`` around ordinary runs, deleted text a ``w:del`` around runs whose
text is in ``w:delText``, both with the amendment's author and date. A whole inserted or
deleted paragraph also marks its paragraph mark (``w:pPr/w:rPr/w:ins`` or ``w:del``), which is
how Word itself records adding or removing a paragraph: rejecting the insertion (or accepting
the deletion) then removes the paragraph entirely instead of leaving an empty one.

Footnotes are real Word footnotes, as in the plain DOCX (``textcore.export.docx``): each
reference is a ``w:footnoteReference`` (later references to the same note ``NOTEREF``
fields), and a change inside a note is tracked inside the footnote. A reference that an
amendment added or removed is itself a tracked insertion or deletion, so accepting every
change gives the later text with its notes and rejecting every change the earlier one. Each
chapter is a section numbering its notes from 1.

A note that nothing references at a moment is listed at the end of its chapter under "Notes
not referenced in the text", as every format lists such notes; when a change removed its last
reference (or gave it one back) the listing is itself a tracked insertion (or deletion).

The document also turns on "track changes", so the editor's own edits are tracked too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Sequence
from dataclasses import dataclass
from datetime import datetime

from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.text.paragraph import Paragraph

from textcore.export._common import human_date, iso_utc, trim_run_edges
from textcore.export._docx_common import (
    GENERATOR,
    FootnotesPart,
    add_setting,
    bookmarked,
    end_section,
    footnote_reference,
    new_document,
    note_cross_reference_runs,
    paragraph,
    restart_footnotes_each_section,
    set_right_to_left,
    starts_right_to_left,
    styled_paragraph,
    text_run,
    to_bytes,
)
from textcore.export.document import DiffOp, TrackedBlock, TrackedChapter, TrackedSegment
from textcore.footnotes import UNREFERENCED, UNREFERENCED_NOTES_HEADING, iter_refs

_STYLES = {"heading": "Heading 2", "body": "Normal", "footnote": "Normal"}


@dataclass(frozen=True)
class TrackedRef:
    """A footnote reference in a tracked paragraph: kept (0), inserted (1) or deleted (-1)."""

    op: DiffOp
    number: int
    author: str | None = None
    date: datetime | None = None


TrackedPiece = TrackedSegment | TrackedRef
# A marker found in one side's text: (start, end) in the stream of all segments, the side
# (-1 the earlier text, 1 the later one), (start, end) in that side's text, the note number.
_Marker = tuple[int, int, int, int, int, int]
# Where a segment starts: in the stream of all segments, in the earlier text, in the later one.
_Starts = list[tuple[int, int, int]]


def render_tracked_docx(
    chapters: tuple[TrackedChapter, ...],
    title: str,
    since_label: str,
    until_label: str,
    generated_at: datetime,
) -> bytes:
    """DOCX bytes of the chapters with each change since ``since_label`` as a Word revision."""
    explanation = (
        f"The text {until_label}, with every change since {since_label} shown as a tracked "
        f"change. Exported {human_date(generated_at)}."
    )
    document = new_document(
        title=title,
        created=generated_at,
        subject=f"Changes since {since_label}, text {until_label}",
        comments=explanation,
    )
    # trackRevisions sits before these settings in the schema; the template has defaultTabStop.
    add_setting(
        document,
        OxmlElement("w:trackRevisions"),
        "w:doNotTrackMoves",
        "w:doNotTrackFormatting",
        "w:documentProtection",
        "w:autoFormatOverride",
        "w:styleLockTheme",
        "w:styleLockQFSet",
        "w:defaultTabStop",
    )
    footnotes = FootnotesPart(document)
    paragraph(document, "Title", title)
    paragraph(document, "Normal").add_run(explanation).italic = True

    revisions = _Revisions(generated_at)
    for index, chapter in enumerate(chapters, start=1):
        if index > 1:
            end_section(document)
        paragraph(document, "Heading 1", chapter.title)
        _Chapter(document, chapter, index, footnotes, revisions).render()
    if len(chapters) > 1:
        restart_footnotes_each_section(document)
    return to_bytes(document)


def tracked_pieces(
    segments: Sequence[TrackedSegment],
    known_before: Container[int],
    known_after: Container[int],
    same_notes: Container[int] = (),
) -> list[TrackedPiece]:
    """The segments with their footnote references found: a reference present at both moments
    to the same note (its number in ``same_notes``) is kept; one only the earlier text had is
    deleted and one only the later text has is inserted.

    ``known_before``/``known_after`` are the note numbers of each moment: only digits that
    refer to one of them are references, in the earlier and in the later text respectively.
    Markers are found in the whole text, as the other formats find them, since a marker is
    only one in context ("life.2"); the characters a marker spans are replaced by the
    reference, on each side.
    """
    segments = [s for s in segments if s.text]
    before = "".join(s.text for s in segments if s.op != 1)
    after = "".join(s.text for s in segments if s.op != -1)
    # Where each segment starts in the stream of all segments, in the earlier and the later text.
    starts: _Starts = []
    stream = in_before = in_after = 0
    for segment in segments:
        starts.append((stream, in_before, in_after))
        stream += len(segment.text)
        in_before += len(segment.text) if segment.op != 1 else 0
        in_after += len(segment.text) if segment.op != -1 else 0

    def hull(low: int, high: int, side: int) -> tuple[int, int]:
        """The stream range covering the characters [low, high) of one side's text."""
        covered: list[int] = []
        for segment, (at, before_at, after_at) in zip(segments, starts, strict=True):
            if segment.op == -side:
                continue
            offset = before_at if side == -1 else after_at
            first, last = max(low, offset), min(high, offset + len(segment.text))
            if first < last:
                covered += [at + first - offset, at + last - offset]
        return min(covered), max(covered)

    markers: list[_Marker] = [
        (*hull(*match.span(), side), side, *match.span(), int(match.group(2)))
        for side, text, known in ((-1, before, known_before), (1, after, known_after))
        for match in iter_refs(text, known)
    ]
    markers.sort()
    # Markers that share characters (the same reference on both sides) form one unit.
    units: list[list[_Marker]] = []
    for marker in markers:
        if units and marker[0] < max(m[1] for m in units[-1]):
            units[-1].append(marker)
        else:
            units.append([marker])

    pieces: list[TrackedPiece] = []
    cursor = 0
    for unit in units:
        low, high = unit[0][0], max(m[1] for m in unit)
        pieces += _stream_slice(segments, starts, cursor, low)
        pieces += _unit_pieces(segments, starts, unit, low, high, same_notes)
        cursor = high
    pieces += _stream_slice(segments, starts, cursor, stream)
    return _merge(pieces)


def _stream_slice(
    segments: Sequence[TrackedSegment], starts: _Starts, low: int, high: int
) -> list[TrackedPiece]:
    """The segments' text between two stream positions, as segments."""
    pieces: list[TrackedPiece] = []
    for segment, (at, _, _) in zip(segments, starts, strict=True):
        first, last = max(low, at), min(high, at + len(segment.text))
        if first < last:
            text = segment.text[first - at : last - at]
            pieces.append(TrackedSegment(segment.op, text, segment.author, segment.date))
    return pieces


def _unit_pieces(
    segments: Sequence[TrackedSegment],
    starts: _Starts,
    unit: list[_Marker],
    low: int,
    high: int,
    same_notes: Container[int],
) -> list[TrackedPiece]:
    """One reference (or a pair that replaced each other) with the text around it that the
    markers span: what the earlier text had there, deleted, then what the later text has,
    inserted; or the reference kept when both sides have the same note."""
    sides: dict[int, list[str | int]] = {-1: [], 1: []}
    changed_by: TrackedSegment | None = None
    for segment, (at, before_at, after_at) in zip(segments, starts, strict=True):
        for position in range(max(low, at), min(high, at + len(segment.text))):
            if segment.op != 0 and changed_by is None:
                changed_by = segment
            for side, offset in ((-1, before_at), (1, after_at)):
                if segment.op == -side:
                    continue
                index = offset + position - at
                marker = next(
                    (m for m in unit if m[2] == side and m[3] <= index < m[4]),
                    None,
                )
                shown = sides[side]
                if marker is None:
                    shown.append(segment.text[position - at])
                elif marker[3] == index:
                    shown.append(marker[5])  # the reference, once, at its first character
    author = changed_by.author if changed_by else None
    date = changed_by.date if changed_by else None

    def as_pieces(shown: list[str | int], op: DiffOp) -> list[TrackedPiece]:
        who = (author, date) if op else (None, None)
        return [
            TrackedRef(op, item, *who) if isinstance(item, int) else TrackedSegment(op, item, *who)
            for item in shown
        ]

    before, after = sides[-1], sides[1]
    refs = [item for item in before if isinstance(item, int)]
    if before == after and all(number in same_notes for number in refs):
        return as_pieces(after, 0)
    return as_pieces(before, -1) + as_pieces(after, 1)


def _merge(pieces: list[TrackedPiece]) -> list[TrackedPiece]:
    merged: list[TrackedPiece] = []
    for piece in pieces:
        previous = merged[-1] if merged else None
        if (
            isinstance(piece, TrackedSegment)
            and isinstance(previous, TrackedSegment)
            and (previous.op, previous.author, previous.date)
            == (piece.op, piece.author, piece.date)
        ):
            merged[-1] = TrackedSegment(
                piece.op, previous.text + piece.text, piece.author, piece.date
            )
        else:
            merged.append(piece)
    return merged


class _Revisions:
    """Makes revision marks with ids unique in the document, as Word requires."""

    def __init__(self, fallback_date: datetime) -> None:
        self._next_id = 1
        self._fallback_date = fallback_date

    def mark(self, op: int, author: str | None, date: datetime | None) -> BaseOxmlElement:
        """An empty ``w:ins`` (op 1) or ``w:del`` (op -1) with author, date and a fresh id."""
        element = OxmlElement("w:ins" if op > 0 else "w:del")
        element.set(qn("w:id"), str(self._next_id))
        self._next_id += 1
        element.set(qn("w:author"), author or GENERATOR)
        element.set(qn("w:date"), iso_utc(date or self._fallback_date))
        return element


@dataclass
class _Reference:
    """One reference of the chapter, with the note block it points to."""

    ref: TrackedRef
    note: TrackedBlock


class _Chapter:
    """One chapter: its paragraphs with their references, its notes as Word footnotes, and
    the notes nothing references at the end."""

    def __init__(
        self,
        document: DocxDocument,
        chapter: TrackedChapter,
        index: int,
        footnotes: FootnotesPart,
        revisions: _Revisions,
    ) -> None:
        self.document, self.index = document, index
        self.footnotes, self.revisions = footnotes, revisions
        self.text_blocks = [b for b in chapter.blocks if b.kind != "footnote"]
        self.notes = [b for b in chapter.blocks if b.kind == "footnote"]
        numbered = [(b.number, b) for b in self.notes if b.number is not None]
        self.before = {number: b for number, b in numbered if b.status != "inserted"}
        self.after = {number: b for number, b in numbered if b.status != "deleted"}
        same = {number for number, note in self.after.items() if self.before.get(number) is note}
        self.pieces = [
            tracked_pieces(_shown_segments(block), self.before, self.after, same)
            for block in self.text_blocks
        ]
        self.references = [
            _Reference(piece, self._note_of(piece))
            for pieces in self.pieces
            for piece in pieces
            if isinstance(piece, TrackedRef)
        ]
        # Each note is a Word footnote once: at its first reference the later text has, or,
        # if it has none, at its first one the earlier text had.
        self.primary: dict[int, _Reference] = {}
        for wanted in ((0, 1), (-1,)):
            for reference in self.references:
                if reference.ref.op in wanted and id(reference.note) not in self.primary:
                    self.primary[id(reference.note)] = reference
        counts = Counter(id(reference.note) for reference in self.references)
        self.several = {key for key, count in counts.items() if count > 1}
        # Word numbers footnotes in the order of their references; a cross-reference shows
        # the number its note gets.
        self.ordinal: dict[int, int] = {}
        for reference in self.references:
            if self.primary[id(reference.note)] is reference:
                self.ordinal[id(reference.note)] = len(self.ordinal) + 1

    def _note_of(self, ref: TrackedRef) -> TrackedBlock:
        return (self.before if ref.op == -1 else self.after)[ref.number]

    def render(self) -> None:
        references = iter(self.references)
        for block, pieces in zip(self.text_blocks, self.pieces, strict=True):
            para = _tracked_paragraph(self.document, block, self.revisions)
            fallback = _block_author(block)
            for piece in pieces:
                if isinstance(piece, TrackedRef):
                    for element in self._reference(next(references), fallback):
                        para._p.append(element)
                else:
                    _append_segment(para._p, piece, fallback, self.revisions)
        self._unreferenced_notes()

    def _reference(
        self, reference: _Reference, fallback: tuple[str | None, datetime | None]
    ) -> list[BaseOxmlElement]:
        ref, key = reference.ref, id(reference.note)
        author, date = ref.author or fallback[0], ref.date or fallback[1]
        name = f"_RefNote_{self.index}_{reference.note.number}"
        if self.primary[key] is reference:
            wrap = self.revisions.mark(ref.op, author, date) if ref.op else None
            footnote_id, note = self.footnotes.new_note(
                starts_right_to_left(reference.note.after_text or reference.note.before_text),
                wrap,
            )
            _fill_note(note, reference.note, self.revisions)
            elements = [footnote_reference(footnote_id)]
            if key in self.several:
                elements = bookmarked(elements, self.footnotes.bookmark_id(), name)
        else:
            elements = note_cross_reference_runs(name, self.ordinal[key], deleted=ref.op == -1)
        if not ref.op:
            return elements
        mark = self.revisions.mark(ref.op, author, date)
        # Bookmarks stay outside the revision; the runs go inside it.
        for element in elements:
            if element.tag in (qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
                continue
            mark.append(element)
        head = [e for e in elements[:1] if e.tag == qn("w:bookmarkStart")]
        tail = [e for e in elements[-1:] if e.tag == qn("w:bookmarkEnd")]
        return [*head, mark, *tail]

    def _unreferenced_notes(self) -> None:
        referenced_after = {id(r.note) for r in self.references if r.ref.op != -1}
        referenced_before = {id(r.note) for r in self.references if r.ref.op != 1}
        listed: list[tuple[TrackedBlock, int, tuple[str | None, datetime | None]]] = []
        for note in self.notes:
            alone_after = note.status != "deleted" and id(note) not in referenced_after
            alone_before = note.status != "inserted" and id(note) not in referenced_before
            if not (alone_after or alone_before):
                continue
            # Listed at both moments: the note's own changes show; listed at one moment only:
            # the listing comes or goes with the change to the reference that made it so.
            op = 0 if alone_after and alone_before else 1 if alone_after else -1
            listed.append((note, op, self._who_changed(note, op)))
        if not listed:
            return
        ops = {op for _, op, _ in listed}
        heading_op = ops.pop() if len(ops) == 1 else 0
        heading = paragraph(self.document, "Heading 2")
        first_who = next(who for _, op, who in listed if op == heading_op or not heading_op)
        _fill_whole(heading._p, heading_op, UNREFERENCED_NOTES_HEADING, first_who, self.revisions)
        for note, op, who in listed:
            para = styled_paragraph(self.document, "Normal")
            if starts_right_to_left(note.after_text or note.before_text):
                set_right_to_left(para)
            number = "" if note.number is None else f"{note.number}. "
            if op:
                text = note.after_text if op > 0 else note.before_text
                line = f"{number}{text.strip()} ({UNREFERENCED})"
                _fill_whole(para._p, op, line, who, self.revisions)
                continue
            para._p.append(text_run(number))
            _fill_note(para._p, note, self.revisions)
            para._p.append(text_run(f" ({UNREFERENCED})"))

    def _who_changed(self, note: TrackedBlock, op: int) -> tuple[str | None, datetime | None]:
        # A listing that comes or goes is credited to whoever removed (or gave back) the
        # note's last reference, or to whoever added or deleted the note itself.
        for reference in self.references:
            if reference.note is note and reference.ref.op == -op:
                return reference.ref.author, reference.ref.date
        return _block_author(note)


def _shown_segments(block: TrackedBlock) -> list[TrackedSegment]:
    """The block's segments as every format shows a paragraph: no spaces at its ends."""
    fallback = _block_author(block)
    shown: list[TrackedSegment] = []
    for index, shown_op, text in trim_run_edges([(s.op, s.text) for s in block.segments]):
        segment = block.segments[index]
        op: DiffOp = 1 if shown_op > 0 else -1 if shown_op < 0 else 0
        if block.status in ("inserted", "deleted"):
            # A whole paragraph's change is credited on the block.
            shown.append(TrackedSegment(op, text, block.author, block.date))
        elif op != segment.op:
            # A kept space at one text's end is shown as a change: credit the block's author.
            shown.append(TrackedSegment(op, text, *fallback))
        else:
            shown.append(TrackedSegment(op, text, segment.author, segment.date))
    return shown


def _tracked_paragraph(
    document: DocxDocument, block: TrackedBlock, revisions: _Revisions
) -> Paragraph:
    para = styled_paragraph(document, _STYLES[block.kind])
    if starts_right_to_left(block.after_text or block.before_text):
        set_right_to_left(para)
    if block.status in ("inserted", "deleted"):
        # The paragraph mark itself is inserted or deleted with the paragraph's text.
        op = 1 if block.status == "inserted" else -1
        rpr = OxmlElement("w:rPr")
        rpr.append(revisions.mark(op, *_block_author(block)))
        para._p.get_or_add_pPr().append(rpr)
    return para


def _append_segment(
    parent: BaseOxmlElement,
    segment: TrackedSegment,
    fallback: tuple[str | None, datetime | None],
    revisions: _Revisions,
) -> None:
    if segment.op == 0:
        parent.append(text_run(segment.text))
        return
    mark = revisions.mark(segment.op, segment.author or fallback[0], segment.date or fallback[1])
    parent.append(_revised_run(mark, segment.op, segment.text))


def _fill_note(parent: BaseOxmlElement, note: TrackedBlock, revisions: _Revisions) -> None:
    """The note's text, its own changes tracked, appended to a footnote or a listing."""
    fallback = _block_author(note)
    for segment in _shown_segments(note):
        _append_segment(parent, segment, fallback, revisions)


def _fill_whole(
    parent: BaseOxmlElement,
    op: int,
    text: str,
    who: tuple[str | None, datetime | None],
    revisions: _Revisions,
) -> None:
    """A paragraph whose text, and paragraph mark, are inserted or deleted as a whole (or kept,
    for op 0)."""
    if not op:
        parent.append(text_run(text))
        return
    rpr = OxmlElement("w:rPr")
    rpr.append(revisions.mark(op, *who))
    ppr = parent.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        parent.insert(0, ppr)
    ppr.append(rpr)
    parent.append(_revised_run(revisions.mark(op, *who), op, text))


def _revised_run(mark: BaseOxmlElement, op: int, text: str) -> BaseOxmlElement:
    mark.append(text_run(text, tag="w:t" if op > 0 else "w:delText"))
    return mark


def _block_author(block: TrackedBlock) -> tuple[str | None, datetime | None]:
    # A whole-paragraph change normally carries its author on the block; fall back to the
    # first changed segment's, so a caller that only set segments is still credited.
    if block.author or block.date:
        return block.author, block.date
    for segment in block.segments:
        if segment.op != 0:
            return segment.author, segment.date
    return None, None
