"""HTML export: html5lib parses the page; its text is the source text; links all land."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from tests.textcore.export_fixtures import (
    GENERATED_AT,
    expected_text,
    hostile_chapter,
    hostile_document,
    html_text,
    parse_html,
    seed_document,
)
from textcore.export._common import clean_text, provenance_line
from textcore.export.document import ExportBlock, ExportChapter, ExportDocument
from textcore.export.html import render_html


def _ids(root: Element) -> list[str]:
    return [el.get("id") for el in root.iter() if el.get("id") is not None]  # type: ignore[misc]


def _check_structure(root: Element) -> None:
    assert root.tag == "html" and root.get("lang") == "en"
    assert root.find("head/meta[@charset='utf-8']") is not None
    assert len(root.findall(".//h1")) == 1
    assert root.find(".//script") is None
    ids = _ids(root)
    assert len(ids) == len(set(ids)), "ids must be unique"
    # Every in-page link lands on an element.
    targets = set(ids)
    for link in root.iter("a"):
        href = link.get("href") or ""
        assert href.startswith("#") and href[1:] in targets, href


def _check_chapter(root: Element, chapter: ExportChapter, id_prefix: str = "") -> None:
    known = chapter.known_footnotes
    for block in chapter.text_blocks:
        element = next(el for el in root.iter() if el.get("id") == id_prefix + block.anchor)
        assert element.tag == ("p" if block.kind == "body" else element.tag)
        assert html_text(element) == expected_text(block.text, known)


def test_seed_page_parses_and_shows_the_source_text() -> None:
    doc = seed_document()
    chapter = doc.chapters[0]
    page = render_html(doc)
    root = parse_html(page)
    _check_structure(root)

    assert root.find("head/title").text == "Socialism and the Soviet Union"  # type: ignore[union-attr]
    assert root.find(".//h1").text == "Socialism and the Soviet Union"  # type: ignore[union-attr]
    assert html_text(root.find(".//p[@class='provenance']")) == provenance_line(doc)  # type: ignore[arg-type]
    # Titled after its one chapter: sections are h2, no skipped level.
    assert [html_text(h) for h in root.iter("h2")] == [b.text for b in chapter.headings] + ["Notes"]
    _check_chapter(root, chapter)
    russia = next(el for el in root.iter("p") if el.get("id") == "p3")
    # The NBSPs around the paragraph are not shown: they would read as an indent.
    assert html_text(russia).startswith("Russia’s October")

    note_text = html_text(root.find(".//aside"))  # type: ignore[arg-type]
    assert note_text == chapter.editorial_note.replace("\n", "")


def test_seed_footnotes_link_both_ways_including_the_repeated_note() -> None:
    root = parse_html(render_html(seed_document()))
    refs = [a for a in root.iter("a") if a.get("role") == "doc-noteref"]
    assert [a.text for a in refs] == ["1", "2", "2", "3", "4", "5", "6", "7", "8"]
    assert [a.get("href") for a in refs][1:3] == ["#fn-2", "#fn-2"]
    assert [a.get("id") for a in refs][1:3] == ["fnref-2", "fnref-2-2"]

    items = root.findall(".//section[@class='footnotes']/ol/li")
    assert [li.get("id") for li in items] == [f"fn-{n}" for n in range(1, 9)]
    assert [li.get("value") for li in items] == [str(n) for n in range(1, 9)]
    backlinks = {
        li.get("id"): [a.get("href") for a in li.iter("a") if "backref" in (a.get("class") or "")]
        for li in items
    }
    assert backlinks["fn-2"] == ["#fnref-2", "#fnref-2-2"]
    assert backlinks["fn-1"] == ["#fnref-1"]
    chapter = seed_document().chapters[0]
    assert [html_text(li, skip_classes=("backrefs",)) for li in items] == [
        b.text.strip() for b in chapter.footnotes
    ]


def test_page_has_a_reading_measure_and_a_print_stylesheet() -> None:
    root = parse_html(render_html(seed_document()))
    css = root.find("head/style").text or ""  # type: ignore[union-attr]
    assert "max-width: 70ch" in css
    assert "@media print" in css
    assert root.find("head/meta[@name='viewport']") is not None


def test_hostile_text_is_escaped() -> None:
    doc = hostile_document()
    page = render_html(doc)
    root = parse_html(page)
    _check_structure(root)
    chapter = doc.chapters[0]
    assert root.find("head/title").text == doc.title  # type: ignore[union-attr]
    assert html_text(root.find(".//h1")) == doc.title  # type: ignore[arg-type]
    assert html_text(root.find(".//h2")) == chapter.title  # type: ignore[arg-type]
    assert html_text(root.find(".//p[@class='subtitle']")) == chapter.subtitle  # type: ignore[arg-type]
    _check_chapter(root, chapter)
    # The user's markup stays text: no element came from it.
    allowed = [
        "body",
        "header",
        "main",
        "article",
        "h1",
        "h2",
        "h3",
        "p",
        "sup",
        "a",
        "aside",
        "section",
        "ol",
        "li",
        "span",
    ]
    assert {el.tag for el in root.find("body").iter()} <= set(allowed)  # type: ignore[union-attr]
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "\x00" not in page and "\x07" not in page and "\uffff" not in page
    controls = next(el for el in root.iter("p") if "Control characters" in html_text(el))
    assert html_text(controls) == clean_text(controls_source(chapter))


def controls_source(chapter: ExportChapter) -> str:
    return next(b.text for b in chapter.body if b.text.startswith("Control characters"))


def test_several_chapters_get_unique_ids_and_working_links() -> None:
    doc = ExportDocument(
        title="Transformation",
        chapters=(hostile_chapter("one"), hostile_chapter("two")),
        moment_label="as accepted on 26 November 2026",
        version="2",
        generated_at=GENERATED_AT,
    )
    root = parse_html(render_html(doc))
    _check_structure(root)
    assert [html_text(h) for h in root.iter("h2")] == [doc.chapters[0].title] * 2
    _check_chapter(root, doc.chapters[0], id_prefix="one-")
    _check_chapter(root, doc.chapters[1], id_prefix="two-")
    assert root.find(".//*[@id='two-fn-1']") is not None


def test_colliding_anchors_are_made_unique() -> None:
    chapter = ExportChapter(
        title="One",
        slug="one",
        subtitle="",
        publication_line="",
        editorial_note="",
        blocks=(
            ExportBlock("body", "First.", 1, "p1"),
            ExportBlock("body", "Second.", 2, "p1"),
            ExportBlock("body", "Third has a space in its anchor.", 3, "p 3"),
        ),
    )
    doc = ExportDocument("Transformation", (chapter,), "as published", "", GENERATED_AT)
    root = parse_html(render_html(doc))
    _check_structure(root)
    assert [p.get("id") for p in root.iter("p") if p.get("id")] == ["p1", "p1-2", "p-3"]
