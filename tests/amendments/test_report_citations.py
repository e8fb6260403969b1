"""The changes report cites each accepted change in the reference numbering: "¶ 9, lines
123–125 of As published", "the heading, line 21", "after ¶ 4, line 20", "note 3"; never the
internal key. The HTML and the Word report say the same."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document

from amendments.export_service import export_run
from amendments.reports import changes_report
from amendments.services.deciding import amendment_accept
from manifesto.exports import NOW, PUBLISHED
from tests.amendments.conftest import body_paragraph, propose
from textcore.lines import break_lines

pytestmark = pytest.mark.django_db


def _line_of(paragraph, words: str) -> int:
    """The reference line number where ``words`` begin in the paragraph's reference text."""
    offset = paragraph.ref_text.index(words)
    lines = break_lines(paragraph.ref_text, paragraph.chapter.manifesto.line_width)
    index = max(i for i, line in enumerate(lines) if line.start <= offset)
    return paragraph.ref_first_line + index


def test_the_report_cites_changes_by_paragraph_and_line_of_the_reference(
    seed_chapter, member, editor
) -> None:
    assert seed_chapter.reference_milestone.name == "As published"
    p2, p4, p5 = (body_paragraph(seed_chapter, n) for n in (2, 4, 5))
    heading = seed_chapter.paragraphs.filter(kind="heading").order_by("position").first()
    note = seed_chapter.paragraphs.get(kind="footnote", footnote_number=3)
    line = _line_of(p5, "a myriad of")
    changes = {
        "change": propose(member, p5, p5.text.replace("a myriad of", "many"), title="Fewer"),
        "delete": propose(member, p2, "", kind="delete", title="Cut"),
        "insert": propose(member, p4, "A new paragraph.", kind="insert", title="New"),
        "heading": propose(member, heading, heading.text + " and After", title="Heading"),
        "note": propose(member, note, note.text.replace("p.157", "page 157"), title="Note"),
    }
    for amendment in changes.values():
        amendment_accept(amendment=amendment, editor=editor)

    report = changes_report(seed_chapter.manifesto, [seed_chapter], PUBLISHED, NOW)
    cited = {entry.amendment_number: entry.paragraph_label for entry in report.entries}
    p4_last = p4.ref_first_line + p4.ref_line_count - 1
    assert cited == {
        changes["change"].pk: f"¶ 5, line {line} of As published",
        changes["delete"].pk: "¶ 2, lines 4–10 of As published",
        changes["insert"].pk: f"after ¶ 4, line {p4_last} of As published",
        changes["heading"].pk: f"the heading, line {heading.ref_first_line} of As published",
        changes["note"].pk: "note 3",
    }
    assert heading.ref_first_line == 21

    keys = {a.paragraph.key for a in changes.values()}
    for fmt in ("changes-html", "changes-docx"):
        result = export_run(
            manifesto=seed_chapter.manifesto,
            chapters=[seed_chapter],
            fmt=fmt,
            at=NOW,
            since=PUBLISHED,
        )
        if fmt == "changes-html":
            # The stylesheet's colours (#555) are no numbers of ours.
            text = re.sub(r"<style>.*?</style>", "", result.content.decode(), flags=re.S)
        else:
            text = "\n".join(p.text for p in Document(io.BytesIO(result.content)).paragraphs)
        assert "¶ 2, lines 4–10 of As published" in text, fmt
        assert f"after ¶ 4, line {p4_last} of As published" in text, fmt
        shown_keys = {int(k) for k in re.findall(r"#(\d+)", text)}
        # "#N" names amendments only, never a paragraph's internal key.
        assert shown_keys == {a.pk for a in changes.values()}, (fmt, keys)


def test_a_change_across_lines_cites_the_range(seed_chapter, member, editor) -> None:
    p2 = body_paragraph(seed_chapter, 2)  # lines 4-10
    start, end = "two-party coalition", "majority of the working"
    new = p2.text.replace(p2.text[p2.text.index(start) : p2.text.index(end)], "coalition of ")
    amendment_accept(amendment=propose(member, p2, new), editor=editor)
    (entry,) = changes_report(seed_chapter.manifesto, [seed_chapter], PUBLISHED, NOW).entries
    assert entry.paragraph_label == (
        f"¶ 2, lines {_line_of(p2, start)}–{_line_of(p2, end)} of As published"
    )
    assert (_line_of(p2, start), _line_of(p2, end)) == (4, 5)
