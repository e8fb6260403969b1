"""The congress pack's booklet as PDF, drawn with ReportLab: the same content and order as
``render_booklet_html`` (the title page, a table of contents with page numbers, the
line-numbered text, every amendment in text order, the voting list), A4, the running title at
the top of each page and "Page 3 of 40" at the bottom, DejaVu embedded.

Why not WeasyPrint, which prints the HTML: at the benchmark's scale (12 chapters, 8,000 open
amendments, about 2,500 pages) its layout takes a quarter of a second to a second a page
and holds every page's boxes at once, minutes and gigabytes; ReportLab's platypus lays out a
page in milliseconds and keeps only the page it is on (bench/booklet.py has the figures).

The text's lines are not reflowed: each is drawn as ``textcore.lines.break_lines`` cut it
(the cut the chapter page numbers), its number in the margin, the type set so that a line of
``line_width`` characters fits. The table of contents needs the pages of what it lists, so
the body is drawn first, its pages numbered after the front matter's (whose length does not
depend on the numbers it shows), then the front matter, and the two are joined with pypdf,
which also adds the bookmarks.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from html import escape
from itertools import islice
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)

from textcore.diff import DELETE, EQUAL
from textcore.export._common import (
    clean_text,
    human_date,
    numbered_lines,
    shown_text,
    split_inline,
    split_lines,
)
from textcore.export.booklet import (
    LEGEND,
    Booklet,
    BookletAmendment,
    BookletRecommendation,
    VotingBlock,
    _chapter_titles,
    _font_size,
    _supporters_line,
    shown_ops,
)
from textcore.export.document import ExportChapter
from textcore.footnotes import FootnoteRef

# DejaVu from Debian's fonts-dejavu-core (the Makefile and CI install it): only its upright
# faces, so the booklet asks for no italic.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SERIF, SERIF_BOLD, SANS, SANS_BOLD = (
    "Booklet-Serif",
    "Booklet-Serif-Bold",
    "Booklet-Sans",
    ("Booklet-Sans-Bold"),
)
_FONT_FILES = {
    SERIF: "DejaVuSerif.ttf",
    SERIF_BOLD: "DejaVuSerif-Bold.ttf",
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
}
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 22 * mm, 22 * mm, 30 * mm, 18 * mm
_LEADING = 1.45  # the text's line height, in ems
_GREY = (0.27, 0.27, 0.27)
# Room an amendment's heading, or a heading within it, needs under it on the page; less, and it
# starts the next page. (Cheaper than keep-with-next, which lays the group out twice.)
_ROOM_H3, _ROOM_H4 = 36 * mm, 16 * mm
# From how many amendments the word diffs are computed in a second process (starting one
# costs a few tenths of a second).
PARALLEL_FROM = 300


@cache
def _register_fonts() -> None:
    """Register DejaVu once per process; <b> in a paragraph picks the bold face."""
    for name, file in _FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    for regular, bold in ((SERIF, SERIF_BOLD), (SANS, SANS_BOLD)):
        pdfmetrics.registerFontFamily(
            regular, normal=regular, bold=bold, italic=regular, boldItalic=bold
        )


@dataclass(frozen=True)
class _Styles:
    """The paragraph styles, the text's size given."""

    size: float
    title: ParagraphStyle
    kind: ParagraphStyle
    front: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    h4: ParagraphStyle
    body: ParagraphStyle
    facts: ParagraphStyle
    boxed: ParagraphStyle
    diff: ParagraphStyle
    note: ParagraphStyle
    item: ParagraphStyle


def _styles(size: float) -> _Styles:
    body = ParagraphStyle(
        "body", fontName=SERIF, fontSize=size, leading=size * _LEADING, spaceAfter=2.5 * mm
    )
    sans = ParagraphStyle("sans", body, fontName=SANS)
    heading = ParagraphStyle("heading", sans, fontName=SANS_BOLD)
    return _Styles(
        size=size,
        title=ParagraphStyle("title", heading, fontSize=22, leading=27, spaceAfter=6 * mm),
        kind=ParagraphStyle("kind", sans, fontSize=12, leading=16, spaceAfter=4 * mm),
        front=ParagraphStyle("front", sans, fontSize=10, leading=14),
        h2=ParagraphStyle(
            "h2", heading, fontSize=15, leading=19, spaceAfter=4 * mm, keepWithNext=1
        ),
        h3=ParagraphStyle(
            "h3", heading, fontSize=11.5, leading=14.5, spaceBefore=5 * mm, spaceAfter=2 * mm
        ),
        h4=ParagraphStyle(
            "h4", heading, fontSize=9, leading=11.5, spaceBefore=2 * mm, spaceAfter=0.5 * mm
        ),
        body=body,
        facts=ParagraphStyle("facts", sans, fontSize=8.5, leading=11, spaceAfter=2 * mm),
        boxed=ParagraphStyle(
            "boxed",
            sans,
            fontSize=8.5,
            leading=11,
            borderWidth=0.5,
            borderColor=_GREY,
            borderPadding=2 * mm,
            spaceBefore=2 * mm,
            spaceAfter=5 * mm,
        ),
        diff=ParagraphStyle("diff", body, leftIndent=3 * mm),
        note=ParagraphStyle("note", body, leftIndent=3 * mm, fontSize=size * 0.9),
        item=ParagraphStyle("item", body, leftIndent=6 * mm, firstLineIndent=-6 * mm),
    )


def _markup(text: str) -> str:
    """User text as ReportLab paragraph markup: cleaned and escaped, so no tag of its own."""
    return escape(clean_text(text), quote=False)


@dataclass
class _Entry:
    """One line of the contents: what it names, where, and its depth."""

    key: str
    title: str
    level: int
    page: int = 0


@dataclass
class _Contents:
    """The contents' entries in order, planned before the body is drawn (the front matter's
    length depends on them); the body claims each as it reaches its heading."""

    entries: list[_Entry] = field(default_factory=list)
    claimed: int = 0

    @classmethod
    def of(cls, booklet: Booklet) -> _Contents:
        titles = [("The text", 0), *((chapter.title, 1) for chapter in booklet.document.chapters)]
        titles.append(("The amendments", 0))
        titles += [(f"Amendments to {title}", 1) for title in _chapter_titles(booklet.amendments)]
        if booklet.voting_list is not None:
            titles.append(("The voting list", 0))
        return cls([_Entry(f"entry-{n}", title, level) for n, (title, level) in enumerate(titles)])

    def add(self, title: str, level: int) -> str:
        """The key of the next entry, which must be ``title``."""
        entry = self.entries[self.claimed]
        if (entry.title, entry.level) != (title, level):
            raise ValueError(f"The contents planned {entry.title!r} where the body has {title!r}.")
        self.claimed += 1
        return entry.key


class _Heading(Paragraph):
    """A heading the contents list (``entry``) and the running title takes up (``running``)."""

    def __init__(self, text: str, style: ParagraphStyle, *, entry: str, running: str) -> None:
        super().__init__(_markup(text), style)
        self.entry = entry
        self.running = running


class _Lines(Flowable):
    """Numbered lines as cut, each drawn as one line with its number in the margin; split
    between pages at a line."""

    def __init__(
        self, lines: Sequence[tuple[str, Sequence[str | FootnoteRef]]], font: str, size: float
    ) -> None:
        super().__init__()
        self.lines, self.font, self.size = list(lines), font, size
        self.leading = size * _LEADING

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, self.leading * len(self.lines)

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        fits = int(available_height // self.leading)
        # Two lines at least on each side, as the HTML's orphans and widows.
        if fits < 2 or len(self.lines) - fits < 2:
            fits = min(fits, len(self.lines) - 2)
        if fits < 2:
            return []
        head, tail = self.lines[:fits], self.lines[fits:]
        return [_Lines(head, self.font, self.size), _Lines(tail, self.font, self.size)]

    def draw(self) -> None:
        canvas = self.canv
        y = self.leading * len(self.lines) - self.size
        for label, pieces in self.lines:
            # The number and its line in one text object: one line of text when read out.
            text = canvas.beginText(0, y)
            if label:
                text.setTextOrigin(-3 * mm - pdfmetrics.stringWidth(label, SANS, 7), y)
                text.setFont(SANS, 7)
                text.setFillColorRGB(*_GREY)
                text.textOut(label)
                text.setFillColorRGB(0, 0, 0)
                text.setTextOrigin(0, y)
            text.setFont(self.font, self.size)
            for piece in pieces:
                if isinstance(piece, FootnoteRef):
                    text.setFont(self.font, self.size * 0.7)
                    text.setRise(self.size * 0.35)
                    text.textOut(str(piece.number))
                    text.setRise(0)
                    text.setFont(self.font, self.size)
                else:
                    text.textOut(piece)
            canvas.drawText(text)
            y -= self.leading


class _Label(Flowable):
    """A short heading of our own words drawn as one line ("Reason"): thousands of them, so
    without a paragraph's parsing and line breaking."""

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text, self.style = text, style
        self.spaceBefore, self.spaceAfter = style.spaceBefore, style.spaceAfter

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, self.style.leading

    def draw(self) -> None:
        self.canv.setFont(self.style.fontName, self.style.fontSize)
        self.canv.drawString(0, self.style.leading - self.style.fontSize, self.text)


class _Anchor(Flowable):
    """Marks where an entry of the contents begins that has no heading of its own."""

    def __init__(self, entry: str) -> None:
        super().__init__()
        self.entry, self.running = entry, ""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        return None


class _ContentsLine(Flowable):
    """One entry of the contents: its title, a dot leader, its page number at the right."""

    def __init__(self, title: str, page: int, level: int) -> None:
        super().__init__()
        self.title, self.page, self.indent = clean_text(title), page, level * 6 * mm
        self.size, self.leading = 10.0, 13.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        room = available_width - self.indent - 14 * mm
        self.lines = _cut(self.title, SANS, self.size, room)
        return available_width, self.leading * len(self.lines) + 2.4 * mm

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFont(SANS, self.size)
        y = self.leading * len(self.lines) + 1.2 * mm - self.size
        for line in self.lines[:-1]:
            canvas.drawString(self.indent, y, line)
            y -= self.leading
        # The last line, its leader and its number in one text object: one line of text.
        last, number = self.lines[-1], str(self.page)
        start = self.indent + pdfmetrics.stringWidth(last, SANS, self.size) + 3
        number_at = self.width - pdfmetrics.stringWidth(f" {number}", SANS, self.size)
        dot = pdfmetrics.stringWidth(".", SANS, self.size) + 1.5
        text = canvas.beginText(self.indent, y)
        text.setFont(SANS, self.size)
        text.textOut(last)
        text.setTextOrigin(start, y)
        text.setCharSpace(1.5)
        text.textOut(" " + "." * max(1, int((number_at - 3 - start) // dot)))
        text.setCharSpace(0)
        text.setTextOrigin(number_at, y)
        text.textOut(f" {number}")
        canvas.drawText(text)


def _cut(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` cut into lines no wider than ``width`` (at spaces; a longer word stands alone)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and pdfmetrics.stringWidth(candidate, font, size) > width:
            lines.append(current)
            candidate = word
        current = candidate
    return [*lines, current] if current or not lines else lines


def _chapter_flowables(
    chapter: ExportChapter, width: int, styles: _Styles, contents: _Contents
) -> Iterator[Flowable]:
    """A chapter of the text: its title, its numbered headings and paragraphs, its note and
    its footnotes."""
    entry = contents.add(chapter.title, 1)
    yield _Heading(chapter.title, styles.h2, entry=entry, running=chapter.title)
    for line in (chapter.subtitle, chapter.publication_line):
        if line.strip():
            yield Paragraph(_markup(line), styles.body)
    known = chapter.known_footnotes
    for block in chapter.text_blocks:
        lines = [(label, split_inline(text, known)) for label, text in numbered_lines(block, width)]
        if not lines:
            yield Paragraph(_markup(shown_text(block.text)), styles.body)
            continue
        heading = block.kind == "heading"
        if heading:
            yield Spacer(0, 3 * mm)
        flowable = _Lines(lines, SERIF_BOLD if heading else SERIF, styles.size)
        flowable.keepWithNext = 1 if heading else 0
        yield flowable
        yield Spacer(0, 1 * mm if heading else 2.5 * mm)
    for line in split_lines(chapter.editorial_note):
        if line.strip():
            yield Paragraph(_markup(line), styles.note)
    if chapter.footnotes:
        yield Paragraph("Notes", styles.h4)
        for position, note in enumerate(chapter.footnotes, start=1):
            number = note.number if note.number is not None else position
            yield Paragraph(f"{number}.&nbsp;{_markup(shown_text(note.text))}", styles.note)


def _changes(amendments: Sequence[BookletAmendment]) -> Iterator[list[tuple[int, str]]]:
    """Each amendment's shown word diff, in order. The diffs are a good part of the booklet's
    work: for a long booklet a second process (``_diff_worker``) computes them while this one
    lays the pages out."""
    pairs = [(amendment.old_text, amendment.new_text) for amendment in amendments]
    if len(pairs) < PARALLEL_FROM:
        yield from (shown_ops(old, new) for old, new in pairs)
        return
    root = Path(__file__).resolve().parents[2]
    path = os.pathsep.join(filter(None, (str(root), os.environ.get("PYTHONPATH"))))
    # A plain child process, not multiprocessing: nothing of the caller's (its main module,
    # its database connections, its threads) is copied or imported into it.
    worker = subprocess.Popen(
        [sys.executable, "-m", "textcore.export._diff_worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=root,
        env={**os.environ, "PYTHONPATH": path},
        text=True,
        encoding="utf-8",
    )
    assert worker.stdin is not None and worker.stdout is not None  # both are pipes
    try:
        worker.stdin.write(json.dumps(pairs, ensure_ascii=False))
        worker.stdin.close()
        for line in worker.stdout:
            yield [(op, text) for op, text in json.loads(line)]
    finally:
        worker.kill()
        worker.wait()
        worker.stdout.close()
    if worker.returncode not in (0, -signal.SIGKILL):
        raise RuntimeError(f"The booklet's diff worker failed (exit {worker.returncode}).")


def _diff_markup(ops: Sequence[tuple[int, str]]) -> str:
    parts: list[str] = []
    for op, text in ops:
        shown = _markup(text)
        if op == EQUAL:
            parts.append(shown)
        elif op == DELETE:
            parts.append(f'<strike><font color="#444444">{shown}</font></strike>')
        else:
            parts.append(f"<u><b>{shown}</b></u>")
    return "".join(parts) or "&nbsp;"


def _recommendation_flowables(
    recommendation: BookletRecommendation | None, styles: _Styles
) -> Iterator[Flowable]:
    if recommendation is None:
        return
    yield CondPageBreak(_ROOM_H4)
    yield _Label("The committee recommends", styles.h4)
    yield Paragraph(f"<b>{_markup(recommendation.verdict)}</b>", styles.body)
    for line in [*split_lines(recommendation.text), recommendation.answer]:
        if line.strip():
            yield Paragraph(_markup(line), styles.body)


def _amendment_flowables(
    amendment: BookletAmendment, ops: Sequence[tuple[int, str]], styles: _Styles
) -> Iterator[Flowable]:
    """One amendment: its heading (number, place, title), its facts on one line, a note, the
    change as a word diff, the reason, and the committee's recommendation when published."""
    yield CondPageBreak(_ROOM_H3)
    yield Paragraph(_markup(amendment.heading), styles.h3)
    facts = (
        ("Proposed by", amendment.proposer),
        ("Supporters", _supporters_line(amendment.supporters)),
        ("Kind", amendment.kind),
        ("Status", amendment.status),
    )
    yield Paragraph(
        " · ".join(f"<b>{label}:</b> {_markup(value)}" for label, value in facts), styles.facts
    )
    if amendment.note:
        yield Paragraph(_markup(amendment.note), styles.boxed)
    yield CondPageBreak(_ROOM_H4)
    yield _Label("The change", styles.h4)
    yield Paragraph(_diff_markup(ops), styles.diff)
    yield CondPageBreak(_ROOM_H4)
    yield _Label("Reason", styles.h4)
    reasons = [line for line in split_lines(amendment.reason) if line.strip()]
    for line in reasons or ["No reason given."]:
        yield Paragraph(_markup(line), styles.body)
    yield from _recommendation_flowables(amendment.recommendation, styles)


def _voting_flowables(
    blocks: Sequence[VotingBlock], styles: _Styles, contents: _Contents
) -> Iterator[Flowable]:
    title = "The voting list"
    yield PageBreak()
    yield _Heading(title, styles.h2, entry=contents.add(title, 0), running=title)
    if not blocks:
        yield Paragraph("Nothing needs a vote.", styles.body)
    for block in blocks:
        yield Paragraph(_markup(block.heading), styles.h3)
        for number, item in enumerate(block.items, start=1):
            yield Paragraph(f"{number}.&nbsp;{_markup(item)}", styles.item)
        if block.consequence:
            yield Paragraph(_markup(block.consequence), styles.body)


def _body_flowables(booklet: Booklet, styles: _Styles, contents: _Contents) -> Iterator[Flowable]:
    """The text, the amendments and the voting list, registering the contents' entries."""
    doc = booklet.document
    yield _Anchor(contents.add("The text", 0))
    for index, chapter in enumerate(doc.chapters):
        if index:
            yield PageBreak()
        yield from _chapter_flowables(chapter, doc.line_width, styles, contents)
    yield PageBreak()
    title = "The amendments"
    yield _Heading(title, styles.h2, entry=contents.add(title, 0), running=title)
    yield Paragraph(_markup(booklet.selection), styles.body)
    yield Paragraph(_markup(LEGEND), styles.boxed)
    if not booklet.amendments:
        yield Paragraph("No amendment is open.", styles.body)
    current = None
    changes = _changes(booklet.amendments)
    for amendment, ops in zip(booklet.amendments, changes, strict=True):
        if amendment.chapter_title != current:
            current = amendment.chapter_title
            group = f"Amendments to {current}"
            yield _Heading(group, styles.h2, entry=contents.add(group, 1), running=group)
        yield from _amendment_flowables(amendment, ops, styles)
    if booklet.voting_list is not None:
        yield from _voting_flowables(booklet.voting_list, styles, contents)


def _front_flowables(booklet: Booklet, styles: _Styles, contents: _Contents) -> list[Flowable]:
    """The title page, then the contents with the pages ``contents`` holds."""
    doc = booklet.document
    count = len(booklet.amendments)
    flowables: list[Flowable] = [
        Spacer(0, 50 * mm),
        Paragraph("CONGRESS PACK", styles.kind),
        Paragraph(_markup(doc.title), styles.title),
        Paragraph(
            f"The text {_markup(doc.moment_label)}, with its line numbers, and {count} "
            f"amendment{'' if count == 1 else 's'} in text order.",
            styles.front,
        ),
        Paragraph(_markup(booklet.selection), styles.front),
        Paragraph(f"Made {_markup(human_date(doc.generated_at))}.", styles.front),
        PageBreak(),
        _Heading("Contents", styles.h2, entry="", running="Contents"),
    ]
    flowables += [_ContentsLine(e.title, e.page, e.level) for e in contents.entries]
    return flowables


def _deferred_canvas(first_page: int, total: Callable[[int], int]) -> type[Canvas]:
    """A canvas that keeps its pages until the end, so that each says "Page 3 of 40":
    ``first_page`` is the number of its first page, ``total(pages drawn)`` the booklet's."""

    class _Deferred(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._kept: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._kept.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            pages = total(len(self._kept))
            for index, state in enumerate(self._kept):
                self.__dict__.update(state)
                number = first_page + index
                if number > 1:
                    self.setFont(SANS, 8)
                    self.drawCentredString(PAGE_WIDTH / 2, 12 * mm, f"Page {number} of {pages}")
                super().showPage()
            super().save()

    return _Deferred


class _BookletDoc(BaseDocTemplate):
    """A4 with the booklet's margins; records the page of each entry of the contents and
    prints the running title (the first heading on the page, or the last one before it)."""

    def __init__(self, buffer: io.BytesIO, *, title: str, first_page: int) -> None:
        # The canvas's own first font is DejaVu too: every font in the file is embedded.
        super().__init__(
            buffer,
            pagesize=A4,
            title=title,
            pageCompression=1,
            initialFontName=SANS,
            initialFontSize=8,
        )
        frame = Frame(
            MARGIN_LEFT,
            MARGIN_BOTTOM,
            PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT,
            PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        template = PageTemplate("page", [frame], onPage=self._start, onPageEnd=self._end)
        self.addPageTemplates([template])
        self.first_page = first_page
        self.entry_pages: dict[str, int] = {}
        self.running, self.first_running = "", ""

    def _start(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        self.first_running = ""

    def _end(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        shown = self.first_running or self.running
        if shown and self.first_page + self.page > 2:
            canvas.setFont(SANS, 8)
            canvas.setFillColorRGB(*_GREY)
            canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 12 * mm, clean_text(shown))

    def afterFlowable(self, flowable: Flowable) -> None:
        entry = getattr(flowable, "entry", None)
        if entry is not None:
            if entry:
                self.entry_pages.setdefault(entry, self.first_page - 1 + self.page)
            running = getattr(flowable, "running", "")
            if running:
                self.first_running = self.first_running or running
                self.running = running


class _Feed(list[Flowable]):
    """The flowables handed to ReportLab a few hundred at a time: its build takes them from
    the front of a list, which for the whole list (tens of thousands) would hold every
    paragraph in memory and move the whole list at each one taken."""

    def __init__(self, source: Iterator[Flowable]) -> None:
        super().__init__()
        self._source = source

    def __len__(self) -> int:
        # The build asks for the length before it takes each flowable.
        if super().__len__() < 64:
            self.extend(islice(self._source, 512))
        return super().__len__()


def _draw(
    flowables: Iterator[Flowable],
    *,
    title: str,
    first_page: int,
    total: Callable[[int], int],
) -> tuple[bytes, _BookletDoc]:
    buffer = io.BytesIO()
    document = _BookletDoc(buffer, title=title, first_page=first_page)
    document.build(_Feed(flowables), canvasmaker=_deferred_canvas(first_page, total))
    return buffer.getvalue(), document


def render_booklet_pdf(booklet: Booklet) -> bytes:
    """The booklet as PDF (see the module docstring): the body first, numbered after the front
    matter, then the front matter with the body's pages in its contents, joined."""
    _register_fonts()
    styles = _styles(_font_size(booklet.document.line_width))
    contents = _Contents.of(booklet)
    title = f"{clean_text(booklet.document.title)}: congress pack"
    # The front matter's length does not depend on the page numbers it shows.
    _, counted = _draw(
        iter(_front_flowables(booklet, styles, contents)),
        title=title,
        first_page=1,
        total=lambda pages: pages,
    )
    front_pages = counted.page
    body_pdf, drawn = _draw(
        _body_flowables(booklet, styles, contents),
        title=title,
        first_page=front_pages + 1,
        total=lambda pages: front_pages + pages,
    )
    if contents.claimed != len(contents.entries):
        raise ValueError("The body has fewer headings than the contents planned.")
    total = front_pages + drawn.page
    for entry in contents.entries:
        entry.page = drawn.entry_pages.get(entry.key, front_pages + 1)
    front_pdf, _ = _draw(
        iter(_front_flowables(booklet, styles, contents)),
        title=title,
        first_page=1,
        total=lambda pages: total,
    )
    return _join(front_pdf, body_pdf, contents, title)


def _join(front: bytes, body: bytes, contents: _Contents, title: str) -> bytes:
    """The front matter and the body as one PDF, with a bookmark for each entry."""
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front)))
    writer.append(PdfReader(io.BytesIO(body)))
    parent = None
    for entry in contents.entries:
        item = writer.add_outline_item(
            title=entry.title, page_number=entry.page - 1, parent=parent if entry.level else None
        )
        if entry.level == 0:
            parent = item
    writer.add_metadata({"/Title": title})
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
