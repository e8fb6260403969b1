"""A standalone HTML5 page of an export document, for reading on screen and for printing.

All user text is escaped. Each heading and paragraph carries its stable anchor as an id; a
footnote reference is a superscript link to its note and each note links back to every one
of its references (the seed chapter references note 2 twice); a note nothing references says
so: "(not referenced in the text)". The page has no script and
no external resource: one inline stylesheet with a reading measure and print rules.

With ``line_numbers`` each line of a heading or body paragraph (as
``textcore.lines.break_lines`` cuts it at the document's line width) is a block of its own
with its label in the left margin, as in a printed programme: every fifth number shows (all
on hover), the numbers are ``aria-hidden`` so that a screen reader reads the sentences whole,
and the print stylesheet keeps them in the margin.
"""

from __future__ import annotations

from html import escape

from textcore.export._common import (
    ReferenceCounter,
    clean_text,
    heading_levels,
    iso_utc,
    numbered_lines,
    provenance_line,
    reference_counts,
    shown_text,
    split_inline,
    split_lines,
)
from textcore.export.document import ExportChapter, ExportDocument
from textcore.footnotes import UNREFERENCED, FootnoteRef

# Shared with the changes report so both pages read and print alike.
BASE_CSS = """
:root { color-scheme: light; }
body {
  margin: 0 auto; padding: 1.5rem 1rem 4rem; max-width: 70ch;
  font: 1.0625rem/1.6 Georgia, "Times New Roman", serif; color: #1a1a1a; background: #fff;
}
h1, h2, h3 { font-family: system-ui, sans-serif; line-height: 1.25; }
h1 { font-size: 2rem; margin: 0 0 .5rem; }
h2 { font-size: 1.5rem; margin: 3rem 0 .75rem; }
h3 { font-size: 1.2rem; margin: 2rem 0 .5rem; }
p { margin: 0 0 1em; overflow-wrap: break-word; }
a { color: #0b4f9c; }
a:focus-visible { outline: 3px solid #0b4f9c; outline-offset: 2px; }
.provenance, .publication { color: #555; font-size: .95rem; }
.subtitle { font-style: italic; }
sup { line-height: 0; }
.fnref a { text-decoration: none; padding: 0 .1em; }
.editorial-note { border-left: 4px solid #bbb; margin: 2rem 0; padding: .25rem 0 .25rem 1rem; }
.footnotes { border-top: 1px solid #bbb; margin-top: 2.5rem; font-size: .95rem; }
.footnotes li { margin-bottom: .75em; overflow-wrap: break-word; }
.backref { text-decoration: none; }
.backrefs { white-space: nowrap; }
.unreferenced { font-style: italic; color: #555; }
.visually-hidden {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
body.line-numbers { max-width: 86ch; padding-left: 4rem; }
.line { display: block; position: relative; }
.ln {
  position: absolute; right: 100%; margin-right: 1rem; visibility: hidden; user-select: none;
  font: .75em/2.133 system-ui, sans-serif; color: #555; white-space: nowrap;
}
h1 .ln, h2 .ln, h3 .ln { line-height: 1.667; }
@media (max-width: 30rem) { body.line-numbers { padding-left: 2.75rem; } }
.ln--fifth, .line:hover .ln { visibility: visible; }
@media print {
  @page { margin: 2cm 2.2cm; }
  body.line-numbers { padding-left: 2.5rem; }
  .ln { line-height: 1.933; }
  .line:hover .ln { visibility: hidden; }
  .ln--fifth, .line:hover .ln--fifth { visibility: visible; }
  body { max-width: none; padding: 0; font-size: 11pt; line-height: 1.45; color: #000; }
  a { color: inherit; text-decoration: none; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  .chapter + .chapter { break-before: page; page-break-before: always; }
  p, li { orphans: 3; widows: 3; }
  .backrefs { display: none; }
  .footnotes { break-before: avoid; }
}
"""


def render_html(doc: ExportDocument, *, line_numbers: bool = False) -> str:
    """The document as a standalone HTML5 page with an inline screen and print stylesheet;
    with ``line_numbers``, each line numbered in the margin (see the module docstring)."""
    chapter_level, section_level = heading_levels(doc)
    ids = _IdRegistry()
    several = len(doc.chapters) > 1
    articles = [
        _chapter_html(
            chapter,
            chapter_level=chapter_level,
            section_level=section_level,
            id_prefix=_chapter_prefix(chapter, index) if several else "",
            ids=ids,
            width=doc.line_width if line_numbers else None,
        )
        for index, chapter in enumerate(doc.chapters, start=1)
    ]
    return page(
        title=doc.title,
        header=(
            f'<h1>{_text(doc.title)}</h1>\n<p class="provenance">{_text(provenance_line(doc))}</p>'
        ),
        main="\n".join(articles),
        meta={"dcterms.modified": iso_utc(doc.generated_at), "version": doc.version},
        body_class="line-numbers" if line_numbers else "",
    )


def page(
    *,
    title: str,
    header: str,
    main: str,
    meta: dict[str, str],
    css: str = "",
    body_class: str = "",
) -> str:
    """A complete HTML5 page around already-escaped ``header`` and ``main`` markup."""
    meta_tags = "".join(
        f'<meta name="{escape(name)}" content="{_text(value)}">\n'
        for name, value in meta.items()
        if value
    )
    body_attribute = f' class="{escape(body_class)}"' if body_class else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_text(title)}</title>\n{meta_tags}"
        f"<style>{BASE_CSS}{css}</style>\n</head>\n"
        f"<body{body_attribute}>\n"
        f"<header>\n{header}\n</header>\n<main>\n{main}\n</main>\n</body>\n</html>\n"
    )


def text_html(text: str) -> str:
    """User text escaped for an HTML text node or attribute (XML-illegal characters dropped)."""
    return escape(clean_text(text), quote=True)


# Short private name for the many uses below.
_text = text_html


class _IdRegistry:
    """Hands out ids that are unique in the page, however the anchors given collide."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def claim(self, wanted: str) -> str:
        candidate = "".join("-" if ch.isspace() else ch for ch in clean_text(wanted)) or "x"
        unique, suffix = candidate, 2
        while unique in self._used:
            unique, suffix = f"{candidate}-{suffix}", suffix + 1
        self._used.add(unique)
        return unique


def _chapter_prefix(chapter: ExportChapter, index: int) -> str:
    return f"{chapter.slug or f'chapter-{index}'}-"


def _chapter_html(
    chapter: ExportChapter,
    *,
    chapter_level: int | None,
    section_level: int,
    id_prefix: str,
    ids: _IdRegistry,
    width: int | None = None,
) -> str:
    known = chapter.known_footnotes
    note_ids = {
        note.number: ids.claim(id_prefix + (note.anchor or f"fn-{note.number}"))
        for note in chapter.footnotes
        if note.number is not None
    }
    counter = ReferenceCounter()
    # (note number, occurrence) -> id of that reference, for the notes' back links.
    ref_ids: dict[tuple[int, int], str] = {}

    chapter_id = ids.claim(id_prefix.rstrip("-") or chapter.slug or "chapter")
    parts: list[str] = []
    labelled_by = ""
    if chapter_level is not None:
        title_id = ids.claim(f"{chapter_id}-title")
        labelled_by = f' aria-labelledby="{_text(title_id)}"'
        parts.append(
            f'<h{chapter_level} id="{_text(title_id)}">{_text(chapter.title)}</h{chapter_level}>'
        )
    if chapter.subtitle.strip():
        parts.append(f'<p class="subtitle">{_text(chapter.subtitle)}</p>')
    if chapter.publication_line.strip():
        parts.append(f'<p class="publication">{_text(chapter.publication_line)}</p>')

    for block in chapter.text_blocks:
        lines = numbered_lines(block, width) if width is not None else []
        if lines:
            inline = "\n".join(
                _line_html(
                    label, _inline_html(text, known, note_ids, counter, ref_ids, id_prefix, ids)
                )
                for label, text in lines
            )
        else:
            inline = _inline_html(block.text, known, note_ids, counter, ref_ids, id_prefix, ids)
        block_id = ids.claim(id_prefix + (block.anchor or block.kind))
        if block.kind == "heading":
            parts.append(
                f'<h{section_level} id="{_text(block_id)}" dir="auto">{inline}</h{section_level}>'
            )
        else:
            parts.append(f'<p id="{_text(block_id)}" dir="auto">{inline}</p>')

    note_lines = [line for line in split_lines(chapter.editorial_note) if line.strip()]
    if note_lines:
        paragraphs = "".join(f'<p dir="auto">{_text(line)}</p>' for line in note_lines)
        parts.append(
            f'<aside class="editorial-note" aria-label="Editorial note">{paragraphs}</aside>'
        )

    if chapter.footnotes:
        parts.append(_footnotes_html(chapter, note_ids, ref_ids, section_level, ids, id_prefix))

    body = "\n".join(parts)
    return f'<article class="chapter" id="{_text(chapter_id)}"{labelled_by}>\n{body}\n</article>'


def _line_html(label: str, inline: str) -> str:
    """One numbered line: a block with its label in the margin, hidden from screen readers."""
    if not label:
        return f'<span class="line">{inline}</span>'
    fifth = " ln--fifth" if label.isdigit() and int(label) % 5 == 0 else ""
    return (
        f'<span class="line"><span class="ln{fifth}" aria-hidden="true">{_text(label)}</span>'
        f"{inline}</span>"
    )


def _inline_html(
    text: str,
    known: frozenset[int],
    note_ids: dict[int, str],
    counter: ReferenceCounter,
    ref_ids: dict[tuple[int, int], str],
    id_prefix: str,
    ids: _IdRegistry,
) -> str:
    rendered: list[str] = []
    for piece in split_inline(text, known):
        if not isinstance(piece, FootnoteRef):
            rendered.append(_text(piece))
            continue
        occurrence = counter.next(piece.number)
        suffix = "" if occurrence == 1 else f"-{occurrence}"
        ref_id = ids.claim(f"{id_prefix}fnref-{piece.number}{suffix}")
        ref_ids[(piece.number, occurrence)] = ref_id
        rendered.append(
            f'<sup class="fnref"><a href="#{_text(note_ids[piece.number])}" id="{_text(ref_id)}"'
            f' role="doc-noteref" aria-label="Note {piece.number}">{piece.number}</a></sup>'
        )
    return "".join(rendered)


def _footnotes_html(
    chapter: ExportChapter,
    note_ids: dict[int, str],
    ref_ids: dict[tuple[int, int], str],
    section_level: int,
    ids: _IdRegistry,
    id_prefix: str,
) -> str:
    references = reference_counts(chapter)
    heading_id = ids.claim(f"{id_prefix}notes")
    items: list[str] = []
    for position, note in enumerate(chapter.footnotes, start=1):
        number = note.number if note.number is not None else position
        item_id = note_ids.get(number) or ids.claim(f"{id_prefix}fn-{number}")
        count = references[number] if note.number is not None else 0
        backlinks = " ".join(
            f'<a class="backref" href="#{_text(ref_ids[(number, occurrence)])}" '
            f'role="doc-backlink" aria-label="Back to reference'
            f'{f" {occurrence}" if count > 1 else ""} to note {number}">'
            f"↩{_superscript(occurrence) if count > 1 else ''}</a>"
            for occurrence in range(1, count + 1)
        )
        # The back links sit in their own span, so the note's text is the li's text up to it.
        if backlinks:
            after = f'<span class="backrefs"> {backlinks}</span>'
        else:
            after = f'<span class="unreferenced"> ({UNREFERENCED})</span>'

        text = _text(shown_text(note.text))
        items.append(f'<li id="{_text(item_id)}" value="{number}" dir="auto">{text}{after}</li>')
    level = section_level
    return (
        f'<section class="footnotes" aria-labelledby="{_text(heading_id)}" role="doc-endnotes">\n'
        f'<h{level} id="{_text(heading_id)}">Notes</h{level}>\n'
        f"<ol>\n" + "\n".join(items) + "\n</ol>\n</section>"
    )


def _superscript(number: int) -> str:
    digits = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
    return str(number).translate(digits)
