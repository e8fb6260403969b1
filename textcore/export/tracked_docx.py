"""A DOCX of the text at a later moment with every change since an earlier one as a tracked
revision, so an editor can step through them in Word or LibreOffice and accept or reject each.

Inserted text is a ``w:ins`` around ordinary runs, deleted text a ``w:del`` around runs whose
text is in ``w:delText``, both with the amendment's author and date. A whole inserted or
deleted paragraph also marks its paragraph mark (``w:pPr/w:rPr/w:ins`` or ``w:del``), which is
how Word itself records adding or removing a paragraph: rejecting the insertion (or accepting
the deletion) then removes the paragraph entirely instead of leaving an empty one.

The document also turns on "track changes", so the editor's own edits are tracked too.
Footnotes are listed as numbered paragraphs under "Notes" at the end of each chapter, and
the footnote markers stay in the text as they are stored (digits): a real Word footnote
cannot carry a marker that is itself inserted or deleted by an amendment.
"""

from __future__ import annotations

from datetime import datetime

from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

from textcore.export._common import human_date, iso_utc, shown_text, trim_run_edges
from textcore.export._docx_common import (
    GENERATOR,
    add_setting,
    new_document,
    paragraph,
    set_right_to_left,
    starts_right_to_left,
    styled_paragraph,
    text_run,
    to_bytes,
)
from textcore.export.document import TrackedBlock, TrackedChapter

NOTES_HEADING = "Notes"
_STYLES = {"heading": "Heading 2", "body": "Normal", "footnote": "Normal"}


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
    paragraph(document, "Title", title)
    paragraph(document, "Normal").add_run(explanation).italic = True

    revisions = _Revisions(generated_at)
    for chapter in chapters:
        paragraph(document, "Heading 1", chapter.title)
        notes_started = False
        for block in chapter.blocks:
            if block.kind == "footnote" and not notes_started:
                paragraph(document, "Heading 2", NOTES_HEADING)
                notes_started = True
            _add_tracked_block(document, block, revisions)
    return to_bytes(document)


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


def _add_tracked_block(document: DocxDocument, block: TrackedBlock, revisions: _Revisions) -> None:
    para = styled_paragraph(document, _STYLES[block.kind])
    if starts_right_to_left(block.after_text or block.before_text):
        set_right_to_left(para)
    prefix = f"{block.number}. " if block.kind == "footnote" and block.number is not None else ""

    if block.status in ("inserted", "deleted"):
        op = 1 if block.status == "inserted" else -1
        author, date = _block_author(block)
        # The paragraph mark itself is inserted or deleted with the paragraph's text.
        rpr = OxmlElement("w:rPr")
        rpr.append(revisions.mark(op, author, date))
        para._p.get_or_add_pPr().append(rpr)
        text = prefix + shown_text(block.after_text if op > 0 else block.before_text)
        para._p.append(_revised_run(revisions.mark(op, author, date), op, text))
        return

    if prefix:
        para._p.append(text_run(prefix))
    fallback_author, fallback_date = _block_author(block)
    for index, op, text in trim_run_edges([(s.op, s.text) for s in block.segments]):
        if op == 0:
            para._p.append(text_run(text))
            continue
        segment = block.segments[index]
        # A kept space at one text's end is shown as a change: credit the block's author.
        mark = revisions.mark(op, segment.author or fallback_author, segment.date or fallback_date)
        para._p.append(_revised_run(mark, op, text))


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
