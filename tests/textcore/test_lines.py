"""The line breaker: lines of a fixed length that pages, exports and citations share."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textcore.chapter_text import decode_chapter, parse_chapter
from textcore.footnotes import iter_refs
from textcore.lines import (
    DEFAULT_WIDTH,
    MAX_WIDTH,
    MIN_WIDTH,
    break_lines,
    line_texts,
    number_paragraphs,
)
from textcore.lines import _tokens as _runs_of

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "socialism-and-the-soviet-union.txt"

_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéß’-", min_size=1, max_size=12)
_long_word = st.text(alphabet="abcdefghij", min_size=30, max_size=250)
_space = st.sampled_from([" ", " ", " ", "  ", "\u00a0", "\t", " \n "])
_marker = st.sampled_from([".1", ". 2", ".” 3", ".\u00a04", "!12"])


@st.composite
def paragraphs(draw: st.DrawFn) -> str:
    pieces: list[str] = [draw(st.sampled_from(["", " ", "\u00a0"]))]
    for _ in range(draw(st.integers(0, 60))):
        pieces.append(draw(st.one_of(_word, _word, _word, _long_word)))
        if draw(st.booleans()) and draw(st.booleans()):
            pieces.append(draw(_marker))
        pieces.append(draw(_space))
    return "".join(pieces)


widths = st.integers(MIN_WIDTH, MAX_WIDTH)


def _breakable(character: str) -> bool:
    return character.isspace() and character not in "\u00a0\u2007\u202f"


# What the breaker may not split: runs without ordinary whitespace (non-breaking spaces join).
_UNBREAKABLE = r"(?:[^\s]|[\u00a0\u2007\u202f])+"


def _words(text: str) -> list[str]:
    return re.findall(_UNBREAKABLE, text)


@given(paragraphs(), widths)
@settings(max_examples=300)
def test_lines_are_in_order_within_width_and_hold_every_character(text: str, width: int) -> None:
    lines = break_lines(text, width)
    cursor = 0
    for line in lines:
        assert line.start >= cursor and line.end > line.start
        assert line.length <= width
        assert text[cursor : line.start].strip() == ""  # only spaces between lines
        # No line starts or ends at a place to break (a word cut in pieces may, at a NBSP).
        assert not _breakable(text[line.start]) and not _breakable(text[line.end - 1])
        cursor = line.end
    assert text[cursor:].strip() == ""
    assert bool(lines) == bool(text.strip())


@given(paragraphs(), widths)
@settings(max_examples=300)
def test_every_word_is_on_exactly_one_line_unless_longer_than_a_line(text: str, width: int) -> None:
    lines = break_lines(text, width)
    low, high = len(text) - len(text.lstrip()), len(text.rstrip())
    for match in re.finditer(_UNBREAKABLE, text):
        start, end = max(match.start(), low), min(match.end(), high)
        if start >= end:
            continue  # spaces at an end of the paragraph, which belong to no line
        holding = [ln for ln in lines if ln.start < end and start < ln.end]
        if end - start <= width and not _has_glued_marker(text, match):
            assert len(holding) == 1, (match.group(), holding)
        assert holding, match.group()
    joined = " ".join(line_texts(text, lines))
    assert re.sub(r"\s", "", joined) == re.sub(r"\s", "", text)


def _has_glued_marker(text: str, match: re.Match[str]) -> bool:
    """True if a marker is glued to this run by a space, before or after it: the two are
    one unbreakable run then, which may be longer than a line."""
    return any(
        m.start() in (match.end(), match.start() - 1) for m in iter_refs(text) if m.group(1) == " "
    )


@given(paragraphs(), widths)
@settings(max_examples=300)
def test_a_footnote_marker_never_starts_a_line_or_is_split(text: str, width: int) -> None:
    lines = break_lines(text, width)
    for marker in iter_refs(text):
        number_start = marker.end() - len(marker.group(2))
        holding = [ln for ln in lines if ln.start < marker.end() and number_start < ln.end]
        assert len(holding) == 1
        assert holding[0].start < number_start  # something of the sentence is on its line


@given(paragraphs(), widths)
@settings(max_examples=200)
def test_greedy_no_line_could_have_taken_the_next_run(text: str, width: int) -> None:
    lines = break_lines(text, width)
    runs = {start: end for start, end in _runs_of(text, None)}
    for line, following in itertools.pairwise(lines):
        if following.start in runs and line.end != following.start:
            # A line ends before a whole run only when the run would not fit on it.
            assert runs[following.start] - line.start > width


@given(st.lists(paragraphs(), max_size=8), widths, st.integers(1, 500))
def test_numbering_is_continuous_and_monotone(texts: list[str], width: int, first: int) -> None:
    numbered = number_paragraphs(texts, width, first)
    expected = first
    for text, paragraph in zip(texts, numbered, strict=True):
        assert paragraph.first == expected
        assert len(paragraph.lines) == len(break_lines(text, width))
        expected = paragraph.last + 1
    assert expected - first == sum(len(p.lines) for p in numbered)


@given(_long_word, widths)
def test_a_long_word_is_cut_deterministically_into_full_lines(word: str, width: int) -> None:
    lines = break_lines(word, width)
    assert [line.length for line in lines[:-1]] == [width] * (len(lines) - 1)
    assert "".join(line_texts(word, lines)) == word
    assert break_lines(word, width) == lines


def test_line_numbers_of_a_character_range() -> None:
    text = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
    (numbered,) = number_paragraphs([text], width=20, first=10)
    texts = line_texts(text, numbered.lines)
    assert texts == [
        "one two three four",
        "five six seven eight",
        "nine ten eleven",
        "twelve thirteen",
        "fourteen",
    ]
    assert numbered.first == 10 and numbered.last == 14
    assert numbered.number_of(text.index("six")) == 11
    assert numbered.numbers_of(text.index("seven"), text.index("ten") + 3) == (11, 12)
    assert numbered.numbers_of(text.index("nine"), text.index("nine")) == (12, 12)


def test_the_width_is_bounded() -> None:
    with pytest.raises(ValueError, match="20 to 200"):
        break_lines("text", 10)


def test_a_non_breaking_space_does_not_break_and_edges_belong_to_no_line() -> None:
    text = "\u00a0" + "a" * 15 + "\u00a0" + "b" * 10 + " c "
    lines = break_lines(text, 30)
    assert line_texts(text, lines) == ["a" * 15 + "\u00a0" + "b" * 10 + " c"]


def test_the_seed_chapter_at_80_characters_has_450_lines() -> None:
    """The recorded figure: the chapter's headings and body paragraphs (not the notes) at the
    default width. It changes only if the breaker or the chapter changes, on purpose."""
    chapter = parse_chapter(decode_chapter(SEED.read_bytes()))
    text_blocks = [block.text for block in chapter.blocks if block.kind != "footnote"]
    numbered = number_paragraphs(text_blocks, DEFAULT_WIDTH)
    assert (len(text_blocks), numbered[-1].last) == (86, 450)
    first_lines = line_texts(text_blocks[0], numbered[0].lines)
    assert first_lines[0].endswith("for the Soviet")
