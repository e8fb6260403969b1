"""What the three DOCX renderers share: a fresh document, its properties, styles and runs,
the footnotes part, footnote references and cross-references, and sections per chapter.

python-docx covers paragraphs, styles and core properties; footnotes, bookmarks, fields and
tracked revisions it does not know, so those are written as WordprocessingML elements here
and in the renderers, following ECMA-376 part 1 (element order inside a parent matters to
Word, which calls a file with misordered children corrupt).
"""

from __future__ import annotations

import io
import unicodedata
from datetime import datetime

import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.text.paragraph import Paragraph

from textcore.export._common import as_utc, clean_text

GENERATOR = "The amendment desk"
FOOTNOTES_PARTNAME = "/word/footnotes.xml"

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

# Word's own definitions of its built-in footnote styles (names and ids as Word writes them),
# so Word and LibreOffice treat them as the built-in ones rather than as look-alikes.
_FOOTNOTE_STYLES = (
    f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="FootnoteText">'
    '<w:name w:val="footnote text"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>'
    "<w:unhideWhenUsed/>"
    '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    '<w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>',
    f'<w:style {nsdecls("w")} w:type="character" w:styleId="FootnoteReference">'
    '<w:name w:val="footnote reference"/><w:basedOn w:val="DefaultParagraphFont"/>'
    '<w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
    '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>',
)


def new_document(
    *,
    title: str,
    created: datetime,
    subject: str = "",
    comments: str = "",
    version: str = "",
) -> DocxDocument:
    """A new document from python-docx's template with our core properties set."""
    document = docx.Document()
    properties = document.core_properties
    # Core properties are limited to 255 characters each by python-docx (and by Word's UI).
    properties.title = _property(title)
    properties.subject = _property(subject)
    properties.comments = _property(comments)
    properties.author = GENERATOR
    properties.last_modified_by = GENERATOR
    properties.keywords = ""
    properties.category = ""
    properties.language = "en"
    properties.version = _property(version)
    # A numeric version is also the revision number Word shows; otherwise the template's 1.
    properties.revision = int(version) if version.isdecimal() and 0 < int(version) < 2**31 else 1
    moment = as_utc(created).replace(tzinfo=None)
    properties.created = moment
    properties.modified = moment
    return document


def _property(value: str) -> str:
    return clean_text(value).replace("\n", " ")[:255]


def to_bytes(document: DocxDocument) -> bytes:
    """The document saved as .docx bytes."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def add_footnote_styles(document: DocxDocument) -> None:
    """Add Word's "footnote text" and "footnote reference" styles if the template lacks them."""
    styles = document.styles.element
    existing = {style.get(qn("w:styleId")) for style in styles.findall(qn("w:style"))}
    for xml in _FOOTNOTE_STYLES:
        style = parse_xml(xml)
        if style.get(qn("w:styleId")) not in existing:
            styles.append(style)


def add_setting(document: DocxDocument, element: BaseOxmlElement, *before: str) -> None:
    """Put ``element`` into settings.xml ahead of the first of the ``before`` tags present.

    The settings children have a fixed order; ``before`` names the tags that must follow.
    """
    settings = document.settings.element
    existing = settings.find(element.tag)
    if existing is not None:
        settings.remove(existing)
    settings.insert_element_before(element, *before)


def styled_paragraph(document: DocxDocument, style: str) -> Paragraph:
    """An empty paragraph in ``style``, with the style id looked up once per document.

    python-docx resolves a style name on every paragraph by scanning all styles, which made a
    100,000-word export spend most of its time there.
    """
    cache: dict[str, str] = document.__dict__.setdefault("_style_ids", {})
    if style not in cache:
        cache[style] = document.styles[style].style_id
    para = document.add_paragraph()
    para._p.get_or_add_pPr().style = cache[style]
    return para


def paragraph(document: DocxDocument, style: str, text: str = "") -> Paragraph:
    """A new paragraph in ``style``, right-to-left when its text starts in an RTL script."""
    paragraph = styled_paragraph(document, style)
    if text:
        paragraph.add_run(clean_text(text))
    if starts_right_to_left(text):
        set_right_to_left(paragraph)
    return paragraph


def starts_right_to_left(text: str) -> bool:
    """Whether the first strongly directional character of ``text`` is right-to-left."""
    for ch in text:
        direction = unicodedata.bidirectional(ch)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def set_right_to_left(paragraph: Paragraph) -> None:
    """Mark the paragraph as right-to-left (Arabic, Hebrew): Word then aligns and orders it so."""
    ppr = paragraph._p.get_or_add_pPr()
    # w:bidi follows w:pStyle and the other early properties and precedes spacing, ind, jc and
    # rPr; the paragraphs we mark have only a style so far, so it goes right after that.
    style = ppr.find(qn("w:pStyle"))
    bidi = OxmlElement("w:bidi")
    if style is not None:
        style.addnext(bidi)
    else:
        ppr.insert(0, bidi)


def text_run(text: str, *, style: str | None = None, tag: str = "w:t") -> BaseOxmlElement:
    """A ``w:r`` with ``text`` (tabs and line breaks as Word's own elements).

    ``tag="w:delText"`` makes the run of a tracked deletion, whose text Word keeps in
    ``w:delText`` instead of ``w:t``.
    """
    run = OxmlElement("w:r")
    if style:
        rpr = OxmlElement("w:rPr")
        rstyle = OxmlElement("w:rStyle")
        rstyle.set(qn("w:val"), style)
        rpr.append(rstyle)
        run.append(rpr)
    text = clean_text(text).replace("\r\n", "\n")
    chunk: list[str] = []

    def flush() -> None:
        if chunk:
            element = OxmlElement(tag)
            element.text = "".join(chunk)
            element.set(qn("xml:space"), "preserve")
            run.append(element)
            chunk.clear()

    for ch in text:
        if ch in "\t\n\r":
            flush()
            run.append(OxmlElement("w:tab" if ch == "\t" else "w:br"))
        else:
            chunk.append(ch)
    flush()
    return run


class FootnotesPart:
    """The document's ``word/footnotes.xml`` (with its relationship, content type and the
    settings Word expects), to which notes are added as they are referenced."""

    def __init__(self, document: DocxDocument) -> None:
        add_footnote_styles(document)
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
        footnote_id, para = self.new_note(starts_right_to_left(text))
        para.append(text_run(text))
        return footnote_id

    def new_note(
        self, right_to_left: bool = False, wrap_mark: BaseOxmlElement | None = None
    ) -> tuple[int, BaseOxmlElement]:
        """A new footnote with its number mark; returns its id and its paragraph, to which the
        caller appends the note's runs. ``wrap_mark`` (an empty ``w:ins`` or ``w:del``) makes
        the number mark a tracked insertion or deletion, as Word does for a tracked note."""
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
        if right_to_left:
            pstyle.addnext(OxmlElement("w:bidi"))
        mark = OxmlElement("w:r")
        mark_rpr = OxmlElement("w:rPr")
        mark_style = OxmlElement("w:rStyle")
        mark_style.set(qn("w:val"), "FootnoteReference")
        mark_rpr.append(mark_style)
        mark.append(mark_rpr)
        mark.append(OxmlElement("w:footnoteRef"))
        # Word itself separates the number from the note's text with a space run.
        space = text_run(" ", tag="w:delText" if _is_deletion(wrap_mark) else "w:t")
        if wrap_mark is not None:
            wrap_mark.append(mark)
            wrap_mark.append(space)
            para.append(wrap_mark)
        else:
            para.append(mark)
            para.append(space)
        note.append(para)
        self.root.append(note)
        return footnote_id, para

    def bookmark_id(self) -> int:
        """A fresh bookmark id (bookmark ids are unique across the document)."""
        self._next_bookmark += 1
        return self._next_bookmark - 1


def _is_deletion(mark: BaseOxmlElement | None) -> bool:
    return mark is not None and mark.tag == qn("w:del")


def footnote_reference(footnote_id: int) -> BaseOxmlElement:
    """The run that stands in the text for footnote ``footnote_id``, styled as Word's mark."""
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    rstyle = OxmlElement("w:rStyle")
    rstyle.set(qn("w:val"), "FootnoteReference")
    rpr.append(rstyle)
    run.append(rpr)
    reference = OxmlElement("w:footnoteReference")
    reference.set(qn("w:id"), str(footnote_id))
    run.append(reference)
    return run


def bookmarked(elements: list[BaseOxmlElement], bookmark_id: int, name: str) -> list:
    """``elements`` between the start and the end of a bookmark called ``name``."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    return [start, *elements, end]


def note_cross_reference(bookmark_name: str, shown_number: int) -> BaseOxmlElement:
    """A later reference to a note already referenced: a ``NOTEREF`` field to the bookmark
    around its first reference, formatted as a footnote mark (\\f) and linked (\\h). The cached
    result is the number Word would compute, so it shows right before any update."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" NOTEREF {bookmark_name} \\f \\h ")
    field.append(text_run(str(shown_number), style="FootnoteReference"))
    return field


def note_cross_reference_runs(
    bookmark_name: str, shown_number: int, *, deleted: bool = False
) -> list[BaseOxmlElement]:
    """The same field as ``note_cross_reference``, as runs (``w:fldChar`` begin, separate and
    end), which a tracked insertion or deletion may hold where a ``w:fldSimple`` may not."""

    def field_char(kind: str) -> BaseOxmlElement:
        run = OxmlElement("w:r")
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run.append(char)
        return run

    instruction = OxmlElement("w:r")
    instr = OxmlElement("w:delInstrText" if deleted else "w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" NOTEREF {bookmark_name} \\f \\h "
    instruction.append(instr)
    shown = text_run(
        str(shown_number), style="FootnoteReference", tag="w:delText" if deleted else "w:t"
    )
    return [field_char("begin"), instruction, field_char("separate"), shown, field_char("end")]


def end_section(document: DocxDocument) -> None:
    """End the current section (a chapter) at the last paragraph so far; the next starts on a
    new page with the same page setup."""
    # A section ends with the sectPr in its last paragraph's properties; a copy of the
    # document's final sectPr keeps the page setup, and its default type starts a new page.
    body = document.element.body
    last_paragraph = body.findall(qn("w:p"))[-1]
    final = body.find(qn("w:sectPr"))
    section = parse_xml(final.xml) if final is not None else OxmlElement("w:sectPr")
    last_paragraph.get_or_add_pPr().append(section)


def restart_footnotes_each_section(document: DocxDocument) -> None:
    """Number footnotes from 1 in every section, as each chapter numbers its own notes."""
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
