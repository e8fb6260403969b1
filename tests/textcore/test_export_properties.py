"""Property tests: any text a member can type comes back out of every format unchanged.

Text is drawn from every Unicode character except surrogates and control characters (tabs
and the odd space kinds are mixed in on purpose). HTML and Markdown must give it back
exactly; DOCX exactly but for the characters XML cannot hold, which are dropped. Every
format shows a paragraph without the spaces at its ends (they would read as an indent).
"""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.textcore.export_fixtures import (
    GENERATED_AT,
    html_text,
    markdown_blocks,
    open_docx,
    parse_html,
)
from textcore.export._common import clean_text
from textcore.export.document import ExportBlock, ExportChapter, ExportDocument
from textcore.export.docx import render_docx
from textcore.export.html import render_html
from textcore.export.markdown import render_markdown

TEXT = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=("Cs", "Cc")),
        st.sampled_from(" \t\u00a0\u2003\u3000*_#[]<>&\\`-+1.!|~"),
    ),
    min_size=1,
    max_size=120,
)
PLAIN = {"text", "softbreak"}


def _document(text: str, kind: str = "body") -> ExportDocument:
    chapter = ExportChapter(
        title="Chapter",
        slug="chapter",
        subtitle="",
        publication_line="",
        editorial_note="",
        blocks=(ExportBlock(kind, text, 1 if kind == "body" else None, "x1"),),  # type: ignore[arg-type]
    )
    return ExportDocument("Document", (chapter,), "as published", "", GENERATED_AT)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT, kind=st.sampled_from(["body", "heading"]))
def test_html_gives_any_text_back(text: str, kind: str) -> None:
    root = parse_html(render_html(_document(text, kind)))
    element = next(el for el in root.iter() if el.get("id") == "x1")
    assert html_text(element) == clean_text(text).strip()
    assert root.find(".//script") is None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT, kind=st.sampled_from(["body", "heading"]))
def test_markdown_renders_any_text_back(text: str, kind: str) -> None:
    assume(clean_text(text).strip())  # a paragraph of nothing but spaces is no paragraph
    blocks = markdown_blocks(render_markdown(_document(text, kind)))
    last = blocks[-1]
    assert last.kind == ("p" if kind == "body" else "h3")
    assert last.text == clean_text(text).strip()
    assert last.token_types <= PLAIN


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT)
def test_docx_keeps_any_text_but_what_xml_cannot_hold(text: str) -> None:
    document = open_docx(render_docx(_document(text)))
    assert document.paragraphs[-1].text == clean_text(text).strip()
