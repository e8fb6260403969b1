"""Reading Markdown (CommonMark, with the common footnote syntax ``[^1]`` / ``[^1]: …``) into
the builder: the first level-1 heading is the title, the other headings are headings, an
emphasised paragraph right under the title its subtitle, block quotes its editorial note.

Footnotes are taken out before markdown-it parses the rest (its CommonMark core has no
footnotes): each definition line is removed and kept as a note, and each reference replaced
by a private-use placeholder that markdown-it passes through as text.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from textcore.chapter_text import decode_chapter
from textcore.importing.builder import ChapterBuilder, ImportedChapter, NoteRef, Piece

_DEFINITION = re.compile(r"^\[\^([A-Za-z0-9_-]{1,40})\]:[ \t]*(.*)$")
_REFERENCE = re.compile(r"(?<!\\)\[\^([A-Za-z0-9_-]{1,40})\]")
_PLACEHOLDER = re.compile("\ue000([^\ue001]*)\ue001")
_PRIVATE = re.compile("[\ue000\ue001]")


def read_markdown(data: bytes) -> ImportedChapter:
    """The chapter in a Markdown file (UTF-8)."""
    text = _PRIVATE.sub("", decode_chapter(data))
    builder = ChapterBuilder("markdown")
    markdown = MarkdownIt("commonmark").enable("table")
    body_lines: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        definition = _DEFINITION.match(line)
        if definition:
            note = markdown.parseInline(definition.group(2))
            builder.note(definition.group(1), _plain(note[0].children or []))
        else:
            body_lines.append(_REFERENCE.sub("\ue000\\1\ue001", line))
    _Reader(builder).read(markdown.parse("\n".join(body_lines)))
    return builder.build()


class _Reader:
    def __init__(self, builder: ChapterBuilder) -> None:
        self.builder = builder
        self.quote_depth = 0
        self.list_depth = 0
        self.heading = ""
        self.in_table = False

    def read(self, tokens: list[Token]) -> None:
        for token in tokens:
            kind = token.type
            if kind == "heading_open":
                self.heading = token.tag
            elif kind == "heading_close":
                self.heading = ""
            elif kind == "blockquote_open":
                self.quote_depth += 1
            elif kind == "blockquote_close":
                self.quote_depth -= 1
            elif kind in ("bullet_list_open", "ordered_list_open"):
                self.list_depth += 1
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.list_depth -= 1
            elif kind == "table_open":
                self.in_table = True
                self.builder.leave_out("table")
            elif kind == "table_close":
                self.in_table = False
            elif kind == "html_block":
                self.builder.leave_out("HTML block")
            elif kind in ("fence", "code_block"):
                self.builder.add("body", [token.content.strip()])
            elif kind == "inline" and not self.in_table:
                self._inline(token)

    def _inline(self, token: Token) -> None:
        children = token.children or []
        pieces = self._pieces(children)
        if self.heading:
            kind = "title" if self.heading == "h1" and not self.builder.title else "heading"
        elif self.quote_depth:
            kind = "quote"
        elif _is_emphasised(children) and not self.builder.has_paragraphs:
            kind = "subtitle"
        else:
            kind = "body"
            if self.list_depth:
                self.builder.list_items += 1
        self.builder.add(kind, pieces)

    def _pieces(self, children: list[Token]) -> list[Piece]:
        pieces: list[Piece] = []
        for child in children:
            if child.type in ("text", "code_inline"):
                pieces.extend(_split_placeholders(child.content))
            elif child.type in ("softbreak", "hardbreak"):
                pieces.append(" ")
            elif child.type == "image":
                self.builder.leave_out("image")
            elif child.type == "html_inline":
                self.builder.leave_out("inline HTML tag")
        return pieces


def _split_placeholders(text: str) -> list[Piece]:
    pieces: list[Piece] = []
    cursor = 0
    for match in _PLACEHOLDER.finditer(text):
        pieces.append(text[cursor : match.start()])
        pieces.append(NoteRef(match.group(1)))
        cursor = match.end()
    pieces.append(text[cursor:])
    return [p for p in pieces if p != ""]


def _is_emphasised(children: list[Token]) -> bool:
    return (
        len(children) >= 2
        and children[0].type == "em_open"
        and children[-1].type == "em_close"
        and not any(c.type == "em_open" for c in children[1:-1])
    )


def _plain(children: list[Token]) -> str:
    return "".join(
        child.content if child.type in ("text", "code_inline") else " "
        for child in children
        if child.type in ("text", "code_inline", "softbreak", "hardbreak")
    )
