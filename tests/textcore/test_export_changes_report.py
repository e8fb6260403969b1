"""Changes report: entries in the given order, with facts, diff and the word-count ledger."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.textcore.export_fixtures import (
    GENERATED_AT,
    NS,
    W,
    docx_xml,
    html_text,
    open_docx,
    parse_html,
)
from textcore.export.changes_report import render_changes_docx, render_changes_html
from textcore.export.document import ChangeEntry, ChangesReport, LedgerFigures

ENTRIES = (
    ChangeEntry(
        amendment_number=12,
        title="Say what the insurrection did",
        author="Alice Member",
        editor="Erin Editor",
        decided_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
        reason="Clearer.\nAnd shorter <really> & truly.",
        kind="replace",
        paragraph_label="¶ 1",
        diff_ops=(
            (0, "The insurrection "),
            (-1, "that created"),
            (1, "which laid"),
            (0, " the basis."),
        ),
        status="accepted with changes",
    ),
    ChangeEntry(
        amendment_number=3,
        title="<script>alert('x')</script>",
        author="Bob & Co",
        editor="Erin Editor",
        decided_at=datetime(2026, 11, 21, 14, 0, tzinfo=UTC),
        reason="",
        kind="insert",
        paragraph_label="after ¶ 4",
        diff_ops=((1, "A new paragraph about 1921.\x07"),),
    ),
    ChangeEntry(
        amendment_number=7,
        title="Drop the repetition",
        author="Carol",
        editor="Dan Editor",
        decided_at=datetime(2026, 11, 22, 8, 0, tzinfo=UTC),
        reason="Repeats ¶ 5.",
        kind="delete",
        paragraph_label="¶ 9",
        diff_ops=((-1, "A paragraph that repeats itself."),),
    ),
)


def _report(entries: tuple[ChangeEntry, ...] = ENTRIES) -> ChangesReport:
    return ChangesReport(
        title="Changes to “Socialism and the Soviet Union”",
        since_label="as published",
        until_label="as accepted on 26 November 2026",
        entries=entries,
        ledger_before=LedgerFigures(words=5_210, limit=5_220),
        ledger_after=LedgerFigures(words=5_230, limit=5_220),
        generated_at=GENERATED_AT,
    )


def test_html_report_lists_entries_in_the_given_order_with_their_facts() -> None:
    root = parse_html(render_changes_html(_report()))
    assert root.find(".//script") is None
    assert len(root.findall(".//h1")) == 1
    articles = root.findall(".//article")
    assert [a.get("id") for a in articles] == ["amendment-12", "amendment-3", "amendment-7"]
    assert [html_text(a.find("h3")) for a in articles] == [  # type: ignore[arg-type]
        "#12 Say what the insurrection did",
        "#3 <script>alert('x')</script>",
        "#7 Drop the repetition",
    ]
    facts = {
        html_text(dt): html_text(dd)
        for dt, dd in zip(articles[0].iter("dt"), articles[0].iter("dd"), strict=True)
    }
    assert facts == {
        "Paragraph": "¶ 1",
        "Change": "Change to the paragraph",
        "Decision": "Accepted with changes",
        "Proposed by": "Alice Member",
        "Decided by": "Erin Editor",
        "Decided on": "20 November 2026, 09:30 UTC",
    }
    assert articles[0].find(".//time").get("datetime") == "2026-11-20T09:30:00Z"  # type: ignore[union-attr]
    reasons = [html_text(p) for p in articles[0].findall("p")[:-1]]
    assert reasons == ["Clearer.", "And shorter <really> & truly."]
    assert html_text(articles[1].findall("p")[0]) == "No reason given."


def test_html_diff_is_not_colour_only() -> None:
    root = parse_html(render_changes_html(_report()))
    diff = root.find(".//article/p[@class='diff']")
    assert diff is not None
    # Read aloud, the diff says what was deleted and inserted.
    assert html_text(diff, skip_classes=()) == (
        "The insurrection [deleted: that created][inserted: which laid] the basis."
    )
    # Seen, the hidden words are gone and the text reads as the diff.
    assert html_text(diff, skip_classes=("visually-hidden",)) == (
        "The insurrection that createdwhich laid the basis."
    )
    assert [html_text(d, skip_classes=("visually-hidden",)) for d in diff.iter("del")] == [
        "that created"
    ]
    assert [html_text(i, skip_classes=("visually-hidden",)) for i in diff.iter("ins")] == [
        "which laid"
    ]
    inserted_only = root.findall(".//article")[1].find("p[@class='diff']")
    assert (
        html_text(inserted_only, skip_classes=("visually-hidden",)) == "A new paragraph about 1921."
    )  # type: ignore[arg-type]


def test_html_ledger_shows_before_after_limit_and_words_over() -> None:
    root = parse_html(render_changes_html(_report()))
    rows = [[html_text(cell) for cell in row] for row in root.iter("tr")]
    assert rows == [
        ["Ledger", "Before (as published)", "After (as accepted on 26 November 2026)"],
        ["Words", "5,210", "5,230"],
        ["Word limit", "5,220", "5,220"],
        ["Words left", "10 left", "10 over"],
    ]
    assert "+20 words" in html_text(root.find(".//section"))  # type: ignore[arg-type]


def test_html_report_without_entries_or_limit() -> None:
    report = ChangesReport(
        title="Changes",
        since_label="as published",
        until_label="now",
        entries=(),
        ledger_before=LedgerFigures(words=10, limit=None),
        ledger_after=LedgerFigures(words=10, limit=None),
        generated_at=GENERATED_AT,
    )
    root = parse_html(render_changes_html(report))
    text = html_text(root.find("body"))  # type: ignore[arg-type]
    assert "No amendment was accepted in this period." in text
    assert "no limit" in text and "No change in length" in text


def test_docx_report_reads_back() -> None:
    data = render_changes_docx(_report())
    document = open_docx(data)
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]  # type: ignore[union-attr]
    headings = [text for style, text in paragraphs if style == "Heading 2"]
    assert headings == [
        "#12 Say what the insurrection did",
        "#3 <script>alert('x')</script>",
        "#7 Drop the repetition",
    ]
    texts = [text for _, text in paragraphs]
    assert "Proposed by: Alice Member" in texts and "Decided by: Dan Editor" in texts
    assert "Decision: Accepted with changes" in texts
    assert "Decided on: 22 November 2026, 08:00 UTC" in texts
    assert "The insurrection that createdwhich laid the basis." in texts
    assert "A new paragraph about 1921." in texts  # the bell character is dropped
    table = document.tables[0]
    assert [[c.text for c in row.cells] for row in table.rows][1:] == [
        ["Words", "5,210", "5,230"],
        ["Word limit", "5,220", "5,220"],
        ["Words left", "10 left", "10 over"],
    ]
    assert document.core_properties.title == "Changes to “Socialism and the Soviet Union”"


def test_docx_diff_strikes_deleted_and_underlines_inserted_words() -> None:
    body = docx_xml(render_changes_docx(_report()), "word/document.xml")
    runs = {"".join(r.itertext()): r for r in body.iter(f"{{{W}}}r") if "".join(r.itertext())}
    assert runs["that created"].find("w:rPr/w:strike", NS) is not None
    assert runs["which laid"].find("w:rPr/w:u", NS) is not None
    assert runs["The insurrection "].find("w:rPr", NS) is None
