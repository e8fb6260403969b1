"""Tracked-changes DOCX: every change is a real Word revision with its author and date, and the
notes are real Word footnotes whose own changes are tracked too.

The tests read the package with python-docx and lxml, collect every w:ins and w:del, and
rebuild the text twice: accepting every revision must give the later text, rejecting every
revision the earlier one, footnotes included (a reference reads as "[its note's text]").
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from lxml import etree

from tests.textcore.export_fixtures import (
    GENERATED_AT,
    NS,
    W,
    docx_footnotes,
    docx_xml,
    open_docx,
    seed_parsed,
)
from textcore.export.document import TrackedBlock, TrackedChapter, TrackedSegment
from textcore.export.docx import render_docx
from textcore.export.tracked_docx import TrackedRef, render_tracked_docx, tracked_pieces
from textcore.footnotes import UNREFERENCED_NOTES_HEADING

ALICE_AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
# A decision recorded in another time zone is written in UTC.
BOB_AT = datetime(2026, 11, 21, 15, 0, tzinfo=timezone(timedelta(hours=1)))
CAROL_AT = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
EXPLANATION = (
    "The text as accepted on 26 November 2026, with every change since as published shown "
    "as a tracked change. Exported 26 November 2026, 10:00 UTC."
)


def _seg(op: int, text: str, author: str | None = None, date: datetime | None = None):  # type: ignore[no-untyped-def]
    return TrackedSegment(op, text, author, date)  # type: ignore[arg-type]


CHAPTER = TrackedChapter(
    title="Socialism and the Soviet Union",
    slug="socialism-and-the-soviet-union",
    blocks=(
        TrackedBlock(
            "heading",
            None,
            (
                _seg(-1, "Problems of", "Alice", ALICE_AT),
                _seg(1, "Problems for", "Alice", ALICE_AT),
                _seg(0, " the New Revolution"),
            ),
            "changed",
        ),
        TrackedBlock(
            "body",
            1,
            (
                _seg(0, "The socialist insurrection in October 1917 "),
                _seg(-1, "that created", "Alice", ALICE_AT),
                _seg(1, "which laid", "Alice", ALICE_AT),
                _seg(0, " the basis for the Soviet Union was a "),
                _seg(1, "genuinely ", "Bob", BOB_AT),
                _seg(0, "popular revolution.\u00a0"),
            ),
            "changed",
        ),
        TrackedBlock(
            "body",
            2,
            (_seg(1, "A whole new paragraph & <tags> and \x07 a bell."),),
            "inserted",
            "Bob",
            BOB_AT,
        ),
        TrackedBlock("body", 3, (_seg(0, "Unchanged, with a note.1"),), "unchanged"),
        TrackedBlock(
            "body",
            None,
            (_seg(-1, "A paragraph that goes, 👩🏽‍🔬 and all."),),
            "deleted",
            "Carol",
            CAROL_AT,
        ),
        TrackedBlock(
            "body", 4, (_seg(0, "نص عربي "), _seg(1, "جديد", "Carol", CAROL_AT)), "changed"
        ),
        TrackedBlock(
            "footnote",
            1,
            (_seg(0, "Full quote"), _seg(1, ", with the source", "Alice", ALICE_AT)),
            "changed",
        ),
        TrackedBlock("footnote", 2, (_seg(1, "A new note."),), "inserted", "Bob", BOB_AT),
    ),
)


def _render(*chapters: TrackedChapter) -> bytes:
    return render_tracked_docx(
        chapters or (CHAPTER,),
        "Transformation",
        "as published",
        "as accepted on 26 November 2026",
        GENERATED_AT,
    )


def _text(
    element: etree._Element, notes: dict[str, etree._Element], *, skip: str, deleted: bool
) -> str:
    """The element's text on one side: ``skip`` the other side's revisions; a reference reads
    as its note's text in brackets, a cross-reference as "[see N]"."""
    parts: list[str] = []
    for node in element.iter(f"{{{W}}}t", f"{{{W}}}delText", f"{{{W}}}footnoteReference"):
        if any(a.tag == f"{{{W}}}{skip}" for a in node.iterancestors()):
            continue
        if node.tag == f"{{{W}}}delText" and not deleted:
            continue
        if node.tag == f"{{{W}}}footnoteReference":
            note = notes[node.get(f"{{{W}}}id")]
            parts.append(f"[{_text(note, notes, skip=skip, deleted=deleted).strip()}]")
            continue
        style = node.getparent().find("w:rPr/w:rStyle", NS)
        if style is not None and style.get(f"{{{W}}}val") == "FootnoteReference":
            parts.append(f"[see {node.text}]")
            continue
        parts.append(node.text or "")
    return "".join(parts)


def _versions(data: bytes) -> tuple[list[str], list[str]]:
    """The paragraphs with every revision accepted, and with every revision rejected."""
    body = docx_xml(data, "word/document.xml").find("w:body", NS)
    notes = {
        note.get(f"{{{W}}}id"): note
        for note in docx_xml(data, "word/footnotes.xml").findall("w:footnote", NS)
    }
    accepted: list[str] = []
    rejected: list[str] = []
    for paragraph in body.findall("w:p", NS):
        mark = paragraph.find("w:pPr/w:rPr", NS)
        inserted = mark is not None and mark.find("w:ins", NS) is not None
        deleted = mark is not None and mark.find("w:del", NS) is not None
        if not deleted:
            accepted.append(_text(paragraph, notes, skip="del", deleted=False))
        if not inserted:
            rejected.append(_text(paragraph, notes, skip="ins", deleted=True))
    return accepted, rejected


def test_accepting_every_revision_gives_the_later_text_with_its_notes() -> None:
    accepted, _ = _versions(_render())
    assert accepted == [
        "Transformation",
        EXPLANATION,
        CHAPTER.title,
        "Problems for the New Revolution",
        "The socialist insurrection in October 1917 which laid the basis for the Soviet Union "
        "was a genuinely popular revolution.",
        "A whole new paragraph & <tags> and  a bell.",
        "Unchanged, with a note.[Full quote, with the source]",
        "نص عربي جديد",
        UNREFERENCED_NOTES_HEADING,
        "2. A new note. (not referenced in the text)",
    ]


def test_rejecting_every_revision_gives_the_earlier_text_with_its_notes() -> None:
    _, rejected = _versions(_render())
    assert rejected == [
        "Transformation",
        EXPLANATION,
        CHAPTER.title,
        "Problems of the New Revolution",
        "The socialist insurrection in October 1917 that created the basis for the Soviet Union "
        "was a popular revolution.",
        "Unchanged, with a note.[Full quote]",
        "A paragraph that goes, 👩🏽‍🔬 and all.",
        "نص عربي",
    ]


def test_notes_are_real_word_footnotes_and_a_change_inside_one_is_tracked() -> None:
    data = _render()
    footnotes = docx_xml(data, "word/footnotes.xml")
    (note,) = [n for n in footnotes.findall("w:footnote", NS) if int(n.get(f"{{{W}}}id")) > 0]
    inserted = note.find(".//w:ins", NS)
    assert inserted.get(f"{{{W}}}author") == "Alice"
    assert "".join(inserted.itertext()) == ", with the source"
    body = docx_xml(data, "word/document.xml")
    (reference,) = body.iter(f"{{{W}}}footnoteReference")
    assert reference.get(f"{{{W}}}id") == note.get(f"{{{W}}}id")
    # No stray digit is left where the reference was, and no "Notes" list in the text.
    texts = ["".join(p.itertext()) for p in body.iter(f"{{{W}}}p")]
    assert "Unchanged, with a note." in texts
    assert not any(t.startswith("1. ") or t == "Notes" for t in texts)


def test_every_revision_has_a_unique_id_an_author_and_a_utc_date() -> None:
    data = _render()
    body = docx_xml(data, "word/document.xml")
    footnotes = docx_xml(data, "word/footnotes.xml")
    revisions = [r for part in (body, footnotes) for r in part.iter(f"{{{W}}}ins", f"{{{W}}}del")]
    ids = [r.get(f"{{{W}}}id") for r in revisions]
    assert len(ids) == len(set(ids)) > 10
    assert all(ISO_UTC.match(r.get(f"{{{W}}}date")) for r in revisions)
    by_text = {
        "".join(r.itertext()): (r.tag.split("}")[1], r.get(f"{{{W}}}author"), r.get(f"{{{W}}}date"))
        for r in revisions
        if "".join(r.itertext())
    }
    assert by_text["that created"] == ("del", "Alice", "2026-11-20T09:30:00Z")
    assert by_text["which laid"] == ("ins", "Alice", "2026-11-20T09:30:00Z")
    assert by_text["genuinely "] == ("ins", "Bob", "2026-11-21T14:00:00Z")
    # The space kept before Carol's word ended the earlier text, which no format shows with
    # its edge spaces: it is inserted with her word.
    assert by_text[" جديد"] == ("ins", "Carol", "2026-11-22T08:00:00Z")
    # Deleted text is kept in w:delText, as Word stores it.
    deleted = body.find(".//w:del/w:r/w:delText", NS)
    assert deleted is not None


def test_whole_paragraphs_mark_their_paragraph_marks() -> None:
    body = docx_xml(_render(), "word/document.xml")
    marks = body.findall(".//w:p/w:pPr/w:rPr/*", NS)
    assert [(m.tag.split("}")[1], m.get(f"{{{W}}}author")) for m in marks] == [
        ("ins", "Bob"),
        ("del", "Carol"),
        # The new note 2 has no reference: it is listed, and the listing is Bob's insertion.
        ("ins", "Bob"),
        ("ins", "Bob"),
    ]


def test_python_docx_opens_it_with_styles_and_tracking_on() -> None:
    data = _render()
    document = open_docx(data)
    styles = [p.style.name for p in document.paragraphs]  # type: ignore[union-attr]
    assert styles[:4] == ["Title", "Normal", "Heading 1", "Heading 2"]
    assert styles.count("Heading 2") == 2  # the changed section heading and the listing's
    assert document.core_properties.title == "Transformation"
    assert document.core_properties.created == GENERATED_AT
    settings = docx_xml(data, "word/settings.xml")
    names = [child.tag.split("}")[1] for child in settings]
    assert names.index("trackRevisions") < names.index("defaultTabStop")
    assert names.index("footnotePr") < names.index("compat")
    rtl = [
        "".join(p.itertext())
        for p in docx_xml(data, "word/document.xml").iter(f"{{{W}}}p")
        if p.find("w:pPr/w:bidi", NS) is not None
    ]
    assert rtl == ["نص عربي جديد"]


def _unchanged_seed() -> TrackedChapter:
    parsed = seed_parsed()
    blocks = [
        TrackedBlock(b.kind, b.footnote_number, (_seg(0, b.text),), "unchanged")
        for b in [*(b for b in parsed.blocks if b.kind != "footnote"), *parsed.footnotes]
    ]
    return TrackedChapter(parsed.title, "seed", tuple(blocks))


def test_the_seed_without_changes_has_the_plain_docxs_footnotes() -> None:
    from tests.textcore.export_fixtures import seed_document

    tracked = _render(_unchanged_seed())
    plain = render_docx(seed_document())
    assert docx_footnotes(tracked) == docx_footnotes(plain)
    assert len(docx_footnotes(tracked)) == 8
    body = docx_xml(tracked, "word/document.xml")
    ids = [r.get(f"{{{W}}}id") for r in body.iter(f"{{{W}}}footnoteReference")]
    assert ids == [str(n) for n in range(1, 9)]
    # Note 2 is referenced twice: the second reference is a cross-reference to the first.
    instructions = [t.text for t in body.iter(f"{{{W}}}instrText")]
    assert instructions == [" NOTEREF _RefNote_1_2 \\f \\h "]
    assert body.find(".//w:bookmarkStart[@w:name='_RefNote_1_2']", NS) is not None
    texts = ["".join(p.itertext()) for p in body.iter(f"{{{W}}}p")]
    assert any(t.endswith("communal life.") for t in texts)  # "life.2" lost its digit
    assert not any(t.startswith("1. Full quote") for t in texts)
    assert not body.findall(".//w:ins", NS) and not body.findall(".//w:del", NS)


REFERENCES = TrackedChapter(
    "References",
    "references",
    (
        # Alice adds a reference to note 2 and Bob deletes the one to note 1.
        TrackedBlock(
            "body",
            1,
            (_seg(0, "It mattered for communal life."), _seg(1, "2", "Alice", ALICE_AT)),
            "changed",
        ),
        TrackedBlock(
            "body",
            2,
            (_seg(0, "It would be fatal.”"), _seg(-1, "\u00a01", "Bob", BOB_AT), _seg(0, " Yes.")),
            "changed",
        ),
        TrackedBlock("footnote", 1, (_seg(0, "First note."),), "unchanged"),
        TrackedBlock("footnote", 2, (_seg(0, "Second note."),), "unchanged"),
    ),
)


def test_a_reference_added_or_removed_is_a_tracked_footnote_reference() -> None:
    data = _render(REFERENCES)
    body = docx_xml(data, "word/document.xml")
    inserted = body.find(".//w:ins/w:r/w:footnoteReference", NS)
    deleted = body.find(".//w:del/w:r/w:footnoteReference", NS)
    assert inserted is not None and deleted is not None
    assert inserted.getparent().getparent().get(f"{{{W}}}author") == "Alice"
    assert deleted.getparent().getparent().get(f"{{{W}}}author") == "Bob"
    accepted, rejected = _versions(data)
    assert accepted[3:] == [
        "It mattered for communal life.[Second note.]",
        "It would be fatal.” Yes.",
        UNREFERENCED_NOTES_HEADING,
        "1. First note. (not referenced in the text)",
    ]
    assert rejected[3:] == [
        "It mattered for communal life.",
        "It would be fatal.”[First note.] Yes.",
        UNREFERENCED_NOTES_HEADING,
        "2. Second note. (not referenced in the text)",
    ]
    # Inside a tracked note, the note's number mark is tracked with its reference.
    footnotes = docx_xml(data, "word/footnotes.xml")
    marks = [
        m.getparent().getparent().tag.split("}")[1] for m in footnotes.iter(f"{{{W}}}footnoteRef")
    ]
    assert sorted(marks) == ["del", "ins"]


def test_tracked_pieces_find_kept_inserted_deleted_and_replaced_references() -> None:
    kept = tracked_pieces([_seg(0, "life.2 and more")], {2}, {2}, {2})
    assert kept == [_seg(0, "life."), TrackedRef(0, 2), _seg(0, " and more")]
    added = tracked_pieces([_seg(0, "life."), _seg(1, "2", "A", ALICE_AT)], {2}, {2}, {2})
    assert added == [_seg(0, "life."), TrackedRef(1, 2, "A", ALICE_AT)]
    renumbered = tracked_pieces(
        [_seg(0, "life."), _seg(-1, "1", "A", ALICE_AT), _seg(1, "2", "A", ALICE_AT)],
        {1, 2},
        {1, 2},
        {1, 2},
    )
    assert renumbered == [
        _seg(0, "life."),
        TrackedRef(-1, 1, "A", ALICE_AT),
        TrackedRef(1, 2, "A", ALICE_AT),
    ]
    # Note 3 was deleted: the digit it leaves is plain text now, and its reference is gone.
    orphaned_digit = tracked_pieces([_seg(0, "life.3")], {3}, set(), set())
    assert orphaned_digit == [_seg(0, "life."), TrackedRef(-1, 3), _seg(1, "3")]
    # A new note 1 in place of a deleted one: the same digits, another note.
    replaced = tracked_pieces([_seg(0, "life.1")], {1}, {1}, set())
    assert replaced == [_seg(0, "life."), TrackedRef(-1, 1), TrackedRef(1, 1)]


def test_several_chapters_are_sections_that_restart_their_footnotes() -> None:
    data = _render(REFERENCES, _unchanged_seed())
    body = docx_xml(data, "word/document.xml")
    sections = list(body.iter(f"{{{W}}}sectPr"))
    assert len(sections) == 2
    for section in sections:
        restart = section.find("w:footnotePr/w:numRestart", NS)
        assert restart is not None and restart.get(f"{{{W}}}val") == "eachSect"
    names = [b.get(f"{{{W}}}name") for b in body.iter(f"{{{W}}}bookmarkStart")]
    assert names == ["_RefNote_2_2"]
    assert len(docx_footnotes(data)) == 2 + 8
