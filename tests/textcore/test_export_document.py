"""The export dataclasses, the builder from a parsed chapter, and the shared helpers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from tests.textcore.export_fixtures import (
    GENERATED_AT,
    open_docx,
    parse_html,
    seed_document,
    seed_parsed,
)
from textcore.export import render_docx, render_html
from textcore.export._common import clean_text, human_date, iso_utc, provenance_line
from textcore.export.document import (
    LedgerFigures,
    TrackedBlock,
    TrackedSegment,
    chapter_from_parsed,
    document_from_parsed,
)

MANIFESTO = "Transformation, a Manifesto for Democratic Socialism"


def test_document_from_parsed_numbers_and_anchors_the_blocks() -> None:
    doc = seed_document()
    chapter = doc.chapters[0]
    assert doc.title == "Socialism and the Soviet Union" and doc.title_is_chapter
    assert chapter.slug == "socialism-and-the-soviet-union"
    assert [b.number for b in chapter.body] == list(range(1, 74))
    assert [b.anchor for b in chapter.body][:3] == ["p1", "p2", "p3"]
    assert [b.anchor for b in chapter.headings][:2] == ["s1", "s2"]
    assert all(b.number is None for b in chapter.headings)
    assert [(b.number, b.anchor) for b in chapter.footnotes][:2] == [(1, "fn-1"), (2, "fn-2")]
    assert chapter.known_footnotes == frozenset(range(1, 9))
    assert chapter.blocks[-1].kind == "footnote"
    assert len(chapter.text_blocks) == 13 + 73
    assert chapter.footnote(9) is None


def test_a_chapter_under_the_manifesto_title_keeps_its_own_heading() -> None:
    doc = document_from_parsed(seed_parsed(), title=MANIFESTO, generated_at=GENERATED_AT)
    assert not doc.title_is_chapter
    root = parse_html(render_html(doc))
    assert [h.text for h in root.iter("h1")] == [MANIFESTO]
    assert [h.text for h in root.iter("h2")] == ["Socialism and the Soviet Union"]
    assert [h.text for h in root.iter("h3")][:1] == ["Problems for the New Revolution"]
    styles = [p.style.name for p in open_docx(render_docx(doc)).paragraphs]  # type: ignore[union-attr]
    assert styles[:3] == ["Title", "Normal", "Heading 1"]
    assert styles.count("Heading 2") == 13


def test_chapter_from_parsed_takes_the_given_slug() -> None:
    assert chapter_from_parsed(seed_parsed(), slug="ussr").slug == "ussr"


def test_tracked_block_texts_before_and_after() -> None:
    segments = (
        TrackedSegment(0, "Keep "),
        TrackedSegment(-1, "old"),
        TrackedSegment(1, "new"),
        TrackedSegment(0, "."),
    )
    changed = TrackedBlock("body", 1, segments, "changed")
    assert (changed.before_text, changed.after_text) == ("Keep old.", "Keep new.")
    inserted = TrackedBlock("body", 2, (TrackedSegment(1, "Added."),), "inserted")
    assert (inserted.before_text, inserted.after_text) == ("", "Added.")
    deleted = TrackedBlock("body", 3, (TrackedSegment(-1, "Gone."),), "deleted")
    assert (deleted.before_text, deleted.after_text) == ("Gone.", "")


def test_ledger_words_left() -> None:
    assert LedgerFigures(words=90, limit=100).words_left == 10
    assert LedgerFigures(words=110, limit=100).words_left == -10
    assert LedgerFigures(words=110, limit=None).words_left is None


def test_dates_are_utc_whatever_the_zone() -> None:
    paris = datetime(2026, 11, 26, 11, 0, tzinfo=timezone(timedelta(hours=1)))
    assert iso_utc(paris) == "2026-11-26T10:00:00Z"
    assert iso_utc(datetime(2026, 11, 26, 10, 0, 5, 123456)) == "2026-11-26T10:00:05Z"
    assert human_date(paris) == "26 November 2026, 10:00 UTC"
    assert human_date(datetime(2026, 3, 1, 9, 5, tzinfo=UTC)) == "1 March 2026, 09:05 UTC"


def test_provenance_line() -> None:
    doc = seed_document(version="14", moment_label="as accepted on 26 November 2026")
    assert provenance_line(doc) == (
        "Text as accepted on 26 November 2026 · version 14 · exported 26 November 2026, 10:00 UTC"
    )


def test_clean_text_drops_only_what_xml_cannot_hold() -> None:
    assert clean_text("a\x00b\x07c\x1bd\uffff\ufffee") == "abcde"
    kept = "tab\tnewline\nreturn\r NBSP\u00a0 emoji 👩🏽‍🔬 \U0010fffd \ufffd"
    assert clean_text(kept) == kept
