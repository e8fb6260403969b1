"""Markdown (CommonMark with the common footnote extension) of an export document.

Every piece of user text is escaped so that the rendered Markdown shows exactly the source
text (without the spaces at a paragraph's ends, as every format shows it): nothing in a
paragraph can turn into emphasis, a link, a list, a heading, HTML or an entity. Footnote
references become ``[^1]`` with a ``[^1]: …`` definition per note; in a document of several
chapters the labels carry the chapter (``[^ch2-1]``) so they stay unique.

With ``line_numbers`` (Markdown has no margin) each line of a body paragraph, as
``textcore.lines.break_lines`` cuts it at the document's line width, is a line of its own
that starts with its label as code (`` `123` ``) and ends in a backslash, CommonMark's
visible hard line break (two trailing spaces would be invisible and lost to editors that trim
them): raw and rendered, the label stands at the start of the line it numbers. A line without
a number (a paragraph inserted since the reference) has no label. A heading stays one line,
each of its lines' labels in front of the words that begin the line.
"""

from __future__ import annotations

import re

from textcore.export._common import (
    clean_text,
    heading_levels,
    numbered_lines,
    one_line,
    provenance_line,
    reference_counts,
    shown_text,
    split_inline,
    split_lines,
)
from textcore.export.document import ExportChapter, ExportDocument
from textcore.footnotes import UNREFERENCED_NOTES_HEADING, FootnoteRef, unreferenced_note

# Escaped wherever they stand: they open emphasis, code, links, footnotes, HTML, entities,
# headings, tables (GFM) and strikethrough (GFM). Backslash escapes work for any ASCII
# punctuation in CommonMark, so an escape too many is harmless; one too few is a bug.
_ALWAYS = re.compile(r"([\\`*_{}\[\]<>#|~&])")
# Only at the start of a line do these open a list item, a setext underline or a break.
_LINE_START_MARK = re.compile(r"^([-+=])")
_ORDERED_LIST = re.compile(r"^(\d{1,9})([.)])")


def render_markdown(doc: ExportDocument, *, line_numbers: bool = False) -> str:
    """The document as Markdown: title, provenance, chapters, sections, paragraphs, notes;
    with ``line_numbers``, each line of the text behind its label (see the module docstring).
    """
    chapter_level, section_level = heading_levels(doc)
    blocks = [f"# {escape_markdown(doc.title)}", escape_markdown(provenance_line(doc))]
    several = len(doc.chapters) > 1
    width = doc.line_width if line_numbers else None
    for index, chapter in enumerate(doc.chapters, start=1):
        label_prefix = f"ch{index}-" if several else ""
        blocks.extend(_chapter_blocks(chapter, chapter_level, section_level, label_prefix, width))
    return "\n\n".join(blocks) + "\n"


def escape_markdown(text: str, *, line_start: bool = True, line_end: bool = True) -> str:
    """``text`` as Markdown inline content that renders back to exactly ``text`` (but for the
    spaces at a line's ends).

    ``line_start``/``line_end`` say whether the text opens or closes its line: there the
    spaces are dropped, as every format shows a paragraph without the spaces at its ends (the
    seed's non-breaking spaces; Markdown itself would strip them too), and a leading list or
    heading marker is escaped.
    """
    body = one_line(clean_text(text))
    if line_start:
        body = body.lstrip()
    if line_end:
        body = body.rstrip()
    body = _ALWAYS.sub(r"\\\1", body)
    if line_start:
        body = _LINE_START_MARK.sub(r"\\\1", body)
        body = _ORDERED_LIST.sub(r"\1\\\2", body)
    return body


def _chapter_blocks(
    chapter: ExportChapter,
    chapter_level: int | None,
    section_level: int,
    label_prefix: str,
    width: int | None,
) -> list[str]:
    blocks: list[str] = []
    if chapter_level is not None:
        blocks.append(f"{'#' * chapter_level} {escape_markdown(chapter.title)}")
    if chapter.subtitle.strip():
        blocks.append(_emphasis(chapter.subtitle))
    if chapter.publication_line.strip():
        blocks.append(escape_markdown(chapter.publication_line))

    known = chapter.known_footnotes
    for block in chapter.text_blocks:
        numbered = numbered_lines(block, width) if width is not None else []
        if numbered:
            shown = [_numbered(label, text, known, label_prefix) for label, text in numbered]
            # A heading is one Markdown line; a paragraph's lines end in a hard break.
            line = " ".join(shown) if block.kind == "heading" else "\\\n".join(shown)
        else:
            line = _inline(block.text, known, label_prefix)
        blocks.append(f"{'#' * section_level} {line}" if block.kind == "heading" else line)

    if chapter.editorial_note.strip():
        lines = [line for line in split_lines(chapter.editorial_note) if line.strip()]
        blocks.append("\n>\n".join(f"> {escape_markdown(line)}" for line in lines))

    referenced = reference_counts(chapter)
    unreferenced: list[str] = []
    for note in chapter.footnotes:
        if note.number is not None and referenced[note.number]:
            blocks.append(f"[^{label_prefix}{note.number}]: {escape_markdown(note.text)}")
        else:
            # A definition nobody references is dropped by Markdown renderers, so a note left
            # without a reference (its paragraph deleted, say) is a paragraph under a heading.
            line = unreferenced_note(note.number, shown_text(note.text))
            unreferenced.append(escape_markdown(line))
    if unreferenced:
        blocks.append(f"{'#' * section_level} {escape_markdown(UNREFERENCED_NOTES_HEADING)}")
        blocks.extend(unreferenced)
    return blocks


def _numbered(label: str, text: str, known: frozenset[int], label_prefix: str) -> str:
    line = _inline(text, known, label_prefix)
    return f"`{label}` {line}" if label else line


def _inline(text: str, known: frozenset[int], label_prefix: str) -> str:
    pieces = split_inline(text, known)
    rendered: list[str] = []
    for index, piece in enumerate(pieces):
        if isinstance(piece, FootnoteRef):
            rendered.append(f"[^{label_prefix}{piece.number}]")
            continue
        escaped = escape_markdown(piece, line_start=index == 0, line_end=index == len(pieces) - 1)
        next_is_ref = index + 1 < len(pieces) and isinstance(pieces[index + 1], FootnoteRef)
        if next_is_ref and escaped.endswith("!"):
            # "![^1]" would start an image; the note reference must stay a reference.
            escaped = escaped[:-1] + "\\!"
        rendered.append(escaped)
    return "".join(rendered)


def _emphasis(text: str) -> str:
    line = one_line(clean_text(text)).strip()
    # Emphasis needs its text to touch the asterisks; the stripped line always does.
    return f"*{escape_markdown(line)}*" if line else ""
