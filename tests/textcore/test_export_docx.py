"""DOCX export: python-docx reads it back; the footnotes are real Word footnotes."""

from __future__ import annotations

from tests.textcore.export_fixtures import (
    GENERATED_AT,
    NS,
    W,
    docx_footnotes,
    docx_xml,
    expected_text,
    hostile_chapter,
    hostile_document,
    open_docx,
    seed_document,
)
from textcore.export._common import clean_text, provenance_line
from textcore.export.document import ExportBlock, ExportChapter, ExportDocument
from textcore.export.docx import UNREFERENCED_NOTES_HEADING, render_docx
from textcore.footnotes import ref_numbers

FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"


def _paragraphs(data: bytes) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in open_docx(data).paragraphs]  # type: ignore[union-attr]


def _expected_paragraphs(doc: ExportDocument) -> list[tuple[str, str]]:
    expected = [("Title", clean_text(doc.title)), ("Normal", provenance_line(doc))]
    section_style = "Heading 1" if doc.title_is_chapter else "Heading 2"
    for chapter in doc.chapters:
        if not doc.title_is_chapter:
            expected.append(("Heading 1", clean_text(chapter.title)))
        expected.append(("Subtitle", clean_text(chapter.subtitle)))
        expected.append(("Normal", clean_text(chapter.publication_line)))
        for block in chapter.text_blocks:
            style = section_style if block.kind == "heading" else "Normal"
            expected.append((style, expected_text(block.text, chapter.known_footnotes)))
        expected.extend(("Quote", line) for line in chapter.editorial_note.split("\n"))
    return expected


def _reference_ids(data: bytes) -> list[int]:
    body = docx_xml(data, "word/document.xml")
    return [int(r.get(f"{{{W}}}id")) for r in body.iter(f"{{{W}}}footnoteReference")]


def _expected_notes(doc: ExportDocument) -> list[str]:
    """Note texts in the order Word numbers them: by first reference, chapter by chapter."""
    notes: list[str] = []
    for chapter in doc.chapters:
        seen: list[int] = []
        for block in chapter.text_blocks:
            for number in ref_numbers(clean_text(block.text), chapter.known_footnotes):
                if number not in seen:
                    seen.append(number)
        notes.extend(clean_text(chapter.footnote(n).text).strip() for n in seen)  # type: ignore[union-attr]
    return notes


def test_seed_reads_back_with_styles_and_text() -> None:
    doc = seed_document()
    data = render_docx(doc)
    assert _paragraphs(data) == _expected_paragraphs(doc)
    headings = [text for style, text in _paragraphs(data) if style == "Heading 1"]
    assert headings[0] == "Problems for the New Revolution" and len(headings) == 13
    # The NBSPs around a paragraph are not shown: they would read as an indent.
    assert any(text.startswith("Russia’s October") for _, text in _paragraphs(data))


def test_seed_footnotes_are_real_word_footnotes() -> None:
    doc = seed_document()
    data = render_docx(doc)
    notes = docx_footnotes(data)
    chapter = doc.chapters[0]
    assert notes == {b.number: b.text.strip() for b in chapter.footnotes}
    # Every reference points at an existing footnote; note 2's second reference is a
    # cross-reference instead, so the Word footnotes are 1..8 in order.
    assert _reference_ids(data) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert set(_reference_ids(data)) <= set(notes)

    body = docx_xml(data, "word/document.xml")
    fields = body.findall(".//w:fldSimple", NS)
    assert [f.get(f"{{{W}}}instr") for f in fields] == [" NOTEREF _RefNote_1_2 \\f \\h "]
    assert "".join(fields[0].itertext()) == "2"
    bookmark = body.find(".//w:bookmarkStart[@w:name='_RefNote_1_2']", NS)
    assert bookmark is not None
    marked = bookmark.getnext()
    assert marked.find("w:footnoteReference", NS).get(f"{{{W}}}id") == "2"
    assert marked.find("w:rPr/w:rStyle", NS).get(f"{{{W}}}val") == "FootnoteReference"
    assert marked.getnext().tag == f"{{{W}}}bookmarkEnd"


def test_footnotes_part_is_wired_as_word_expects() -> None:
    data = render_docx(seed_document())
    types = docx_xml(data, "[Content_Types].xml")
    overrides = {o.get("PartName"): o.get("ContentType") for o in types}
    assert overrides["/word/footnotes.xml"] == FOOTNOTES_TYPE
    rels = docx_xml(data, "word/_rels/document.xml.rels")
    assert [r.get("Target") for r in rels if r.get("Type") == FOOTNOTES_REL] == ["footnotes.xml"]

    footnotes = docx_xml(data, "word/footnotes.xml")
    special = [(n.get(f"{{{W}}}id"), n.get(f"{{{W}}}type")) for n in footnotes][:2]
    assert special == [("-1", "separator"), ("0", "continuationSeparator")]
    first = footnotes.findall("w:footnote", NS)[2]
    assert first.find("w:p/w:pPr/w:pStyle", NS).get(f"{{{W}}}val") == "FootnoteText"
    assert first.find("w:p/w:r/w:footnoteRef", NS) is not None

    styles = docx_xml(data, "word/styles.xml")
    ids = {s.get(f"{{{W}}}styleId") for s in styles.findall("w:style", NS)}
    assert {"FootnoteText", "FootnoteReference"} <= ids

    settings = docx_xml(data, "word/settings.xml")
    names = [child.tag.split("}")[1] for child in settings]
    assert names.index("footnotePr") < names.index("compat")
    pr = settings.find("w:footnotePr", NS)
    assert [n.get(f"{{{W}}}id") for n in pr.findall("w:footnote", NS)] == ["-1", "0"]


def test_document_properties() -> None:
    data = render_docx(seed_document(version="12", moment_label="as accepted on 26 November 2026"))
    properties = open_docx(data).core_properties
    assert properties.title == "Socialism and the Soviet Union"
    assert properties.created == GENERATED_AT
    assert properties.version == "12"
    assert properties.revision == 12
    assert properties.subject == "as accepted on 26 November 2026"
    assert properties.comments.startswith("Text as accepted on 26 November 2026 · version 12")
    assert properties.author == "The amendment desk"


def test_hostile_text_opens_and_reads_back() -> None:
    doc = hostile_document()
    data = render_docx(doc)
    assert _paragraphs(data) == _expected_paragraphs(doc)
    assert docx_footnotes(data) == {1: clean_text(doc.chapters[0].footnotes[0].text)} | {
        2: doc.chapters[0].footnotes[1].text
    }
    # Right-to-left paragraphs are marked as such.
    body = docx_xml(data, "word/document.xml")
    bidi = [
        "".join(p.itertext())
        for p in body.iter(f"{{{W}}}p")
        if p.find("w:pPr/w:bidi", NS) is not None
    ]
    assert bidi == [next(b.text for b in doc.chapters[0].body if b.text.startswith("الاشتراكية"))]
    # An overlong title is cut for the properties (limited to 255 characters), not refused.
    long_title = ExportDocument("T" * 300, doc.chapters, "", "", GENERATED_AT)
    assert open_docx(render_docx(long_title)).core_properties.title == "T" * 255


def test_several_chapters_restart_footnotes_in_their_own_sections() -> None:
    doc = ExportDocument(
        title="Transformation",
        chapters=(hostile_chapter("one"), hostile_chapter("two")),
        moment_label="as accepted on 26 November 2026",
        version="",
        generated_at=GENERATED_AT,
    )
    data = render_docx(doc)
    assert _paragraphs(data) == _expected_paragraphs(doc)
    assert list(docx_footnotes(data).values()) == _expected_notes(doc)
    assert _reference_ids(data) == [1, 2, 3, 4]
    body = docx_xml(data, "word/document.xml")
    sections = list(body.iter(f"{{{W}}}sectPr"))
    assert len(sections) == 2
    for section in sections:
        restart = section.find("w:footnotePr/w:numRestart", NS)
        assert restart is not None and restart.get(f"{{{W}}}val") == "eachSect"
    names = [b.get(f"{{{W}}}name") for b in body.iter(f"{{{W}}}bookmarkStart")]
    assert names == ["_RefNote_1_1", "_RefNote_2_1"]


def test_a_note_nobody_references_is_listed_after_the_chapter_and_says_so() -> None:
    chapter = ExportChapter(
        title="One",
        slug="one",
        subtitle="",
        publication_line="",
        editorial_note="",
        blocks=(
            ExportBlock("body", "A paragraph with a note.1", 1, "p1"),
            ExportBlock("footnote", "The note.", 1, "fn-1"),
            ExportBlock("footnote", "An orphaned note.", 3, "fn-3"),
        ),
    )
    doc = ExportDocument("Transformation", (chapter,), "as published", "", GENERATED_AT)
    data = render_docx(doc)
    assert _paragraphs(data)[-2:] == [
        ("Heading 2", UNREFERENCED_NOTES_HEADING),
        ("Normal", "3. An orphaned note. (not referenced in the text)"),
    ]
    assert docx_footnotes(data) == {1: "The note."}
