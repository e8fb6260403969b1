"""Stored change spans: the review queue's competing test without diffs, and the rebase
search's shortcut. Both must agree exactly with the merge they stand in for."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from textcore.diff import tokenize
from textcore.rebase import (
    OVERLAP,
    _never_apart,
    _read_together,
    _Zones,
    change_spans,
    competing,
    spans_compete,
)

# Few, repeated words and punctuation: where alignments are ambiguous.
WORDS = ["the", "cat", "sat", "on", "a", "mat", "dog", "red"]
PIECES = [*WORDS, ",", ".", " "]

# Counterexamples found by hypothesis, too rare to rely on drawing them again.
# Every reading of the second change keeps both "cat"s of the base, but not in one place:
# the merge cannot cut there, so the spans must not either.
A_WORD_KEPT_IN_TWO_PLACES = ("cat cat", "cat the cat", "the the cat cat cat the")


@st.composite
def three_texts(draw: st.DrawFn) -> tuple[str, str, str]:
    base = draw(st.lists(st.sampled_from(PIECES), max_size=14))

    def amend() -> list[str]:
        edited = list(base)
        for _ in range(draw(st.integers(0, 3))):
            start = draw(st.integers(0, len(edited)))
            end = draw(st.integers(start, min(len(edited), start + 3)))
            edited[start:end] = draw(st.lists(st.sampled_from(PIECES), max_size=3))
        return edited

    def text(pieces: list[str]) -> str:
        return " ".join(pieces).replace(" ,", ",").replace(" .", ".")

    return text(base), text(amend()), text(amend())


@settings(max_examples=400, deadline=None)
@given(three_texts())
@example(A_WORD_KEPT_IN_TWO_PLACES)
def test_spans_compete_exactly_when_the_merge_finds_a_zone_both_may_change(
    texts: tuple[str, str, str],
) -> None:
    base, first, second = texts
    zones = _Zones(tokenize(base), tokenize(first), tokenize(second))
    both = any(by_first and by_second for by_first, by_second in zones.changed_by)
    assert spans_compete(change_spans(base, first), change_spans(base, second)) == both


@settings(max_examples=400, deadline=None)
@given(three_texts())
@example(A_WORD_KEPT_IN_TWO_PLACES)
def test_spans_never_miss_a_competing_pair(texts: tuple[str, str, str]) -> None:
    base, first, second = texts
    if competing(base, first, second):
        assert spans_compete(change_spans(base, first), change_spans(base, second))


@settings(max_examples=400, deadline=None)
@given(three_texts())
def test_spans_compete_is_symmetric(texts: tuple[str, str, str]) -> None:
    base, first, second = texts
    a, b = change_spans(base, first), change_spans(base, second)
    assert spans_compete(a, b) == spans_compete(b, a)


def test_spans_examples() -> None:
    base = "the cat sat on the mat"
    assert change_spans(base, base) == []
    # Word 1 (position 3) goes, and "dog" comes in the stretch before or after it (2 or 4):
    # a replacement can be read with its insertion on either side of what it deletes.
    assert change_spans(base, "the dog sat on the mat") == [(2, 4)]
    assert spans_compete(
        change_spans(base, "the dog sat on the mat"), change_spans(base, "the cow sat on the mat")
    )
    assert not spans_compete(
        change_spans(base, "the dog sat on the mat"), change_spans(base, "the cat sat on a mat")
    )
    # Neighbouring words with nothing unchanged between them touch.
    assert spans_compete(
        change_spans(base, "the dog sat on the mat"), change_spans(base, "the cat lay on the mat")
    )


@settings(max_examples=400, deadline=None)
@given(three_texts())
def test_the_search_shortcut_only_skips_searches_that_would_fail(
    texts: tuple[str, str, str],
) -> None:
    base, current, proposed = (tokenize(text) for text in texts)
    if _never_apart(base, current, proposed):
        assert _read_together(base, current, proposed, None, None) == (None, OVERLAP)


def test_the_search_shortcut_on_two_sentences_added_at_one_place() -> None:
    base = tokenize("One. Two. Three.")
    current = tokenize("One. Two. Added here. Three.")
    proposed = tokenize("One. Two. Also added here. Three.")
    assert _never_apart(base, current, proposed)
    assert _read_together(base, current, proposed, None, None) == (None, OVERLAP)
    # Added after different sentences, a word lies between them wherever they slide.
    elsewhere = tokenize("One. Added first. Two. Three.")
    assert not _never_apart(base, current, elsewhere)
