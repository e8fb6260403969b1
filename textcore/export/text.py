"""Plain text in the format the Manifesto's drafts are published in, which the importer reads.

One chapter is written exactly as ``textcore.chapter_text.parse_chapter`` expects it: title,
blank line, publication line and subtitle, blank line, then one block a line with blank lines
between paragraphs (a section heading directly followed by its first paragraph, as in the
drafts), then the editorial note, then the numbered footnotes (a note nothing references
marked "(not referenced in the text)", which the reader drops again). So exporting a chapter
and importing it again gives the same headings, paragraphs, footnotes and word count.

A text of several chapters starts with the document's title and provenance; each part, title
block and chapters alike, ends with a form feed line, the plain-text page break, so that
``split_chapters`` can cut it back into chapters for the importer.
"""

from __future__ import annotations

from textcore.chapter_text import NOTE_START, PUBLISHED_LINE
from textcore.export._common import (
    one_line,
    provenance_line,
    reference_counts,
    shown_text,
    split_lines,
)
from textcore.export.document import ExportChapter, ExportDocument
from textcore.footnotes import unreferenced_note

CHAPTER_BREAK = "\f\n"

# A chapter with neither publication line nor subtitle would have its first paragraph read as
# the subtitle, so an empty header is written as this line instead.
EMPTY_PUBLICATION_LINE = "Published:"


def render_text(doc: ExportDocument) -> str:
    """The document as plain text: one chapter in the draft format, or several in a row."""
    if len(doc.chapters) == 1:
        return render_chapter_text(doc.chapters[0])
    header = f"{_line(doc.title)}\n\n{provenance_line(doc)}\n"
    return CHAPTER_BREAK.join([header, *(render_chapter_text(c) for c in doc.chapters)])


def split_chapters(text: str) -> list[str]:
    """The chapter texts of a several-chapter export, each one readable by ``parse_chapter``."""
    parts = text.split(CHAPTER_BREAK)
    return parts[1:] if len(parts) > 1 else parts


def render_chapter_text(chapter: ExportChapter) -> str:
    """One chapter in the draft format (see the module docstring)."""
    lines = [_line(chapter.title), ""]
    lines.extend(_header_lines(chapter))
    lines.append("")

    text_blocks = chapter.text_blocks
    for index, block in enumerate(text_blocks):
        lines.append(_line(block.text))
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
