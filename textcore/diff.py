"""Word-level diff: the only diff the app ever shows.

Text is cut into tokens (words, runs of whitespace, single punctuation characters) and
diff-match-patch compares the token sequences, so a change never marks half a word. The same
token alignment drives the word counts of a change and the change regions rebase works with.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Container
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from diff_match_patch import diff_match_patch

from textcore.footnotes import iter_refs
from textcore.words import count_words, trim_edges

DELETE: Final = -1
EQUAL: Final = 0
INSERT: Final = 1

Op = tuple[int, str]
TokenOp = tuple[int, list[str]]

# A word is a run of letters/digits, joined across apostrophes and hyphens inside it ("don’t",
# "two-party", "1921-1929") and across a decimal point or thousands comma between digits
# ("2.5", "1,000"). En and em dashes are not joiners: words.py counts them as separators.
_APOSTROPHES_AND_HYPHENS = "'’-\u2010\u2011"
_JOINER = r"(?:['’\-\u2010\u2011]|(?<=\d)[.,](?=\d))"
_TOKEN = re.compile(rf"\w+(?:{_JOINER}\w+)*|\s+|.", re.DOTALL)

# Tokens are diffed as characters of the private use areas (137,468 of them, far more distinct
# tokens than any text has). dmp's boundary scoring sees them all alike, which is why
# _place_at_word_starts chooses where an ambiguous change sits.
_PRIVATE_RANGES: Final = ((0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD))


def tokenize(text: str) -> list[str]:
    """Cut ``text`` into words, whitespace runs and single punctuation characters (lossless)."""
    return list(_tokens(text))


# An acceptance cuts the paragraph's new text once for every amendment it carries forward
# (rebase, spans, the stored diff): the last texts' tokens are kept, as a copy is cheap.
@lru_cache(maxsize=256)
def _tokens(text: str) -> tuple[str, ...]:
    tokens: list[str] = []
    for token in _TOKEN.findall(text):
        # Python's \w leaves out combining marks (a decomposed "é", Devanagari vowel signs), so
        # the pattern stops at one; glue the mark, and what the mark cut off, back on. The
        # pattern itself never puts two words side by side, so two adjacent words are always
        # one word cut by a mark.
        if tokens and is_word(tokens[-1]) and (_is_mark(token) or is_word(token)):
            tokens[-1] += token
        elif is_word(token) and len(tokens) >= 2 and _joins(tokens[-2], tokens[-1], token):
            joiner = tokens.pop()
            tokens[-1] += joiner + token
        else:
            tokens.append(token)
    return tuple(tokens)


def _joins(left: str, joiner: str, right: str) -> bool:
    # It joins only when a combining mark ended ``left`` (the pattern joins all other cases),
    # but it is asked after every word that follows a word and one character (a space,
    # mostly): the cheap tests first, the marks only looked for before "." or ",".
    if len(joiner) != 1 or not is_word(left):
        return False
    if joiner in _APOSTROPHES_AND_HYPHENS:
        return True
    if joiner not in ".," or not right[:1].isdigit():
        return False
    base_char = left.rstrip("".join(ch for ch in left if _is_mark(ch)))[-1:]
    return base_char.isdigit()


def is_word(token: str) -> bool:
    """True if ``token`` is a word (it starts with a letter or digit), not space or punctuation."""
    return token[:1].isalnum() or token[:1] == "_"


@dataclass(frozen=True)
class WordDelta:
    """How a change alters the word count: words added, words removed and the net figure."""

    added: int
    removed: int
    net: int


@dataclass(frozen=True)
class Region:
    """One change hunk: tokens ``[start, end)`` of the old text become ``inserted``.

    ``deleted`` is the old text of that range; ``new_start``/``new_end`` are the token range of
    ``inserted`` in the new text. A pure insertion has ``start == end``.
    """

    start: int
    end: int
    deleted: str
    inserted: str
    new_start: int
    new_end: int


def token_diff(old_tokens: list[str], new_tokens: list[str], *, semantic: bool) -> list[TokenOp]:
    """Diff two token lists with diff-match-patch; ``semantic`` merges hunks for human reading."""
    codes: dict[str, str] = {}
    old_chars = _encode(old_tokens, codes)
    new_chars = _encode(new_tokens, codes)
    decode = {char: token for token, char in codes.items()}
    dmp = _dmp()
    diffs = dmp.diff_main(old_chars, new_chars, False)
    if semantic:
        dmp.diff_cleanupSemantic(diffs)
    ops = [(op, [decode[char] for char in chars]) for op, chars in diffs if chars]
    return _place_at_word_starts(ops) if semantic else ops


def word_diff(old: str, new: str) -> list[Op]:
    """Diff ``old`` against ``new`` word by word: dmp ops (-1 delete, 0 equal, 1 insert)."""
    ops = token_diff(tokenize(old), tokenize(new), semantic=True)
    return [(op, "".join(tokens)) for op, tokens in ops]


def diff_html(old: str, new: str) -> str:
    """The word diff as escaped HTML, changes in ``<del>``/``<ins>`` with words for screen readers.

    The hidden "[deleted: …]" and "[inserted: …]" labels make the change readable without colour
    or strike-through: screen readers speak them and they survive copy and paste. Both texts
    are shown without the spaces at their ends (``trim_edges``), as every output shows them.
    """
    return ops_html(word_diff(trim_edges(old), trim_edges(new)))


def stored_ops(old: str, new: str) -> list[list[int | str]]:
    """The word diff ``diff_html`` shows, as JSON-ready ``[op, text]`` pairs to store with a
    change, so a page can show it later without diffing (``ops_html``)."""
    return [[op, text] for op, text in word_diff(trim_edges(old), trim_edges(new))]


def ops_html(ops: list[Op] | list[list[int | str]]) -> str:
    """Diff ops (computed now or stored by ``stored_ops``) as ``diff_html``'s escaped HTML."""
    parts: list[str] = []
    for op, text in ops:
        escaped = html.escape(str(text))
        if op == EQUAL:
            parts.append(escaped)
        elif op == DELETE:
            parts.append(
                f'<del><span class="vh">[deleted: </span>{escaped}<span class="vh">]</span></del>'
            )
        else:
            parts.append(
                f'<ins><span class="vh">[inserted: </span>{escaped}<span class="vh">]</span></ins>'
            )
    return "".join(parts)


def changed_regions(old: str, new: str) -> list[Region]:
    """The change hunks of the word diff, each with the token range of ``old`` it replaces."""
    return regions_from_ops(token_diff(tokenize(old), tokenize(new), semantic=True))


def regions_from_ops(ops: list[TokenOp]) -> list[Region]:
    """Group token diff ops into hunks: each run of deletes and inserts between equal runs."""
    regions: list[Region] = []
    old_index = new_index = 0
    start = new_start = 0
    deleted: list[str] = []
    inserted: list[str] = []
    for op, tokens in [*ops, (EQUAL, [])]:
        if op == EQUAL:
            if deleted or inserted:
                regions.append(
                    Region(
                        start=start,
                        end=old_index,
                        deleted="".join(deleted),
                        inserted="".join(inserted),
                        new_start=new_start,
                        new_end=new_index,
                    )
                )
                deleted, inserted = [], []
            old_index += len(tokens)
            new_index += len(tokens)
            start, new_start = old_index, new_index
        elif op == DELETE:
            deleted.extend(tokens)
            old_index += len(tokens)
        else:
            inserted.extend(tokens)
            new_index += len(tokens)
    return regions


def word_delta(old: str, new: str, known_footnotes: Container[int] | None = None) -> WordDelta:
    """Words added and removed by the change from ``old`` to ``new``, and the net difference.

    Added and removed count the words of each changed run of tokens; footnote markers (as the
    whole text defines them) are not words. ``net`` is the authoritative word-budget figure.
    """
    old_tokens, new_tokens = tokenize(old), tokenize(new)
    regions = regions_from_ops(token_diff(old_tokens, new_tokens, semantic=True))
    old_words = _RunWords(old, old_tokens, known_footnotes)
    new_words = _RunWords(new, new_tokens, known_footnotes)
    return WordDelta(
        added=sum(new_words.count(r.new_start, r.new_end) for r in regions),
        removed=sum(old_words.count(r.start, r.end) for r in regions),
        # The word budget uses whole-text counts, so the net figure comes from them.
        net=count_words(new, known_footnotes) - count_words(old, known_footnotes),
    )


class _RunWords:
    """Counts the words of a run of tokens, leaving out the text's footnote markers."""

    def __init__(self, text: str, tokens: list[str], known: Container[int] | None) -> None:
        self.text = text
        self.offsets = [0]
        for token in tokens:
            self.offsets.append(self.offsets[-1] + len(token))
        # A marker is only a marker in context ("life.2"), so find them in the whole text.
        self.markers = [match.span() for match in iter_refs(text, known)]

    def count(self, start: int, end: int) -> int:
        """The number of words in tokens ``[start, end)``."""
        low, high = self.offsets[start], self.offsets[end]
        pieces, cursor = [], low
        for marker_start, marker_end in self.markers:
            if marker_end <= cursor or marker_start >= high:
                continue
            pieces.append(self.text[cursor:marker_start])
            cursor = max(cursor, marker_end)
        pieces.append(self.text[cursor:high])
        # Each piece on its own, so the marker's removal does not glue two words together.
        return sum(count_words(piece, known_footnotes=()) for piece in pieces if piece)


def _place_at_word_starts(ops: list[TokenOp]) -> list[TokenOp]:
    """Slide each lone insertion or deletion to where its text starts with a word.

    Among repeated words a change can sit in several places ("a a" + "a": " a" at the end or
    "a " in front). dmp's own tie-breaking sees only opaque token characters; this picks
    "word " over " word" (the change begins where a reader's eye does), leftmost on a tie.
    """
    # Empty equal runs at both ends give a change at a text edge somewhere to move text to.
    ops = [(EQUAL, []), *((op, list(tokens)) for op, tokens in ops), (EQUAL, [])]
    for index in range(1, len(ops) - 1):
        op, edit = ops[index]
        before, after = ops[index - 1][1], ops[index + 1][1]
        # Only a lone change between equal runs (or a text edge) can slide without changing
        # which tokens are paired.
        if op == EQUAL or ops[index - 1][0] != EQUAL or ops[index + 1][0] != EQUAL:
            continue
        size = len(edit)
        left = before + edit
        left_room = 0
        while left_room < len(before) and left[len(before) - left_room - 1] == left[-left_room - 1]:
            left_room += 1
        right = edit + after
        right_room = 0
        while right_room < len(after) and right[right_room] == right[size + right_room]:
            right_room += 1
        # It never slides so far that it meets another change: an equal run between two
        # changes keeps at least one token.
        if index >= 3:
            left_room = min(left_room, len(before) - 1)
        if index + 3 < len(ops):
            right_room = min(right_room, len(after) - 1)
        window = before[len(before) - left_room :] + edit + after[:right_room]
        full = before[: len(before) - left_room] + window + after[right_room:]
        offset = len(before) - left_room

        def score(
            start: int, size: int = size, full: list[str] = full, offset: int = offset
        ) -> tuple[int, int]:
            position = offset + start
            previous = full[position - 1] if position > 0 else None
            following = full[position + size] if position + size < len(full) else None
            return (_reads_well(full[position : position + size], previous, following), -start)

        best = max(range(left_room + right_room + 1), key=score)
        if best == left_room:
            continue
        # Re-cut the window: what precedes the edit joins ``before``, what follows ``after``.
        del before[len(before) - left_room :]
        before.extend(window[:best])
        after[:right_room] = window[best + size :]
        ops[index] = (op, window[best : best + size])
    return [(op, tokens) for op, tokens in ops if tokens]


_SENTENCE_END = tuple(".!?;:…”’\"')")


def _reads_well(edit: list[str], previous: str | None, following: str | None) -> int:
    return start_reads_well(edit[0], previous) + end_reads_well(edit[-1], following)


def start_reads_well(first: str, previous: str | None) -> int:
    """How naturally a change whose first token is ``first`` begins after ``previous`` (None at
    the text's start): best with the space after a finished sentence (an added sentence:
    "link. [Workers mattered.]" rather than "link[. Workers mattered]."), then with a word."""
    if first.isspace():
        return 3 if previous is None or previous.endswith(_SENTENCE_END) else 0
    return 2 if is_word(first) else 1


def end_reads_well(last: str, following: str | None) -> int:
    """How naturally a change whose last token is ``last`` ends before ``following`` (None at
    the text's end): best with a sentence's own full stop, then at a space."""
    if last.isspace():
        return 1
    if last.endswith(_SENTENCE_END) and (following is None or following.isspace()):
        return 2
    return 0


def _is_mark(token: str) -> bool:
    return len(token) == 1 and unicodedata.category(token).startswith("M")


def _private_char(index: int) -> str:
    for low, high in _PRIVATE_RANGES:
        if index <= high - low:
            return chr(low + index)
        index -= high - low + 1
    raise ValueError("Too many distinct words to diff.")


def _encode(tokens: list[str], codes: dict[str, str]) -> str:
    # The linesToChars trick, one character per distinct token, so dmp diffs whole tokens.
    chars = []
    for token in tokens:
        char = codes.get(token)
        if char is None:
            char = codes[token] = _private_char(len(codes))
        chars.append(char)
    return "".join(chars)


def _dmp() -> diff_match_patch:
    dmp = diff_match_patch()
    # No time limit: a deadline would make the result depend on the machine's speed.
    dmp.Diff_Timeout = 0
    return dmp
