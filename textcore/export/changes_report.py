"""The changes report: every amendment accepted between two moments, with its word-level
diff, and the word-count ledger before and after; as an HTML page and as a DOCX.

Entries come in the order given (the caller sorts them in text order). Deleted and inserted
words are marked by more than colour: in HTML ``<del>``/``<ins>`` carry visually hidden
"[deleted: …]"/"[inserted: …]" wording for screen readers and are struck through or
underlined; in DOCX deleted words are struck through and inserted words underlined (plain
formatting, not tracked revisions: a report is read, not accepted).
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.shared import RGBColor
from docx.text.paragraph import Paragraph

from textcore.export._common import clean_text, human_date, iso_utc, split_lines, trim_run_edges
from textcore.export._docx_common import new_document, paragraph, to_bytes
from textcore.export.document import ChangeEntry, ChangesReport, LedgerFigures
from textcore.export.html import page, text_html

_KIND_LABELS = {
    "replace": "Change to the paragraph",
    "delete": "Deletion of the paragraph",
    "insert": "New paragraph",
}

_REPORT_CSS = """
table { border-collapse: collapse; margin: 0 0 1.5rem; }
th, td { border: 1px solid #bbb; padding: .35rem .7rem; text-align: right; }
th[scope="row"], thead th:first-child { text-align: left; }
.change { border-top: 1px solid #ddd; padding-top: .5rem; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; }
.meta dt { font-weight: bold; }
.meta dd { margin: 0; }
.diff { white-space: pre-wrap; }
del { background: #fde2e2; color: #7a0b0b; text-decoration: line-through; }
ins { background: #dcf5dc; color: #0b5a0b; text-decoration: underline; }
@media print {
  .change { break-inside: avoid; page-break-inside: avoid; }
  del, ins { background: none; color: inherit; }
}
"""


def summary_line(report: ChangesReport) -> str:
    """One line saying what the report covers and when it was made."""
    return (
        f"Every amendment accepted between the text {report.since_label} and the text "
        f"{report.until_label}, in text order. Exported {human_date(report.generated_at)}."
    )


def ledger_rows(report: ChangesReport) -> list[tuple[str, str, str]]:
    """The ledger as (row label, before, after) rows: words, limit, words left or over."""
    before, after = report.ledger_before, report.ledger_after
    return [
        ("Words", f"{before.words:,}", f"{after.words:,}"),
        ("Word limit", _limit(before), _limit(after)),
        ("Words left", _left(before), _left(after)),
    ]


def words_changed(report: ChangesReport) -> str:
    """The change in words from before to after, signed ("+20 words", "−3 words", "no change")."""
    delta = report.ledger_after.words - report.ledger_before.words
    if delta == 0:
        return "No change in length"
    sign = "+" if delta > 0 else "−"
    return f"{sign}{abs(delta):,} word{'s' if abs(delta) != 1 else ''}"


def entry_facts(entry: ChangeEntry) -> list[tuple[str, str]]:
    """The entry's facts as (label, value) pairs, in the order both formats show them."""
    return [
        ("Paragraph", entry.paragraph_label),
        ("Change", _KIND_LABELS.get(entry.kind, entry.kind)),
        ("Decision", entry.status.capitalize()),
        ("Proposed by", entry.author),
        ("Decided by", entry.editor),
        ("Decided on", human_date(entry.decided_at)),
    ]


def entry_heading(entry: ChangeEntry) -> str:
    """The entry's heading: its amendment number and title."""
    return f"#{entry.amendment_number} {entry.title}".rstrip()


def render_changes_html(report: ChangesReport) -> str:
    """The changes report as a standalone HTML5 page (see the module docstring)."""
    header = (
        f"<h1>{text_html(report.title)}</h1>\n"
        f'<p class="provenance">{text_html(summary_line(report))}</p>'
    )
    rows = "\n".join(
        f'<tr><th scope="row">{label}</th><td>{text_html(before)}</td>'
        f"<td>{text_html(after)}</td></tr>"
        for label, before, after in ledger_rows(report)
    )
    ledger = (
        '<section aria-labelledby="ledger">\n<h2 id="ledger">Word count</h2>\n'
        '<table>\n<thead><tr><th scope="col">Ledger</th>'
        f'<th scope="col">Before ({text_html(report.since_label)})</th>'
        f'<th scope="col">After ({text_html(report.until_label)})</th></tr></thead>\n'
        f"<tbody>\n{rows}\n</tbody>\n</table>\n"
        f"<p>{text_html(words_changed(report))}</p>\n</section>"
    )
    if report.entries:
        entries = "\n".join(_entry_html(entry) for entry in report.entries)
    else:
        entries = "<p>No amendment was accepted in this period.</p>"
    changes = (
        '<section aria-labelledby="changes">\n'
        f'<h2 id="changes">Accepted amendments ({len(report.entries)})</h2>\n'
        f"{entries}\n</section>"
    )
    return page(
        title=report.title,
        header=header,
        main=f"{ledger}\n{changes}",
        meta={"dcterms.modified": iso_utc(report.generated_at)},
        css=_REPORT_CSS,
    )


def _entry_html(entry: ChangeEntry) -> str:
    facts = "".join(
        f"<dt>{label}</dt><dd>{text_html(value)}</dd>"
        for label, value in entry_facts(entry)
        if label != "Decided on"
    )
    facts += (
        f'<dt>Decided on</dt><dd><time datetime="{iso_utc(entry.decided_at)}">'
        f"{text_html(human_date(entry.decided_at))}</time></dd>"
    )
    reason_lines = [line for line in split_lines(entry.reason) if line.strip()]
    reason = "".join(f'<p dir="auto">{text_html(line)}</p>' for line in reason_lines)
    return (
        f'<article class="change" id="amendment-{entry.amendment_number}">\n'
        f"<h3>{text_html(entry_heading(entry))}</h3>\n"
        f'<dl class="meta">{facts}</dl>\n'
        f"<h4>Reason</h4>\n{reason or '<p>No reason given.</p>'}\n"
        f'<h4>Text</h4>\n<p class="diff" dir="auto">{_diff_html(entry.diff_ops)}</p>\n'
        "</article>"
    )


def _shown_ops(ops: tuple[tuple[int, str], ...]) -> list[tuple[int, str]]:
    # The paragraph's diff as every format shows the paragraph: no spaces at its ends.
    return [(op, text) for _, op, text in trim_run_edges([(op, clean_text(t)) for op, t in ops])]


def _diff_html(ops: tuple[tuple[int, str], ...]) -> str:
    parts: list[str] = []
    for op, text in _shown_ops(ops):
        escaped = text_html(text)
        if not escaped:
            continue
        if op < 0:
            parts.append(
                '<del><span class="visually-hidden">[deleted: </span>'
                f'{escaped}<span class="visually-hidden">]</span></del>'
            )
        elif op > 0:
            parts.append(
                '<ins><span class="visually-hidden">[inserted: </span>'
                f'{escaped}<span class="visually-hidden">]</span></ins>'
            )
        else:
            parts.append(escaped)
    return "".join(parts)


def render_changes_docx(report: ChangesReport) -> bytes:
    """The changes report as DOCX bytes (see the module docstring)."""
    document = new_document(
        title=report.title,
        created=report.generated_at,
        subject=f"Amendments accepted since {report.since_label}",
        comments=summary_line(report),
    )
    paragraph(document, "Title", report.title)
    paragraph(document, "Normal").add_run(clean_text(summary_line(report))).italic = True

    paragraph(document, "Heading 1", "Word count")
    rows = ledger_rows(report)
    table = document.add_table(rows=len(rows) + 1, cols=3)
    table.style = "Table Grid"
    header = ("Ledger", f"Before ({report.since_label})", f"After ({report.until_label})")
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = clean_text(text)
    for row, values in zip(table.rows[1:], rows, strict=True):
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = clean_text(text)
    paragraph(document, "Normal", words_changed(report))

    paragraph(document, "Heading 1", f"Accepted amendments ({len(report.entries)})")
    if not report.entries:
        paragraph(document, "Normal", "No amendment was accepted in this period.")
    for entry in report.entries:
        _entry_docx(document, entry)
    return to_bytes(document)


def _entry_docx(document: DocxDocument, entry: ChangeEntry) -> None:
    paragraph(document, "Heading 2", entry_heading(entry))
    for label, value in entry_facts(entry):
        _labelled(document, label, value)
    _labelled(document, "Reason", "")
    reason_lines = [line for line in split_lines(entry.reason) if line.strip()]
    for line in reason_lines or ["No reason given."]:
        paragraph(document, "Normal", line)
    _labelled(document, "Text", "")
    diff = paragraph(document, "Normal")
    for op, text in _shown_ops(entry.diff_ops):
        if not text:
            continue
        run = diff.add_run(text)
        if op < 0:
            run.font.strike = True
            run.font.color.rgb = RGBColor(0x9C, 0x0B, 0x0B)
        elif op > 0:
            run.font.underline = True
            run.font.color.rgb = RGBColor(0x0B, 0x5A, 0x0B)


def _labelled(document: DocxDocument, label: str, value: str) -> Paragraph:
    para = paragraph(document, "Normal")
    para.add_run(f"{label}:").bold = True
    if value:
        para.add_run(f" {clean_text(value)}")
    return para


def _limit(figures: LedgerFigures) -> str:
    return "no limit" if figures.limit is None else f"{figures.limit:,}"


def _left(figures: LedgerFigures) -> str:
    left = figures.words_left
    if left is None:
        return "—"
    return f"{left:,} left" if left >= 0 else f"{-left:,} over"
