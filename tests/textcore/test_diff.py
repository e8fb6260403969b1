"""Word-level diff: tokens, ops, HTML, word deltas and change regions."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from textcore.diff import (
    DELETE,
    EQUAL,
    INSERT,
    Region,
    WordDelta,
    changed_regions,
    diff_html,
    is_word,
    ops_html,
    stored_ops,
    tokenize,
    word_delta,
    word_diff,
)
from textcore.words import count_words, trim_edges

# Characters that make tokenising hard: quotes, apostrophes, hyphens and dashes, NBSP, digits
# with decimal points and commas, HTML specials, a line break, a combining accent.
TRICKY_ALPHABET = "ab1 .,;’'‘“”\"-–—\u00a0<>&\n\u0301"
tricky_text = st.text(alphabet=TRICKY_ALPHABET, max_size=40)

# A small vocabulary, so hypothesis builds texts full of repeated words.
WORDS = ("the", "a", "war", "peace", "1921", "don’t", "two-party")
SEPARATORS = (" ", " ", " ", ", ", ". ", "\u00a0", " – ")


def _join(words: list[str], separators: list[str]) -> str:
    """Words joined by the separators (cycled), ending with a full stop if there are any."""
    if not words:
        return ""
    pieces = [words[0]]
    for index, word in enumerate(words[1:]):
        pieces += [separators[index % len(separators)], word]
    return "".join(pieces) + "."


prose = st.builds(
    _join,
    st.lists(st.sampled_from(WORDS), max_size=12),
    st.lists(st.sampled_from(SEPARATORS), min_size=1, max_size=4),
)

# --- tokenize -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("", []),
        ("don’t stop", ["don’t", " ", "stop"]),
        ("don't", ["don't"]),
        ("1921-1929", ["1921-1929"]),
        ("a two-party coalition", ["a", " ", "two-party", " ", "coalition"]),
        ("2.5 million", ["2.5", " ", "million"]),
        ("1,000 men", ["1,000", " ", "men"]),
        ("fatal.” 1", ["fatal", ".", "”", " ", "1"]),
        ("communal life.2", ["communal", " ", "life", ".", "2"]),
        ("‘War Communism’", ["‘", "War", " ", "Communism", "’"]),
        ("workers’ rights", ["workers", "’", " ", "rights"]),
        ("“retreat”", ["“", "retreat", "”"]),
        ("a\u00a0\u00a0b", ["a", "\u00a0\u00a0", "b"]),
        ("left—right", ["left", "—", "right"]),
        ("1917 – 1921", ["1917", " ", "–", " ", "1921"]),
        ("pre- and post-war", ["pre", "-", " ", "and", " ", "post-war"]),
        ("85%", ["85", "%"]),
        ("end.\n\nNext", ["end", ".", "\n\n", "Next"]),
        ("cafe\u0301 au lait", ["cafe\u0301", " ", "au", " ", "lait"]),
        ("हिन्दी भाषा", ["हिन्दी", " ", "भाषा"]),
        ("<script>", ["<", "script", ">"]),
    ],
)
def test_tokenize_examples(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens


@given(tricky_text)
def test_tokenize_is_lossless(text: str) -> None:
    assert "".join(tokenize(text)) == text


@given(tricky_text)
def test_tokenize_never_splits_a_word(text: str) -> None:
    tokens = tokenize(text)
    for left, right in pairwise(tokens):
        # Two word tokens side by side would be one word cut in two.
        assert not (is_word(left) and is_word(right)), (left, right)
    for left, joiner, right in zip(tokens, tokens[1:], tokens[2:], strict=False):
        if joiner in ("’", "'", "-"):
            assert not (is_word(left) and is_word(right)), (left, joiner, right)


@given(tricky_text)
def test_tokens_are_words_whitespace_or_single_characters(text: str) -> None:
    for token in tokenize(text):
        assert token and (is_word(token) or token.isspace() or len(token) == 1)


# --- word_diff ------------------------------------------------------------------------------


def _old(ops: list[tuple[int, str]]) -> str:
    return "".join(text for op, text in ops if op != INSERT)


def _new(ops: list[tuple[int, str]]) -> str:
    return "".join(text for op, text in ops if op != DELETE)


def test_word_diff_marks_whole_words() -> None:
    assert word_diff("the cat sat", "the cap sat") == [
        (EQUAL, "the "),
        (DELETE, "cat"),
        (INSERT, "cap"),
        (EQUAL, " sat"),
    ]


def test_word_diff_of_punctuation_only_change() -> None:
    assert word_diff("It failed, and", "It failed; and") == [
        (EQUAL, "It failed"),
        (DELETE, ","),
        (INSERT, ";"),
        (EQUAL, " and"),
    ]


def test_word_diff_of_curly_quotes() -> None:
    # Changing both quotes round one word shows the quoted word replaced as a whole: four
    # separate one-character marks around it would be harder to read and to hear.
    assert word_diff("a “retreat” here", "a ‘retreat’ here") == [
        (EQUAL, "a "),
        (DELETE, "“retreat”"),
        (INSERT, "‘retreat’"),
        (EQUAL, " here"),
    ]
    assert word_diff("the “retreat” of", "the ‘retreat” of") == [
        (EQUAL, "the "),
        (DELETE, "“"),
        (INSERT, "‘"),
        (EQUAL, "retreat” of"),
    ]


def test_word_diff_keeps_hyphenated_word_whole() -> None:
    assert word_diff("a two-party coalition", "a three-party coalition") == [
        (EQUAL, "a "),
        (DELETE, "two-party"),
        (INSERT, "three-party"),
        (EQUAL, " coalition"),
    ]


def test_word_diff_of_footnote_marker() -> None:
    assert word_diff("communal life.2", "communal life.3") == [
        (EQUAL, "communal life."),
        (DELETE, "2"),
        (INSERT, "3"),
    ]


def test_word_diff_of_nbsp_change() -> None:
    assert word_diff("a\u00a0b", "a b") == [
        (EQUAL, "a"),
        (DELETE, "\u00a0"),
        (INSERT, " "),
        (EQUAL, "b"),
    ]


def test_word_diff_with_repeated_words() -> None:
    ops = word_diff("the the the", "the the")
    assert _old(ops) == "the the the" and _new(ops) == "the the"
    assert [op for op, _ in ops].count(DELETE) == 1


@pytest.mark.parametrize(
    ("old", "new", "ops"),
    [
        ("", "", []),
        ("", "new words", [(INSERT, "new words")]),
        ("old words", "", [(DELETE, "old words")]),
        ("same", "same", [(EQUAL, "same")]),
    ],
)
def test_word_diff_of_empty_and_equal_texts(old: str, new: str, ops: list[tuple[int, str]]) -> None:
    assert word_diff(old, new) == ops


def test_word_diff_groups_a_rewritten_phrase() -> None:
    # Semantic cleanup: a lone space between two changed words is not shown as kept.
    assert word_diff("the cat sat on the mat", "a dog sat on the mat") == [
        (DELETE, "the cat"),
        (INSERT, "a dog"),
        (EQUAL, " sat on the mat"),
    ]


@given(tricky_text, tricky_text)
def test_word_diff_reconstructs_both_texts(old: str, new: str) -> None:
    ops = word_diff(old, new)
    assert _old(ops) == old
    assert _new(ops) == new
    assert all(text for _, text in ops)


@given(prose, prose)
def test_word_diff_reconstructs_prose(old: str, new: str) -> None:
    ops = word_diff(old, new)
    assert (_old(ops), _new(ops)) == (old, new)


def _boundaries(ops: list[tuple[int, str]], side: int) -> set[int]:
    offsets, offset = set(), 0
    for op, text in ops:
        if op in (EQUAL, side):
            offset += len(text)
            offsets.add(offset)
    return offsets


def _token_boundaries(text: str) -> set[int]:
    offsets, offset = {0}, 0
    for token in tokenize(text):
        offset += len(token)
        offsets.add(offset)
    return offsets


@given(tricky_text, tricky_text)
def test_no_change_boundary_falls_inside_a_word(old: str, new: str) -> None:
    ops = word_diff(old, new)
    assert _boundaries(ops, DELETE) <= _token_boundaries(old)
    assert _boundaries(ops, INSERT) <= _token_boundaries(new)


# --- diff_html ------------------------------------------------------------------------------

_OWN_MARKUP = re.compile(
    r'<del><span class="vh">\[deleted: </span>|<ins><span class="vh">\[inserted: </span>'
    r'|<span class="vh">\]</span></(?:del|ins)>'
)


class _DiffReader(HTMLParser):
    """Reads diff_html output back into old and new text, checking the markup on the way."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.old: list[str] = []
        self.new: list[str] = []
        self.labels: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ("del", "ins", "span"), tag
        if tag == "span":
            assert attrs == [("class", "vh")]
            assert self.stack and self.stack[-1] in ("del", "ins")
        else:
            assert not self.stack, "del and ins never nest"
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack.pop() == tag

    def handle_data(self, data: str) -> None:
        if "span" in self.stack:
            self.labels.append(data)
        elif "del" in self.stack:
            self.old.append(data)
        elif "ins" in self.stack:
            self.new.append(data)
        else:
            self.old.append(data)
            self.new.append(data)


def test_diff_html_example() -> None:
    assert diff_html("the cat sat", "the dog sat") == (
        'the <del><span class="vh">[deleted: </span>cat<span class="vh">]</span></del>'
        '<ins><span class="vh">[inserted: </span>dog<span class="vh">]</span></ins> sat'
    )


def test_diff_html_escapes_user_markup() -> None:
    out = diff_html('say <b>"hi"</b> & go', "say <script>alert('x')</script> & go")
    assert "<script>" not in out and "<b>" not in out and "</b>" not in out
    assert "&lt;" in out and "&amp; go" in out and "&#x27;x&#x27;" in out and "&quot;hi" in out


def test_diff_html_of_equal_text_is_just_escaped() -> None:
    assert diff_html("a < b", "a < b") == "a &lt; b"


def test_diff_html_of_empty_texts() -> None:
    assert diff_html("", "") == ""


@given(tricky_text, tricky_text)
def test_diff_html_never_leaks_user_markup(old: str, new: str) -> None:
    out = diff_html(old, new)
    assert "<" not in _OWN_MARKUP.sub("", out)
    assert ">" not in _OWN_MARKUP.sub("", out)


@given(
    st.text(alphabet="ab <>&\"'/;=script", max_size=30),
    st.text(alphabet="ab <>&\"'/;=script", max_size=30),
)
def test_diff_html_reads_back_as_the_two_texts(old: str, new: str) -> None:
    reader = _DiffReader()
    reader.feed(diff_html(old, new))
    reader.close()
    assert not reader.stack
    # Each text as every output shows it: without the spaces at its ends.
    assert "".join(reader.old) == old.strip()
    assert "".join(reader.new) == new.strip()
    assert set(reader.labels) <= {"[deleted: ", "[inserted: ", "]"}


# --- word_delta -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "delta"),
    [
        ("", "", WordDelta(0, 0, 0)),
        ("the cat sat", "the big dog sat", WordDelta(added=2, removed=1, net=1)),
        ("the cat sat", "the cat sat", WordDelta(0, 0, 0)),
        ("It failed, and", "It failed; and", WordDelta(0, 0, 0)),
        ("a two-party coalition", "a coalition", WordDelta(added=0, removed=1, net=-1)),
        ("", "Four new words here.", WordDelta(added=4, removed=0, net=4)),
        ("Gone, all of it.", "", WordDelta(added=0, removed=4, net=-4)),
        # A footnote marker is not a word of the paragraph, wherever the change cuts it.
        ("It was fatal.” 1 Then", "It was fatal. Then", WordDelta(added=0, removed=0, net=0)),
        ("communal life.2", "communal life.3", WordDelta(added=0, removed=0, net=0)),
        ("communal life.2", "communal life.", WordDelta(added=0, removed=0, net=0)),
        # Without the full stop the digit is a word again ("life 2"): only the net figure can
        # see that, as the changed run itself (". " for " ") holds no word.
        ("communal life.2", "communal life 2", WordDelta(added=0, removed=0, net=1)),
    ],
)
def test_word_delta_examples(old: str, new: str, delta: WordDelta) -> None:
    assert word_delta(old, new) == delta


@given(tricky_text, tricky_text)
def test_word_delta_net_is_the_word_count_difference(old: str, new: str) -> None:
    assert word_delta(old, new).net == count_words(new) - count_words(old)


@given(prose, prose)
def test_word_delta_adds_up_for_prose(old: str, new: str) -> None:
    delta = word_delta(old, new)
    assert delta.added >= 0 and delta.removed >= 0
    assert delta.added - delta.removed == delta.net


# --- changed_regions ------------------------------------------------------------------------


def test_changed_regions_examples() -> None:
    assert changed_regions("the cat sat", "the dog sat") == [
        Region(start=2, end=3, deleted="cat", inserted="dog", new_start=2, new_end=3)
    ]
    assert changed_regions("a b", "a b") == []
    assert changed_regions("", "x") == [Region(0, 0, "", "x", 0, 1)]
    assert changed_regions("x", "") == [Region(0, 1, "x", "", 0, 0)]


def test_changed_regions_of_two_separate_changes() -> None:
    regions = changed_regions("one two three four five six", "one TWO three four five SIX")
    assert [(r.deleted, r.inserted) for r in regions] == [("two", "TWO"), ("six", "SIX")]
    assert [(r.start, r.end) for r in regions] == [(2, 3), (10, 11)]


@given(prose, prose)
def test_changed_regions_rebuild_the_new_text(old: str, new: str) -> None:
    old_tokens, new_tokens = tokenize(old), tokenize(new)
    rebuilt: list[str] = []
    cursor = 0
    for region in changed_regions(old, new):
        assert "".join(old_tokens[region.start : region.end]) == region.deleted
        assert "".join(new_tokens[region.new_start : region.new_end]) == region.inserted
        assert region.start >= cursor
        rebuilt.extend(old_tokens[cursor : region.start])
        rebuilt.append(region.inserted)
        cursor = region.end
    rebuilt.extend(old_tokens[cursor:])
    assert "".join(rebuilt) == new


# --- the seed chapter -----------------------------------------------------------------------


def test_every_seed_paragraph_diffs_cleanly_against_itself(seed_paragraphs: list[str]) -> None:
    for text in seed_paragraphs:
        assert word_diff(text, text) == [(EQUAL, text)]
        assert changed_regions(text, text) == []


def test_a_one_word_amendment_to_a_seed_paragraph(seed_paragraphs: list[str]) -> None:
    text = next(t for t in seed_paragraphs if "two-party coalition" in t)
    amended = text.replace("two-party coalition", "three-party coalition")
    regions = changed_regions(text, amended)
    assert [(r.deleted, r.inserted) for r in regions] == [("two-party", "three-party")]
    assert word_delta(text, amended) == WordDelta(added=1, removed=1, net=0)
    assert "<del>" in diff_html(text, amended)


def test_footnoted_seed_paragraph(seed_paragraphs: list[str]) -> None:
    text = next(t for t in seed_paragraphs if "fatal.”\u00a01" in t)
    amended = text.replace("fatal.”\u00a01", "fatal.”\u00a01 Indeed.")
    assert [(r.deleted, r.inserted) for r in changed_regions(text, amended)] == [("", " Indeed.")]
    assert word_delta(text, amended) == WordDelta(added=1, removed=0, net=1)
    # Moving the footnote marker changes no word.
    moved = text.replace("fatal.”\u00a01", "fatal.” 1")
    assert word_delta(text, moved) == WordDelta(added=0, removed=0, net=0)


def test_diff_of_the_whole_chapter_is_exact(seed_paragraphs: list[str]) -> None:
    # Far beyond any one paragraph: 30,000 characters, with changes spread through it.
    old = "\n".join(seed_paragraphs)
    new = "\n".join(
        text.replace(" the ", " a ", 1) if index % 3 == 0 else text
        for index, text in enumerate(seed_paragraphs)
    )
    # How fast is `make bench`'s to say (bench/diffs.py), not a timed assertion's.
    ops = word_diff(old, new)
    assert (_old(ops), _new(ops)) == (old, new)
    changed = [text for op, text in ops if op == DELETE]
    assert len(changed) >= 20 and all("the" in text for text in changed)


def test_diff_of_two_unrelated_long_paragraphs(seed_paragraphs: list[str]) -> None:
    # The worst case for a real paragraph: 5,000 characters rewritten from scratch.
    old = " ".join(seed_paragraphs[:8])[:5000]
    new = " ".join(seed_paragraphs[20:28])[:5000]
    ops = word_diff(old, new)
    assert (_old(ops), _new(ops)) == (old, new)


@given(tricky_text)
def test_tokenize_gives_a_list_of_its_own_each_time(text: str) -> None:
    # The tokens of recent texts are kept: a caller that changes its list changes no other's.
    first = tokenize(text)
    expected = list(first)
    first.append("changed")
    assert tokenize(text) == expected
    assert tokenize(text) is not tokenize(text)


@given(tricky_text)
def test_stored_ops_show_as_the_diff_does(text: str) -> None:
    # The queue shows a stored diff as the amendment page shows one diffed now.
    other = text[: len(text) // 2] + " and more" + text[len(text) // 2 :]
    assert ops_html(stored_ops(text, other)) == diff_html(text, other)
    assert "".join(str(piece) for op, piece in stored_ops(text, other) if op != 1) == (
        trim_edges(text)
    )
