"""Tracked-changes DOCX: every change is a real Word revision with its author and date.

The test reads the package with python-docx and lxml, collects every w:ins and w:del, and
rebuilds the text twice: accepting every revision must give the later text, rejecting every
revision the earlier one.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from lxml import etree

from tests.textcore.export_fixtures import GENERATED_AT, NS, W, docx_xml, open_docx
from textcore.export.document import TrackedBlock, TrackedChapter, TrackedSegment
from textcore.export.tracked_docx import NOTES_HEADING, render_tracked_docx

ALICE_AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
# A decision recorded in another time zone is written in UTC.
BOB_AT = datetime(2026, 11, 21, 15, 0, tzinfo=timezone(timedelta(hours=1)))
CAROL_AT = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


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


def _render() -> bytes:
    return render_tracked_docx(
        (CHAPTER,),
        "Transformation",
        "as published",
        "as accepted on 26 November 2026",
        GENERATED_AT,
    )


def _text(element: etree._Element, *, skip: str, include_deleted: bool) -> str:
    parts: list[str] = []
    for node in element.iter(f"{{{W}}}t", f"{{{W}}}delText"):
        if any(a.tag == f"{{{W}}}{skip}" for a in node.iterancestors()):
            continue
        if node.tag == f"{{{W}}}delText" and not include_deleted:
            continue
        parts.append(node.text or "")
    return "".join(parts)


def _versions(data: bytes) -> tuple[list[str], list[str]]:
    """The paragraphs with every revision accepted, and with every revision rejected."""
    body = docx_xml(data, "word/document.xml").find("w:body", NS)
    accepted: list[str] = []
    rejected: list[str] = []
    for paragraph in body.findall("w:p", NS):
        mark = paragraph.find("w:pPr/w:rPr", NS)
        inserted = mark is not None and mark.find("w:ins", NS) is not None
        deleted = mark is not None and mark.find("w:del", NS) is not None
        if not deleted:
            accepted.append(_text(paragraph, skip="del", include_deleted=False))
        if not inserted:
            rejected.append(_text(paragraph, skip="ins", include_deleted=True))
    return accepted, rejected


def _expected(side: str) -> list[str]:
    lines = [
        "Transformation",
        "The text as accepted on 26 November 2026, with every change since as published shown "
        "as a tracked change. Exported 26 November 2026, 10:00 UTC.",
        CHAPTER.title,
    ]
    for block in CHAPTER.blocks:
        if block.kind == "footnote" and NOTES_HEADING not in lines:
            lines.append(NOTES_HEADING)
        text = block.after_text if side == "after" else block.before_text
        gone = block.status == ("deleted" if side == "after" else "inserted")
        if not gone:
            prefix = f"{block.number}. " if block.kind == "footnote" else ""
            # Shown without the spaces at its ends, as every format shows a paragraph.
            lines.append(prefix + text.replace("\x07", "").strip())
    return lines


def test_accepting_every_revision_gives_the_later_text() -> None:
    accepted, _ = _versions(_render())
    assert accepted == _expected("after")
    assert "A whole new paragraph & <tags> and  a bell." in accepted


def test_rejecting_every_revision_gives_the_earlier_text() -> None:
    _, rejected = _versions(_render())
    assert rejected == _expected("before")
    assert "A paragraph that goes, 👩🏽‍🔬 and all." in rejected


def test_every_revision_has_a_unique_id_an_author_and_a_utc_date() -> None:
    body = docx_xml(_render(), "word/document.xml")
    revisions = list(body.iter(f"{{{W}}}ins", f"{{{W}}}del"))
    ids = [r.get(f"{{{W}}}id") for r in revisions]
    # 14: the space kept before Carol's "جديد" ends the earlier text, which no format shows
    # with its edge spaces, so it is inserted with her word.
    assert len(ids) == len(set(ids)) == 14
    assert all(ISO_UTC.match(r.get(f"{{{W}}}date")) for r in revisions)
    by_text = {
        "".join(r.itertext()): (r.tag.split("}")[1], r.get(f"{{{W}}}author"), r.get(f"{{{W}}}date"))
        for r in revisions
        if "".join(r.itertext())
    }
    assert by_text["that created"] == ("del", "Alice", "2026-11-20T09:30:00Z")
    assert by_text["which laid"] == ("ins", "Alice", "2026-11-20T09:30:00Z")
    assert by_text["genuinely "] == ("ins", "Bob", "2026-11-21T14:00:00Z")
    assert by_text["جديد"] == ("ins", "Carol", "2026-11-22T08:00:00Z")
    # Deleted text is kept in w:delText, as Word stores it.
    deleted = body.find(".//w:del/w:r/w:delText", NS)
    assert deleted is not None


def test_whole_paragraphs_mark_their_paragraph_marks() -> None:
    body = docx_xml(_render(), "word/document.xml")
    marks = body.findall(".//w:p/w:pPr/w:rPr/*", NS)
    assert [(m.tag.split("}")[1], m.get(f"{{{W}}}author")) for m in marks] == [
        ("ins", "Bob"),
        ("del", "Carol"),
        ("ins", "Bob"),
    ]


def test_python_docx_opens_it_with_styles_and_tracking_on() -> None:
    data = _render()
    document = open_docx(data)
    styles = [p.style.name for p in document.paragraphs]  # type: ignore[union-attr]
    assert styles[:4] == ["Title", "Normal", "Heading 1", "Heading 2"]
    assert styles.count("Heading 2") == 2  # the changed section heading and "Notes"
    assert document.core_properties.title == "Transformation"
    assert document.core_properties.created == GENERATED_AT
    settings = docx_xml(data, "word/settings.xml")
    names = [child.tag.split("}")[1] for child in settings]
    assert names.index("trackRevisions") < names.index("defaultTabStop")
    rtl = [
        "".join(p.itertext())
        for p in docx_xml(data, "word/document.xml").iter(f"{{{W}}}p")
        if p.find("w:pPr/w:bidi", NS) is not None
    ]
    assert rtl == ["نص عربي جديد"]
