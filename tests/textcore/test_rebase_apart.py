"""The rebase's shortcut from stored spans (``rebase_apart``) against the full rebase: wherever
it answers, the full path must give the same text, and ``change_spans`` of the new texts the
spans it moved; where the changes could meet, it must leave the answer to the full path."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from textcore.rebase import _only_place, change_spans, rebase, rebase_apart, spans_compete

# Few, repeated words and punctuation, where readings are ambiguous; twin sentences, where a
# deleted or repeated sentence slides.
WORDS = ["the", "cat", "sat", "on", "a", "mat", "dog", "red"]
PIECES = [*WORDS, ",", ".", " "]
SENTENCES = ["The war ended.", "The war went on.", "Workers voted.", "The war ended."]


def _holds(base: str, proposed: str, current: str) -> bool:
    """Check the shortcut against the full path; True if the shortcut answered."""
    apart = rebase_apart(base, proposed, current, change_spans(base, proposed))
    if apart is None:
        return False
    full = rebase(base, proposed, current)
    assert full.clean
    assert full.text == apart.text
    assert change_spans(current, apart.text) == apart.spans
    return True


def _join(pieces: list[str]) -> str:
    return " ".join(pieces).replace(" ,", ",").replace(" .", ".")


@st.composite
def three_texts(draw: st.DrawFn, pieces: list[str], size: int) -> tuple[str, str, str]:
    """A base of ``pieces`` and two texts each made by up to three edits of it."""
    base = draw(st.lists(st.sampled_from(pieces), max_size=size))

    def amend() -> list[str]:
        edited = list(base)
        for _ in range(draw(st.integers(0, 3))):
            start = draw(st.integers(0, len(edited)))
            end = draw(st.integers(start, min(len(edited), start + 3)))
            edited[start:end] = draw(st.lists(st.sampled_from(pieces), max_size=3))
        return edited

    return _join(base), _join(amend()), _join(amend())


@settings(max_examples=1500, deadline=None)
@given(three_texts(PIECES, 16))
def test_the_shortcut_gives_the_full_rebase_on_repeated_words(texts: tuple[str, str, str]) -> None:
    _holds(*texts)


@settings(max_examples=800, deadline=None)
@given(three_texts(["x", "y", "x", " ", "."], 14))
def test_the_shortcut_gives_the_full_rebase_on_two_words(texts: tuple[str, str, str]) -> None:
    _holds(*texts)


@settings(max_examples=500, deadline=None)
@given(three_texts(SENTENCES, 7))
def test_the_shortcut_gives_the_full_rebase_on_twin_sentences(
    texts: tuple[str, str, str],
) -> None:
    _holds(*texts)


@st.composite
def seed_edits(draw: st.DrawFn, paragraphs: list[str]) -> tuple[str, str, str]:
    """A seed paragraph and two edits of its words (a word, a phrase, a sentence's worth)."""
    base = draw(st.sampled_from(paragraphs))
    words = base.split(" ")
    vocabulary = st.sampled_from([*words[:12], "new", "workers", "the"])

    def amend() -> str:
        edited = list(words)
        for _ in range(draw(st.integers(1, 2))):
            start = draw(st.integers(0, len(edited)))
            end = draw(st.integers(start, min(len(edited), start + draw(st.integers(0, 12)))))
            edited[start:end] = draw(st.lists(vocabulary, max_size=4))
        return " ".join(edited)

    return base, amend(), amend()


def test_the_shortcut_gives_the_full_rebase_on_the_seed_paragraphs(
    seed_paragraphs: list[str],
) -> None:
    long = [text for text in seed_paragraphs if len(text.split()) > 40]
    answered = []

    @settings(max_examples=300, deadline=None)
    @given(seed_edits(long))
    def check(texts: tuple[str, str, str]) -> None:
        answered.append(_holds(*texts))

    check()
    # Two edits of a long paragraph mostly lie apart: the shortcut must be taken, not only
    # stay correct by never answering.
    assert sum(answered) > len(answered) / 3


def test_the_shortcut_answers_for_an_edit_before_and_after_the_accepted_one() -> None:
    base = "One two three four five six seven."
    current = "One two three four and a half five six seven."
    earlier = "One TWO three four five six seven."
    before = rebase_apart(base, earlier, current, change_spans(base, earlier))
    assert before is not None
    assert before.text == "One TWO three four and a half five six seven."
    assert before.spans == change_spans(base, earlier) == [(2, 4)]
    later = "One two three four five six SEVEN."
    after = rebase_apart(base, later, current, change_spans(base, later))
    assert after is not None
    assert after.text == "One two three four and a half five six SEVEN."
    # Three words came in before it: its spans move three words on.
    assert change_spans(base, later) == [(12, 14)]
    assert after.spans == change_spans(current, after.text) == [(18, 20)]
    assert rebase_apart(base, later, current, []) is None  # no stored spans: the full path


def test_the_shortcut_takes_changes_on_both_sides_of_the_accepted_one() -> None:
    base = "One two three four five six seven."
    current = "One two three FOUR five six seven."
    around = "ONE two three four five six SEVEN."
    assert not spans_compete(change_spans(base, current), change_spans(base, around))
    apart = rebase_apart(base, around, current, change_spans(base, around))
    assert apart is not None
    assert apart.text == rebase(base, around, current).text == "ONE two three FOUR five six SEVEN."
    assert apart.spans == change_spans(current, apart.text)


def test_the_shortcut_leaves_meeting_changes_to_the_full_path() -> None:
    base = "One two three four five six seven."
    current = "One two three FOUR five six seven."
    touching = "One two three four FIVE six seven."
    assert spans_compete(change_spans(base, current), change_spans(base, touching))
    assert rebase_apart(base, touching, current, change_spans(base, touching)) is None


def test_a_stretch_is_placed_only_where_it_occurs_once() -> None:
    # Where the accepted change's stretch could lie twice in the author's text, which one is
    # the base's is for the readings to say: the shortcut does not guess.
    passage, text = ("b", " ", "c"), ("a", " ", "b", " ", "c", " ", "b", " ", "c")
    assert _only_place(passage, text, at_start=False, at_end=False) is None
    assert _only_place(passage, text[:6], at_start=False, at_end=False) == 2
    assert _only_place(passage, text, at_start=False, at_end=True) == 6
    assert _only_place(passage, text, at_start=True, at_end=False) is None


def test_the_shortcut_refuses_spans_that_do_not_fit_the_texts() -> None:
    # Spans stored for other texts (out of date) never produce a text: the sides are checked.
    base = "One two three four five six seven."
    current = "One two three FOUR five six seven."
    proposed = "One two three four five six SEVEN."
    assert rebase_apart(base, proposed, current, [(2, 4)]) is None
