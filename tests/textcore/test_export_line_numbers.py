"""Line numbers in the exports that keep lines (txt, md, html): every line of the text as
``textcore.lines.break_lines`` cuts it, behind its label, read back by each format's reader."""

from __future__ import annotations

import re
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.textcore.export_fixtures import (
    GENERATED_AT,
    html_text,
    markdown_blocks,
    parse_html,
    seed_document,
)
from textcore.export.document import ExportBlock, ExportChapter, ExportDocument
from textcore.export.html import render_html
from textcore.export.markdown import render_markdown
from textcore.export.text import render_text
from textcore.lines import break_lines, line_texts

SEED_LINES = 450
NUMBERED = re.compile(r"^ *(\d+[a-z]*)  (\S.*)$")
WORD = st.text(
    alphabet=st.one_of(
        st.characters(
            exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), exclude_characters="\u0085"
        ),
        st.sampled_from("*_#[]<>&\\`-+1.!|~"),
    ),
    min_size=1,
    max_size=30,
)
TEXT = st.lists(WORD, min_size=1, max_size=60).map(" ".join)


def _document(text: str, labels: tuple[str, ...], kind: str = "body") -> ExportDocument:
    block = ExportBlock(kind, text, None, "p1", "1" if kind == "body" else "", labels)  # type: ignore[arg-type]
    chapter = ExportChapter("Chapter", "chapter", "", "", "", (block,))
    return ExportDocument("Chapter", (chapter,), "now", "1", GENERATED_AT, line_width=40)


def _labels(text: str, width: int = 40, first: int = 7) -> tuple[str, ...]:
    return tuple(str(first + n) for n in range(len(break_lines(text, width))))


def test_the_seed_as_text_has_450_numbered_lines_in_order() -> None:
    document = seed_document()
    numbered = [
        m.groups()
        for line in render_text(document, line_numbers=True).splitlines()
        if (m := NUMBERED.match(line))
    ]
    assert [label for label, _ in numbered] == [str(n) for n in range(1, SEED_LINES + 1)]
    expected = [
        line
        for block in document.chapters[0].text_blocks
        for line in line_texts(block.text, break_lines(block.text, 80))
    ]
    assert [text for _, text in numbered] == expected


def test_without_the_option_nothing_changes() -> None:
    document = seed_document()
    bare = replace(
        document,
        chapters=tuple(
            replace(c, blocks=tuple(replace(b, line_labels=()) for b in c.blocks))
            for c in document.chapters
        ),
    )
    for render in (render_text, render_markdown, render_html):
        assert render(document) == render(bare)  # type: ignore[operator]


@settings(max_examples=60, deadline=None)
@given(TEXT)
def test_every_format_gives_each_line_back_behind_its_label(text: str) -> None:
    labels = _labels(text)
    lines = line_texts(text, break_lines(text, 40))
    document = _document(text, labels)

    plain = render_text(document, line_numbers=True).splitlines()
    width = max(len(label) for label in labels)
    assert [line for line in plain if line[:width].strip()] == [
        f"{label:>{width}}  {line}" for label, line in zip(labels, lines, strict=True)
    ]

    (paragraph,) = [
        b
        for b in markdown_blocks(render_markdown(document, line_numbers=True))
        if b.kind == "p" and "code_inline" in b.token_types
    ]
    assert paragraph.text == "\n".join(
        f"{label} {line}" for label, line in zip(labels, lines, strict=True)
    )

    page = parse_html(render_html(document, line_numbers=True))
    spans = page.findall(".//p[@id='p1']/span[@class='line']")
    assert [html_text(span, skip_classes=("ln",)) for span in spans] == lines
    numbers = [span.find("span") for span in spans]
    assert [n.text for n in numbers] == list(labels)
    assert all(n.get("aria-hidden") == "true" for n in numbers)


def test_a_line_without_a_label_has_an_empty_gutter_and_no_number() -> None:
    text = "A paragraph inserted since the reference, with two lines."
    labels = ("", "")
    document = _document(text, labels)
    plain = render_text(document, line_numbers=True)
    first, second = line_texts(text, break_lines(text, 40))
    assert f"\n   {first}\n   {second}\n" in plain  # a one-character gutter and two spaces
    markdown = render_markdown(document, line_numbers=True)
    assert f"\n\n{first}\\\n{second}\n" in markdown
    html = render_html(document, line_numbers=True)
    assert f'<span class="line">{first}</span>' in html and 'class="ln' not in html


def test_every_fifth_number_shows_in_the_html_and_letters_follow_their_line() -> None:
    text = " ".join(["word"] * 60)
    labels = ("9", "10", "10a", "11", "15", "")[: len(break_lines(text, 40))]
    html = render_html(_document(text, labels), line_numbers=True)
    shown = re.findall(r'class="ln ln--fifth" aria-hidden="true">(\w+)<', html)
    hidden = re.findall(r'class="ln" aria-hidden="true">(\w+)<', html)
    assert shown == [label for label in labels if label in ("10", "15")]
    assert hidden == [label for label in labels if label and label not in ("10", "15")]
    assert '<body class="line-numbers">' in html


def test_a_heading_stays_one_markdown_heading_with_its_labels() -> None:
    text = "A heading long enough to need a second line of its own"
    labels = _labels(text, first=21)
    markdown = render_markdown(_document(text, labels, kind="heading"), line_numbers=True)
    first, second = line_texts(text, break_lines(text, 40))
    assert f"\n## `21` {first} `22` {second}\n" in markdown


def test_footnote_markers_stay_on_their_line_and_link() -> None:
    text = "The revolution was “genuinely popular.” 1 And it spread to the villages quickly."
    note = ExportBlock("footnote", "The note.", 1, "fn-1")
    block = ExportBlock("body", text, None, "p1", "1", _labels(text))
    chapter = ExportChapter("Chapter", "chapter", "", "", "", (block, note))
    document = ExportDocument("Chapter", (chapter,), "now", "1", GENERATED_AT, line_width=40)
    html = render_html(document, line_numbers=True)
    assert 'role="doc-noteref"' in html and 'href="#fn-1"' in html
    markdown = render_markdown(document, line_numbers=True)
    assert "popular.”[^1]" in markdown or "popular.” [^1]" in markdown
