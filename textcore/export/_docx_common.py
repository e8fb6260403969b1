"""What the three DOCX renderers share: a fresh document, its properties, styles and runs.

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
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.text.paragraph import Paragraph

from textcore.export._common import as_utc, clean_text

GENERATOR = "The amendment desk"

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
