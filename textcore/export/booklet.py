"""The congress pack's booklet: the line-numbered text, then every amendment in text order with
its place ("¶ 9, lines 123–125"), proposer, supporters, reason and word diff, then the
committee's recommendation and the voting list where the desk has them. Pure functions over
the dataclasses below; no Django here.

``render_booklet_html`` gives the booklet as one HTML page (A4 print CSS: a title page, a table
of contents whose page numbers an HTML printer fills in with ``target-counter``, the chapter's
title running at the top of each page and "Page 3 of 40" at the bottom). The PDF is not printed
from it: ``textcore.export.booklet_pdf`` draws the same content with ReportLab, because
WeasyPrint took minutes and gigabytes for the whole Manifesto. The text
is the line-numbered HTML of ``textcore.export.html`` (the same lines, cut by
``textcore.lines.break_lines``, and the same reference labels as the chapter page), every
number shown in the margin. All user text is escaped.

``render_booklet_docx`` gives the same content as Word. Word reflows lines, so there the text
carries no line numbers; each amendment's header still cites its ¶ and lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from docx.document import Document as DocxDocument
from docx.enum.text import WD_BREAK

from textcore.diff import DELETE, EQUAL, word_diff
from textcore.export._common import clean_text, human_date, split_lines
from textcore.export._docx_common import (
    FootnotesPart,
    end_section,
    new_document,
    paragraph,
    restart_footnotes_each_section,
    to_bytes,
)
from textcore.export.document import ExportDocument
from textcore.export.docx import _add_chapter
from textcore.export.html import _chapter_html, _IdRegistry, text_html
from textcore.words import trim_edges

# The fonts the booklet names: DejaVu, from Debian's fonts-dejavu-core (the Makefile and CI
# install it); the PDF embeds the glyphs it uses.
SERIF = '"DejaVu Serif"'
SANS = '"DejaVu Sans"'
# How wide a numbered line may be on A4 with our margins, and how wide a character of DejaVu
# Serif is on average (in em): the type is set so that a line of ``line_width`` characters
# fits, and so the page's lines are the numbered lines.
_TEXT_WIDTH_MM = 150
_CHAR_EM = 0.56
_MAX_FONT_PT = 10.5


@dataclass(frozen=True)
class BookletRecommendation:
    """The committee's advice on an amendment and the proposer's answer, as printed."""

    verdict: str  # "Accept", "Accept as modified", "Reject", "Merged into #12", "Refer"
    text: str = ""  # the committee's reason, or the modified wording
    answer: str = ""  # "The proposer agrees." / "The proposer disagrees: …"


@dataclass(frozen=True)
class BookletAmendment:
    """One amendment as the booklet prints it."""

    number: int
    chapter_title: str
    place: str  # "¶ 9, lines 123–125"
    title: str
    kind: str  # "Change the text", "Delete the paragraph", …
    status: str  # "Pending", "In conflict"
    proposer: str  # the name shown, with the role of an editor or admin
    supporters: tuple[str, ...]
    reason: str
    old_text: str  # what the diff is from ("" for an insertion)
    new_text: str  # what it is to ("" for a deletion)
    note: str = ""  # what the delegates must know besides ("In conflict: …")
    recommendation: BookletRecommendation | None = None

    @property
    def heading(self) -> str:
        return f"#{self.number} · {self.place}: {self.title}" if self.place else self.title


@dataclass(frozen=True)
class VotingBlock:
    """One block of the voting list: what is voted on together, and what follows from it."""

    heading: str  # "Block 3: ¶ 9, lines 123–125"
    items: tuple[str, ...]  # "#12 Nationalise the banks (the proposer disagrees)"
    consequence: str = ""  # "If #12 is carried, #14 and #15 fall."


@dataclass(frozen=True)
class Booklet:
    """Everything the booklet prints: the text, the amendments, and the voting list (None
    when the desk has none to give; an empty tuple prints "nothing to vote on")."""

    document: ExportDocument
    amendments: tuple[BookletAmendment, ...]
    selection: str  # which amendments are in, in words
    voting_list: tuple[VotingBlock, ...] | None = None


def _font_size(line_width: int) -> float:
    """The text's size in points, so that ``line_width`` characters fit the measure."""
    fitting = _TEXT_WIDTH_MM / 25.4 * 72 / (line_width * _CHAR_EM)
    return round(min(_MAX_FONT_PT, fitting), 2)


def booklet_css(line_width: int) -> str:
    """The print stylesheet: A4, running chapter title, page numbers, numbers in the margin."""
    size = _font_size(line_width)
    return f"""
@page {{
  size: A4; margin: 22mm 18mm 22mm 30mm;
  @top-center {{ content: string(running); font: 8pt {SANS}; color: #333; }}
  @bottom-center {{ content: "Page " counter(page) " of " counter(pages); font: 8pt {SANS}; }}
}}
@page :first {{ @top-center {{ content: none; }} @bottom-center {{ content: none; }} }}
html {{ font-family: {SERIF}; font-size: {size}pt; line-height: 1.45; color: #000; }}
h1, h2, h3, h4, .toc, .facts, .legend {{ font-family: {SANS}; }}
h1 {{ font-size: 22pt; margin: 0 0 6mm; }}
h2 {{ font-size: 15pt; margin: 0 0 4mm; string-set: running content(); }}
h3 {{ font-size: 11.5pt; margin: 5mm 0 2mm; }}
h4 {{ font-size: 9pt; margin: 2mm 0 .5mm; }}
h2, h3, h4 {{ break-after: avoid; }}
p {{ margin: 0 0 2.5mm; orphans: 2; widows: 2; }}
.title-page {{ break-after: page; padding-top: 50mm; }}
.title-page .kind {{ font: 12pt {SANS}; text-transform: uppercase; letter-spacing: .08em; }}
.title-page p {{ font-family: {SANS}; font-size: 10pt; }}
.toc {{ break-after: page; }}
.toc ol {{ list-style: none; padding: 0; margin: 0; }}
.toc ol ol {{ padding-left: 6mm; }}
.toc li {{ margin: 1.2mm 0; }}
.toc a {{ color: inherit; text-decoration: none; }}
.toc a::after {{ content: leader('.') " " target-counter(attr(href url), page); }}
.part {{ break-before: page; }}
.chapter + .chapter {{ break-before: page; }}
.chapter h2 {{ font-size: 15pt; }}
.subtitle {{ font-style: italic; }}
.publication {{ color: #333; }}
.line {{ display: block; padding-left: 0; }}
.ln {{
  display: inline-block; width: 11mm; margin-left: -14mm; margin-right: 3mm;
  text-align: right; font: 7pt {SANS}; color: #333;
}}
h2 .ln, h3 .ln {{ font-weight: normal; }}
sup {{ line-height: 0; font-size: 70%; }}
a {{ color: inherit; text-decoration: none; }}
.backrefs {{ display: none; }}
.footnotes {{ font-size: 90%; margin-top: 6mm; border-top: .5pt solid #555; }}
.editorial-note {{ border-left: 2pt solid #777; padding-left: 3mm; }}
.amendment {{ margin: 0 0 5mm; }}
.amendment header {{ break-inside: avoid; break-after: avoid; }}
.facts {{ font-size: 8.5pt; margin: 0 0 2mm; }}
.facts p {{ margin: 0 0 .6mm; }}
.diff {{ border-left: 1.5pt solid #555; padding: 1mm 0 1mm 3mm; break-before: avoid; }}
ins {{ text-decoration: underline; text-decoration-thickness: 1pt; font-weight: bold; }}
del {{ text-decoration: line-through; color: #444; }}
.vh {{ display: none; }}
.legend {{ font-size: 8.5pt; border: .5pt solid #555; padding: 2mm 3mm; margin: 0 0 5mm; }}
.note, .recommendation {{ border: .5pt solid #555; padding: 1.5mm 3mm; margin: 2mm 0; }}
.none {{ font-style: italic; }}
"""


def render_booklet_html(booklet: Booklet) -> str:
    """The booklet as one HTML page with its print CSS (see the module docstring)."""
    doc = booklet.document
    ids = _IdRegistry()
    several = len(doc.chapters) > 1
    text = "\n".join(
        _chapter_html(
            chapter,
            chapter_level=2,
            section_level=3,
            id_prefix=f"{chapter.slug or f'chapter-{index}'}-" if several else "text-",
            ids=ids,
            width=doc.line_width,
        )
        for index, chapter in enumerate(doc.chapters, start=1)
    )
    parts = [
        _title_page(booklet),
        _contents(booklet, ids),
        f'<div class="part" id="pack-the-text">{text}</div>',
        _amendments_html(booklet),
    ]
    if booklet.voting_list is not None:
        parts.append(_voting_list_html(booklet.voting_list))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{text_html(doc.title)}: congress pack</title>\n"
        f'<meta name="description" content="{text_html(booklet.selection)}">\n'
        f"<style>{booklet_css(doc.line_width)}</style>\n</head>\n<body>\n"
        + "\n".join(parts)
        + "\n</body>\n</html>\n"
    )


def _title_page(booklet: Booklet) -> str:
    doc = booklet.document
    count = len(booklet.amendments)
    return (
        '<section class="title-page">\n'
        '<p class="kind">Congress pack</p>\n'
        f"<h1>{text_html(doc.title)}</h1>\n"
        f"<p>The text {text_html(doc.moment_label)}, with its line numbers, and "
        f"{count} amendment{'' if count == 1 else 's'} in text order.</p>\n"
        f"<p>{text_html(booklet.selection)}</p>\n"
        f"<p>Made {text_html(human_date(doc.generated_at))}.</p>\n"
        "</section>"
    )


def _contents(booklet: Booklet, ids: _IdRegistry) -> str:
    doc = booklet.document
    several = len(doc.chapters) > 1
    chapters = "".join(
        f'<li><a href="#{text_html(_chapter_anchor(chapter.slug, index, several))}">'
        f"{text_html(chapter.title)}</a></li>"
        for index, chapter in enumerate(doc.chapters, start=1)
    )
    groups = "".join(
        f'<li><a href="#{_group_anchor(position)}">Amendments to {text_html(title)}</a></li>'
        for position, title in enumerate(_chapter_titles(booklet.amendments), start=1)
    )
    items = [
        f'<li><a href="#pack-the-text">The text</a><ol>{chapters}</ol></li>',
        f'<li><a href="#pack-amendments">The amendments</a><ol>{groups}</ol></li>',
    ]
    if booklet.voting_list is not None:
        items.append('<li><a href="#pack-voting-list">The voting list</a></li>')
    return (
        '<nav class="toc" aria-labelledby="pack-contents"><h2 id="pack-contents">Contents</h2>'
        f"<ol>{''.join(items)}</ol></nav>"
    )


def _chapter_anchor(slug: str, index: int, several: bool) -> str:
    # As _chapter_html names the article: its prefix without the dash.
    return (slug or f"chapter-{index}") if several else "text"


# The booklet's own ids start with "pack-", the text's with its chapter's slug (or "text-").
def _group_anchor(position: int) -> str:
    return f"pack-amendments-{position}"


def _chapter_titles(amendments: Sequence[BookletAmendment]) -> list[str]:
    titles: list[str] = []
    for amendment in amendments:
        if not titles or titles[-1] != amendment.chapter_title:
            titles.append(amendment.chapter_title)
    return titles


LEGEND = (
    "In each change, inserted words are underlined and in bold, deleted words are struck "
    "through; long unchanged passages are cut to “…” (the whole paragraph is in the text). "
    "Places are in the reference numbering of the text above: “¶ 9, lines 123–125”."
)


def _amendments_html(booklet: Booklet) -> str:
    parts = [
        '<section class="part" id="pack-amendments" aria-labelledby="pack-amendments-title">',
        '<h2 id="pack-amendments-title">The amendments</h2>',
        f"<p>{text_html(booklet.selection)}</p>",
        f'<p class="legend">{text_html(LEGEND)}</p>',
    ]
    if not booklet.amendments:
        parts.append('<p class="none">No amendment is open.</p>')
    position = 0
    current = None
    for amendment in booklet.amendments:
        if amendment.chapter_title != current:
            current = amendment.chapter_title
            position += 1
            parts.append(
                f'<h2 id="{_group_anchor(position)}">Amendments to {text_html(current)}</h2>'
            )
        parts.append(_amendment_html(amendment))
    parts.append("</section>")
    return "\n".join(parts)


def _amendment_html(amendment: BookletAmendment) -> str:
    supporters = _supporters_line(amendment.supporters)
    facts = (
        ("Proposed by", amendment.proposer),
        ("Supporters", supporters),
        ("Kind", amendment.kind),
        ("Status", amendment.status),
    )
    # One line of facts, not four: a booklet of thousands of amendments is long enough.
    facts_html = (
        "<p>"
        + " · ".join(
            f"<strong>{text_html(label)}:</strong> {text_html(value)}" for label, value in facts
        )
        + "</p>"
    )
    reason = "".join(
        f"<p>{text_html(line)}</p>" for line in split_lines(amendment.reason) if line.strip()
    )
    note = f'<p class="note">{text_html(amendment.note)}</p>' if amendment.note else ""
    reason = reason or '<p class="none">No reason given.</p>'
    return (
        f'<article class="amendment" id="pack-amendment-{amendment.number}">\n'
        f"<header><h3>{text_html(amendment.heading)}</h3>\n"
        f'<div class="facts">{facts_html}</div></header>\n{note}'
        f'<h4>The change</h4>\n<div class="diff"><p>{_diff(amendment)}</p></div>\n'
        f"<h4>Reason</h4>\n{reason}\n"
        f"{_recommendation_html(amendment.recommendation)}</article>"
    )


# Unchanged words kept on each side of a change; longer unchanged passages are cut to "…".
CONTEXT_WORDS = 12
_WORDS = re.compile(r"\s*\S+\s*|\s+")


def shown_ops(old: str, new: str) -> list[tuple[int, str]]:
    """The word diff of ``old`` to ``new`` (both shown without edge spaces), with unchanged
    passages longer than twice CONTEXT_WORDS cut to their ends around "…": the booklet
    prints the whole paragraph once, in the text, and each change with its context."""
    ops = word_diff(trim_edges(clean_text(old)), trim_edges(clean_text(new)))
    shown: list[tuple[int, str]] = []
    for index, (op, text) in enumerate(ops):
        if op != EQUAL:
            shown.append((op, text))
            continue
        words = _WORDS.findall(text)
        first, last = index == 0, index == len(ops) - 1
        keep_before = 0 if first else CONTEXT_WORDS
        keep_after = 0 if last else CONTEXT_WORDS
        if len(words) <= keep_before + keep_after + 1 or (first and last):
            shown.append((op, text))
            continue
        head = "".join(words[:keep_before]).rstrip()
        tail = "".join(words[len(words) - keep_after :]).lstrip() if keep_after else ""
        if not keep_before:
            shown.append((op, f"… {tail}"))
        elif not keep_after:
            shown.append((op, f"{head} …"))
        else:
            shown.append((op, f"{head} … {tail}"))
    return shown


def _diff(amendment: BookletAmendment) -> str:
    parts: list[str] = []
    for op, text in shown_ops(amendment.old_text, amendment.new_text):
        escaped = text_html(text)
        if op == EQUAL:
            parts.append(escaped)
        else:
            word, tag = ("deleted", "del") if op == DELETE else ("inserted", "ins")
            label = f'<span class="vh">[{word}: </span>'
            parts.append(f'<{tag}>{label}{escaped}<span class="vh">]</span></{tag}>')
    return "".join(parts)


def _supporters_line(names: Sequence[str]) -> str:
    if not names:
        return "none"
    return f"{len(names)}: {', '.join(names)}"


def _recommendation_html(recommendation: BookletRecommendation | None) -> str:
    """The committee's recommendation, when there is one (the seam the recommendations fill)."""
    if recommendation is None:
        return ""
    parts = [
        '<div class="recommendation"><h4>The committee recommends</h4>',
        f"<p><strong>{text_html(recommendation.verdict)}</strong></p>",
        *(f"<p>{text_html(line)}</p>" for line in split_lines(recommendation.text) if line),
    ]
    if recommendation.answer:
        parts.append(f"<p>{text_html(recommendation.answer)}</p>")
    parts.append("</div>")
    return "".join(parts)


def _voting_list_html(blocks: Sequence[VotingBlock]) -> str:
    parts = [
        '<section class="part" id="pack-voting-list" aria-labelledby="pack-voting-list-title">',
        '<h2 id="pack-voting-list-title">The voting list</h2>',
    ]
    if not blocks:
        parts.append('<p class="none">Nothing needs a vote.</p>')
    for block in blocks:
        items = "".join(f"<li>{text_html(item)}</li>" for item in block.items)
        parts.append(f"<h3>{text_html(block.heading)}</h3><ol>{items}</ol>")
        if block.consequence:
            parts.append(f"<p>{text_html(block.consequence)}</p>")
    parts.append("</section>")
    return "\n".join(parts)


WORD_NOTE = (
    "Word reflows lines, so the text here has no line numbers: each amendment's heading cites "
    "its ¶ and lines in the reference numbering, as the PDF booklet prints them beside the text."
)


def render_booklet_docx(booklet: Booklet) -> bytes:
    """The booklet as DOCX: the text (real footnotes, no line numbers), then the amendments
    with their diffs (insertions underlined, deletions struck through), then the voting list."""
    doc = booklet.document
    document = new_document(
        title=f"{doc.title}: congress pack",
        created=doc.generated_at,
        subject=doc.moment_label,
        comments=booklet.selection,
        version=doc.version,
    )
    paragraph(document, "Title", doc.title)
    paragraph(document, "Subtitle", f"Congress pack: the text {doc.moment_label}")
    paragraph(document, "Normal", booklet.selection)
    paragraph(document, "Normal", WORD_NOTE).runs[0].italic = True
    paragraph(document, "Heading 1", "The text")
    footnotes = FootnotesPart(document)
    for index, chapter in enumerate(doc.chapters, start=1):
        if index > 1:
            end_section(document)
        _add_chapter(document, chapter, index, 3, 4, footnotes)
    if len(doc.chapters) > 1:
        restart_footnotes_each_section(document)
    paragraph(document, "Normal").add_run().add_break(WD_BREAK.PAGE)
    paragraph(document, "Heading 1", "The amendments")
    paragraph(document, "Normal", LEGEND)
    if not booklet.amendments:
        paragraph(document, "Normal", "No amendment is open.")
    current = None
    for amendment in booklet.amendments:
        if amendment.chapter_title != current:
            current = amendment.chapter_title
            paragraph(document, "Heading 2", f"Amendments to {current}")
        _amendment_docx(document, amendment)
    if booklet.voting_list is not None:
        _voting_list_docx(document, booklet.voting_list)
    return to_bytes(document)


def _amendment_docx(document: DocxDocument, amendment: BookletAmendment) -> None:
    paragraph(document, "Heading 3", amendment.heading).paragraph_format.keep_with_next = True
    for label, value in (
        ("Proposed by", amendment.proposer),
        ("Supporters", _supporters_line(amendment.supporters)),
        ("Kind", amendment.kind),
        ("Status", amendment.status),
    ):
        para = paragraph(document, "Normal")
        para.paragraph_format.keep_with_next = True
        para.add_run(f"{label}: ").bold = True
        para.add_run(clean_text(value))
    if amendment.note:
        paragraph(document, "Intense Quote", amendment.note)
    paragraph(document, "Heading 4", "The change").paragraph_format.keep_with_next = True
    diff = paragraph(document, "Normal")
    for op, text in shown_ops(amendment.old_text, amendment.new_text):
        run = diff.add_run(text)
        if op == DELETE:
            run.font.strike = True
        elif op != EQUAL:
            run.font.underline = True
            run.font.bold = True
    paragraph(document, "Heading 4", "Reason")
    lines = [line for line in split_lines(amendment.reason) if line.strip()]
    for line in lines or ["No reason given."]:
        paragraph(document, "Normal", line)
    recommendation = amendment.recommendation
    if recommendation is not None:
        paragraph(document, "Heading 4", "The committee recommends")
        paragraph(document, "Normal", recommendation.verdict).runs[0].bold = True
        for line in [*split_lines(recommendation.text), recommendation.answer]:
            if line.strip():
                paragraph(document, "Normal", line)


def _voting_list_docx(document: DocxDocument, blocks: Sequence[VotingBlock]) -> None:
    paragraph(document, "Heading 1", "The voting list")
    if not blocks:
        paragraph(document, "Normal", "Nothing needs a vote.")
    for block in blocks:
        paragraph(document, "Heading 3", block.heading)
        for item in block.items:
            paragraph(document, "List Number", item)
        if block.consequence:
            paragraph(document, "Normal", block.consequence)
