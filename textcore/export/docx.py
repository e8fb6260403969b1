"""A Word document (DOCX) of an export document, with real Word footnotes.

Title in Word's Title style, chapter titles as Heading 1 and section headings as Heading 2
(one level up when a one-chapter document is titled after its chapter), body paragraphs in
Normal. Each chapter after the first starts a new section, and footnote numbering restarts
with each section, as our numbering restarts with each chapter.

Footnotes: python-docx has no footnote API, so this module adds the footnotes part
(``word/footnotes.xml`` with Word's separator notes -1 and 0, its content type and its
relationship), Word's footnote styles, and ``w:footnoteReference`` runs. A Word footnote
belongs to exactly one reference, while our notes can be referenced more than once (note 2 of
the seed chapter is). The first reference gets the real footnote, bookmarked; each later
reference is a ``NOTEREF`` cross-reference field to that bookmark, formatted as a footnote
mark and showing the same number. So the note's text appears once, the numbers stay those
of the source, and Word updates the cross-reference if notes are renumbered later.

A note that no heading or paragraph references (its paragraph deleted, say) is still a note
of the chapter, and every format shows it with its number and the words "(not referenced in
the text)". A Word footnote cannot exist without a reference, so here such notes are listed
at the end of their chapter, under "Notes not referenced in the text".
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.oxml.xmlchemy import BaseOxmlElement

from textcore.export._common import (
    ReferenceCounter,
    heading_levels,
    provenance_line,
    reference_counts,
    shown_text,
    split_inline,
    split_lines,
)
from textcore.export._docx_common import (
    FootnotesPart,
    bookmarked,
    end_section,
    footnote_reference,
    new_document,
    note_cross_reference,
    paragraph,
    restart_footnotes_each_section,
    set_right_to_left,
    starts_right_to_left,
    styled_paragraph,
    to_bytes,
)
from textcore.export.document import ExportBlock, ExportChapter, ExportDocument
from textcore.footnotes import UNREFERENCED_NOTES_HEADING, FootnoteRef, unreferenced_note


def render_docx(doc: ExportDocument) -> bytes:
    """The document as DOCX bytes: styles, properties and real footnotes (module docstring)."""
    document = new_document(
        title=doc.title,
        created=doc.generated_at,
        subject=doc.moment_label,
        comments=provenance_line(doc),
        version=doc.version,
    )
    footnotes = FootnotesPart(document)
    chapter_level, section_level = heading_levels(doc)

    paragraph(document, "Title", doc.title)
    provenance = paragraph(document, "Normal")
    provenance.add_run(provenance_line(doc)).italic = True

    for index, chapter in enumerate(doc.chapters, start=1):
        if index > 1:
            end_section(document)
        _add_chapter(document, chapter, index, chapter_level, section_level, footnotes)
    if len(doc.chapters) > 1:
        restart_footnotes_each_section(document)
    return to_bytes(document)


class _ChapterNotes:
    """Turns a chapter's footnote references into Word footnotes and cross-references."""

    def __init__(self, chapter: ExportChapter, chapter_index: int, part: FootnotesPart):
        self._chapter = chapter
        self._chapter_index = chapter_index
        self._part = part
        self._references = reference_counts(chapter)
        self._counter = ReferenceCounter()
        # Word numbers footnotes in reference order; the number a note shows is its ordinal.
        self._ordinal: dict[int, int] = {}

    def reference(self, number: int) -> list[BaseOxmlElement]:
        """The elements that stand in a paragraph for one reference to note ``number``."""
        occurrence = self._counter.next(number)
        bookmark_name = f"_RefNote_{self._chapter_index}_{number}"
        if occurrence > 1:
            return [note_cross_reference(bookmark_name, self._ordinal[number])]
        note = self._chapter.footnote(number)
        footnote_id = self._part.add(shown_text(note.text) if note else "")
        self._ordinal[number] = len(self._ordinal) + 1
        run = footnote_reference(footnote_id)
        if self._references[number] < 2:
            return [run]
        return bookmarked([run], self._part.bookmark_id(), bookmark_name)


def _add_chapter(
    document: DocxDocument,
    chapter: ExportChapter,
    chapter_index: int,
    chapter_level: int | None,
    section_level: int,
    footnotes: FootnotesPart,
) -> None:
    if chapter_level is not None:
        paragraph(document, f"Heading {chapter_level - 1}", chapter.title)
    if chapter.subtitle.strip():
        paragraph(document, "Subtitle", chapter.subtitle)
    if chapter.publication_line.strip():
        paragraph(document, "Normal", chapter.publication_line)

    notes = _ChapterNotes(chapter, chapter_index, footnotes)
    known = chapter.known_footnotes
    for block in chapter.text_blocks:
        style = f"Heading {section_level - 1}" if block.kind == "heading" else "Normal"
        _add_text_block(document, block, style, known, notes)

    for line in split_lines(chapter.editorial_note):
        if line.strip():
            paragraph(document, "Quote", line)

    referenced = reference_counts(chapter)
    unreferenced = [n for n in chapter.footnotes if n.number is None or not referenced[n.number]]
    if unreferenced:
        paragraph(document, f"Heading {section_level - 1}", UNREFERENCED_NOTES_HEADING)
        for note in unreferenced:
            paragraph(document, "Normal", unreferenced_note(note.number, shown_text(note.text)))


def _add_text_block(
    document: DocxDocument,
    block: ExportBlock,
    style: str,
    known: frozenset[int],
    notes: _ChapterNotes,
) -> None:
    para = styled_paragraph(document, style)
    if starts_right_to_left(block.text):
        set_right_to_left(para)
    for piece in split_inline(block.text, known):
        if isinstance(piece, FootnoteRef):
            for element in notes.reference(piece.number):
                para._p.append(element)
        else:
            para.add_run(piece)
