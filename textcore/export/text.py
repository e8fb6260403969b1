"""Plain text in the format the Manifesto's drafts are published in, which the importer reads.

One chapter is written exactly as ``textcore.chapter_text.parse_chapter`` expects it: title,
blank line, publication line and subtitle, blank line, then one block a line with blank lines
between paragraphs (a section heading directly followed by its first paragraph, as in the
drafts), then the editorial note, then the numbered footnotes (a note nothing references
marked "(not referenced in the text)", which the reader drops again). So exporting a chapter
and importing it again gives the same headings, paragraphs, footnotes and word count.

With ``line_numbers`` the text is for citing, not for importing again: each line of a heading
or body paragraph (as ``textcore.lines.break_lines`` cuts it at the document's line width)
stands on its own line behind its label, right-aligned in a gutter as wide as the longest
label ("  123  text…"); a line without a number (a paragraph inserted since the reference) has
an empty gutter, and every other line (title, notes) is indented to the same column.

A text of several chapters starts with the document's title and provenance; each part, title
block and chapters alike, ends with a form feed line, the plain-text page break, so that
``split_chapters`` can cut it back into chapters for the importer.
"""

from __future__ import annotations

from textcore.chapter_text import NOTE_START, PUBLISHED_LINE
from textcore.export._common import (
    label_width,
    numbered_lines,
    one_line,
    provenance_line,
    reference_counts,
    shown_text,
    split_lines,
)
from textcore.export.document import ExportBlock, ExportChapter, ExportDocument
from textcore.footnotes import unreferenced_note

CHAPTER_BREAK = "\f\n"

# A chapter with neither publication line nor subtitle would have its first paragraph read as
# the subtitle, so an empty header is written as this line instead.
EMPTY_PUBLICATION_LINE = "Published:"


def render_text(doc: ExportDocument, *, line_numbers: bool = False) -> str:
    """The document as plain text: one chapter in the draft format, or several in a row;
    with ``line_numbers``, each line behind its label (see the module docstring)."""
    gutter = _Gutter(label_width(doc), doc.line_width) if line_numbers else None
    if len(doc.chapters) == 1:
        return render_chapter_text(doc.chapters[0], gutter)
    header = f"{_line(doc.title)}\n\n{provenance_line(doc)}\n"
    if gutter is not None:
        header = gutter.indent(header)
    return CHAPTER_BREAK.join([header, *(render_chapter_text(c, gutter) for c in doc.chapters)])


class _Gutter:
    """The margin of a line-numbered text: labels right-aligned, other lines indented."""

    def __init__(self, width: int, line_width: int) -> None:
        self.width = width
        self.line_width = line_width

    def block(self, block: ExportBlock) -> list[str] | None:
        """The block's lines behind their labels (None: the block has no line labels)."""
        lines = numbered_lines(block, self.line_width)
        if not lines:
            return None
        return [f"{label:>{self.width}}  {text}" for label, text in lines]

    def indent(self, text: str) -> str:
        """Every non-empty line of ``text`` moved to the text column."""
        pad = " " * (self.width + 2)
        return "\n".join(f"{pad}{line}" if line.strip() else line for line in text.split("\n"))


def split_chapters(text: str) -> list[str]:
    """The chapter texts of a several-chapter export, each one readable by ``parse_chapter``."""
    parts = text.split(CHAPTER_BREAK)
    return parts[1:] if len(parts) > 1 else parts


def render_chapter_text(chapter: ExportChapter, gutter: _Gutter | None = None) -> str:
    """One chapter in the draft format, or with line numbers in a ``gutter`` (see the module
    docstring)."""
    lines = [_line(chapter.title), ""]
    lines.extend(_header_lines(chapter))
    lines.append("")
    numbered: set[int] = set()  # indexes of the lines already behind their labels

    text_blocks = chapter.text_blocks
    for index, block in enumerate(text_blocks):
        block_lines = gutter.block(block) if gutter is not None else None
        if block_lines is None:
            lines.append(_line(block.text))
        else:
            numbered.update(range(len(lines), len(lines) + len(block_lines)))
            lines.extend(block_lines)
        # The drafts put a section heading directly above its first paragraph.
        if not (block.kind == "heading" and index + 1 < len(text_blocks)):
            lines.append("")

    if chapter.editorial_note:
        note_lines = split_lines(chapter.editorial_note)
        if not NOTE_START.match(note_lines[0].strip()):
            # The reader only recognises the note by such an opening line.
            note_lines.insert(0, "Editorial note:")
        lines.extend(note_lines)
        lines.append("")

    referenced = reference_counts(chapter)
    for position, note in enumerate(chapter.footnotes, start=1):
        number = note.number if note.number is not None else position
        if note.number is not None and referenced[note.number]:
            lines.append(f"{number}. {_line(note.text)}")
        else:
            lines.append(unreferenced_note(number, _line(note.text)))
        lines.append("")

    if gutter is not None:
        lines = [line if i in numbered else gutter.indent(line) for i, line in enumerate(lines)]
    return "\n".join(lines).rstrip("\n") + "\n"


def _header_lines(chapter: ExportChapter) -> list[str]:
    publication = _line(chapter.publication_line).strip()
    subtitle = _line(chapter.subtitle).strip()
    if publication and not PUBLISHED_LINE.match(publication):
        # The reader tells the publication line from the subtitle by its first word.
        publication = f"Published: {publication}"
    if not publication and not subtitle:
        publication = EMPTY_PUBLICATION_LINE
    return [line for line in (publication, subtitle) if line]


def _line(text: str) -> str:
    return shown_text(one_line(text))
