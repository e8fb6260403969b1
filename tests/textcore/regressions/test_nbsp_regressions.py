"""Non-breaking spaces at a paragraph's ends, as the seed chapter has them ("\u00a0\u00a0 Russia’s
October…", "…gangsters.\u00a0"): the stored text keeps them, every output shows the paragraph
without them. One test per output that showed them, named after what broke."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.textcore.export_fixtures import (
    GENERATED_AT,
    docx_footnotes,
    docx_xml,
    markdown_blocks,
    open_docx,
    parse_html,
    seed_document,
    seed_parsed,
)
from textcore.compare import Block, compare_blocks
from textcore.diff import diff_html
from textcore.export import render_changes_docx, render_changes_html
from textcore.export.document import (
    ChangeEntry,
    ChangesReport,
    LedgerFigures,
    TrackedBlock,
    TrackedChapter,
    TrackedSegment,
)
from textcore.export.docx import render_docx
from textcore.export.html import render_html
from textcore.export.markdown import render_markdown
from textcore.export.text import render_text
from textcore.export.tracked_docx import render_tracked_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
INDENTED = "\u00a0\u00a0 Russia’s October was also a democratic revolution."
TRAILING = "The reforming government tried.\u00a0"
AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def _seed_indented() -> str:
    return next(b.text for b in seed_parsed().body if b.text.startswith("\u00a0"))


def test_the_seed_keeps_its_nbsps_and_trim_edges_drops_only_the_ends() -> None:
    from textcore.words import trim_edges

    assert _seed_indented().startswith("\u00a0\u00a0 Russia’s October")
    assert trim_edges(INDENTED) == "Russia’s October was also a democratic revolution."
    assert trim_edges("p.\u00a0157 and\u00a0more\u00a0") == "p.\u00a0157 and\u00a0more"


def test_a_diff_showed_the_leading_nbsps_as_an_indent() -> None:
    shown = diff_html(INDENTED, INDENTED.replace("also", "really"))
    assert shown.startswith("Russia’s October")
    assert not diff_html(INDENTED, "Russia’s October was also a democratic revolution.").count(
        "<del>"
    )


def test_the_compare_view_showed_an_unchanged_paragraph_indented() -> None:
    blocks = [Block(1, "a", "body", INDENTED), Block(2, "b", "body", TRAILING)]
    comparison = compare_blocks(blocks, blocks)
    assert [b.html for b in comparison.blocks] == [
        "Russia’s October was also a democratic revolution.",
        "The reforming government tried.",
    ]


def test_markdown_wrote_the_nbsps_as_character_references() -> None:
    markdown = render_markdown(seed_document())
    assert "&#" not in markdown
    paragraphs = [b.text for b in markdown_blocks(markdown) if b.kind == "p"]
    assert any(p.startswith("Russia’s October") for p in paragraphs)
    assert not any(p != p.strip() for p in paragraphs)


def test_the_docx_started_a_paragraph_with_an_indent_of_nbsps() -> None:
    data = render_docx(seed_document())
    texts = [p.text for p in open_docx(data).paragraphs]
    assert any(t.startswith("Russia’s October") for t in texts)
    assert all(t == t.strip() for t in texts)
    assert all(text == text.strip() for text in docx_footnotes(data).values())


def test_the_html_export_started_a_paragraph_with_nbsps() -> None:
    root = parse_html(render_html(seed_document()))
    paragraphs = ["".join(p.itertext()) for p in root.iter("p")]
    assert any(p.startswith("Russia’s October") for p in paragraphs)
    assert all(p == p.strip() for p in paragraphs)
    notes = [li.text or "" for li in root.iter("li")]
    assert "‘The History of the Bolshevik Party (CP) of the USSR’ by Pierre Broué," in notes
    assert all(note == note.strip() for note in notes)


def test_the_plain_text_started_a_line_with_nbsps() -> None:
    lines = render_text(seed_document()).split("\n")
    assert any(line.startswith("Russia’s October") for line in lines)
    assert all(line == line.strip() for line in lines)


def test_the_tracked_docx_started_a_paragraph_with_nbsps() -> None:
    chapter = TrackedChapter(
        "Chapter",
        "chapter",
        (
            TrackedBlock(
                "body",
                1,
                (
                    TrackedSegment(0, "\u00a0\u00a0 Russia’s October was "),
                    TrackedSegment(-1, "also", "Alice", AT),
                    TrackedSegment(1, "really", "Alice", AT),
                    TrackedSegment(0, " a democratic revolution.\u00a0"),
                ),
                "changed",
            ),
            TrackedBlock("body", 2, (TrackedSegment(0, TRAILING),), "unchanged"),
            TrackedBlock("body", None, (TrackedSegment(-1, INDENTED),), "deleted", "Bob", AT),
        ),
    )
    data = render_tracked_docx((chapter,), "T", "as published", "now", GENERATED_AT)
    body = docx_xml(data, "word/document.xml")
    texts = [
        "".join(t.text or "" for t in p.iter(f"{W}t", f"{W}delText")) for p in body.iter(f"{W}p")
    ]
    assert "Russia’s October was alsoreally a democratic revolution." in texts
    assert "The reforming government tried." in texts
    assert "Russia’s October was also a democratic revolution." in texts
    assert all(text == text.strip() for text in texts)


def test_the_changes_report_showed_the_nbsps_as_an_indent() -> None:
    entry = ChangeEntry(
        amendment_number=3,
        title="Really",
        author="Alice",
        editor="Erin",
        decided_at=AT,
        reason="Why not.",
        kind="replace",
        paragraph_label="¶ 3",
        diff_ops=(
            (0, "\u00a0\u00a0 Russia’s October was "),
            (-1, "also"),
            (1, "really"),
            (0, " a democratic revolution.\u00a0"),
        ),
    )
    report = ChangesReport(
        "Changes",
        "as published",
        "now",
        (entry,),
        LedgerFigures(1, None),
        LedgerFigures(1, None),
        AT,
    )
    root = parse_html(render_changes_html(report))
    diff = next(p for p in root.iter("p") if "diff" in (p.get("class") or ""))
    assert "".join(diff.itertext()).startswith("Russia’s October")
    assert "".join(diff.itertext()).endswith("revolution.")
    document = open_docx(render_changes_docx(report))
    shown = next(p.text for p in document.paragraphs if "Russia" in p.text)
    assert shown == "Russia’s October was alsoreally a democratic revolution."
