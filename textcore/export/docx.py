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
of the source, and Word updates the cross-reference if notes are renumbered later. A note
that no paragraph references any more is listed at the end of its chapter instead, since a
Word footnote cannot exist without a reference.
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement

from textcore.export._common import (
    ReferenceCounter,
    heading_levels,
    numbered_note,
    provenance_line,
    reference_counts,
    shown_text,
    split_inline,
    split_lines,
)
from textcore.export._docx_common import (
    add_footnote_styles,
    add_setting,
    new_document,
    paragraph,
    set_right_to_left,
    starts_right_to_left,
    styled_paragraph,
    text_run,
    to_bytes,
)
from textcore.export.document import ExportBlock, ExportChapter, ExportDocument
from textcore.footnotes import FootnoteRef

FOOTNOTES_PARTNAME = "/word/footnotes.xml"
UNREFERENCED_NOTES_HEADING = "Notes without a reference in the text"

# The separator line above the footnotes and its continuation across pages: Word expects
# these two special notes, ids -1 and 0, in every footnotes part.
_SEPARATORS = (
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr>'
    '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    "<w:r><w:separator/></w:r></w:p></w:footnote>"
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr>'
    '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    "<w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"
)


def render_docx(doc: ExportDocument) -> bytes:
    """The document as DOCX bytes: styles, properties and real footnotes (module docstring)."""
    document = new_document(
        title=doc.title,
        created=doc.generated_at,
        subject=doc.moment_label,
        comments=provenance_line(doc),
        version=doc.version,
    )
    add_footnote_styles(document)
    footnotes = _FootnotesPart(document)
    chapter_level, section_level = heading_levels(doc)

    paragraph(document, "Title", doc.title)
    provenance = paragraph(document, "Normal")
    provenance.add_run(provenance_line(doc)).italic = True

    for index, chapter in enumerate(doc.chapters, start=1):
        if index > 1:
            _end_section(document)
        _add_chapter(document, chapter, index, chapter_level, section_level, footnotes)
    if len(doc.chapters) > 1:
        _restart_footnotes_each_section(document)
    return to_bytes(document)


class _FootnotesPart:
    """The document's ``word/footnotes.xml``, to which notes are added as referenced."""

    def __init__(self, document: DocxDocument) -> None:
        self.root = parse_xml(f"<w:footnotes {nsdecls('w', 'r')}>{_SEPARATORS}</w:footnotes>")
        part = XmlPart(
            PackURI(FOOTNOTES_PARTNAME), CT.WML_FOOTNOTES, self.root, document.part.package
        )
        document.part.relate_to(part, RT.FOOTNOTES)
        # Word lists the separator notes in the settings too; the next sibling tags present
        # in python-docx's template settings, in schema order, place the element.
        footnote_pr = parse_xml(
            f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/>'
            "</w:footnotePr>"
        )
        add_setting(document, footnote_pr, "w:endnotePr", "w:compat", "w:docVars", "w:rsids")
        self._next_id = 1
        self._next_bookmark = 1

    def add(self, text: str) -> int:
        """Add a footnote with ``text``; return its id for the ``w:footnoteReference``."""
        footnote_id = self._next_id
        self._next_id += 1
        note = OxmlElement("w:footnote")
        note.set(qn("w:id"), str(footnote_id))
        para = OxmlElement("w:p")
        ppr = OxmlElement("w:pPr")
        pstyle = OxmlElement("w:pStyle")
        pstyle.set(qn("w:val"), "FootnoteText")
        ppr.append(pstyle)
        para.append(ppr)
        if starts_right_to_left(text):
            pstyle.addnext(OxmlElement("w:bidi"))
        mark = OxmlElement("w:r")
        mark_rpr = OxmlElement("w:rPr")
        mark_style = OxmlElement("w:rStyle")
        mark_style.set(qn("w:val"), "FootnoteReference")
        mark_rpr.append(mark_style)
        mark.append(mark_rpr)
        mark.append(OxmlElement("w:footnoteRef"))
        para.append(mark)
        # Word itself separates the number from the note's text with a space run.
        para.append(text_run(" "))
        para.append(text_run(text))
        note.append(para)
        self.root.append(note)
        return footnote_id

    def bookmark_id(self) -> int:
        """A fresh bookmark id (bookmark ids are unique across the document)."""
        self._next_bookmark += 1
        return self._next_bookmark - 1


class _ChapterNotes:
    """Turns a chapter's footnote references into Word footnotes and cross-references."""

    def __init__(self, chapter: ExportChapter, chapter_index: int, part: _FootnotesPart):
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
            return [self._cross_reference(bookmark_name, self._ordinal[number])]
        note = self._chapter.footnote(number)
        footnote_id = self._part.add(shown_text(note.text) if note else "")
        self._ordinal[number] = len(self._ordinal) + 1
        run = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        rstyle = OxmlElement("w:rStyle")
        rstyle.set(qn("w:val"), "FootnoteReference")
        rpr.append(rstyle)
        run.append(rpr)
        reference = OxmlElement("w:footnoteReference")
        reference.set(qn("w:id"), str(footnote_id))
        run.append(reference)
        if self._references[number] < 2:
            return [run]
        bookmark_id = str(self._part.bookmark_id())
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), bookmark_id)
        start.set(qn("w:name"), bookmark_name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), bookmark_id)
        return [start, run, end]

    @staticmethod
    def _cross_reference(bookmark_name: str, shown_number: int) -> BaseOxmlElement:
        # \f: formatted as a footnote reference mark; \h: a link to the note. The cached
        # result is the number Word would compute, so it shows right before any update.
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), f" NOTEREF {bookmark_name} \\f \\h ")
        field.append(text_run(str(shown_number), style="FootnoteReference"))
        return field


def _add_chapter(
    document: DocxDocument,
    chapter: ExportChapter,
    chapter_index: int,
    chapter_level: int | None,
    section_level: int,
    footnotes: _FootnotesPart,
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
            paragraph(document, "Normal", numbered_note(note))


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


def _end_section(document: DocxDocument) -> None:
    # A section ends with the sectPr in its last paragraph's properties; a copy of the
    # document's final sectPr keeps the page setup, and its default type starts a new page.
    body = document.element.body
    last_paragraph = body.findall(qn("w:p"))[-1]
    final = body.find(qn("w:sectPr"))
    section = parse_xml(final.xml) if final is not None else OxmlElement("w:sectPr")
    last_paragraph.get_or_add_pPr().append(section)


def _restart_footnotes_each_section(document: DocxDocument) -> None:
    # Footnote numbering is a section property: restart it in every section, so each chapter
    # numbers its notes from 1 as the source does.
    for section in document.element.body.iter(qn("w:sectPr")):
        footnote_pr = parse_xml(
            f'<w:footnotePr {nsdecls("w")}><w:numRestart w:val="eachSect"/></w:footnotePr>'
        )
        # Only header and footer references may precede w:footnotePr in a sectPr.
        references = section.findall(qn("w:headerReference")) + section.findall(
            qn("w:footerReference")
        )
        if references:
            references[-1].addnext(footnote_pr)
        else:
            section.insert(0, footnote_pr)
