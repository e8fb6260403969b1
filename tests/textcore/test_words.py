from pathlib import Path

import pytest

from textcore.chapter_text import parse_chapter
from textcore.words import count_words, has_visible_text, words

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "socialism-and-the-soviet-union.txt"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("   \u00a0 ", 0),
        ("one two three", 3),
        ("don’t can't", 2),
        ("‘War Communism’", 2),
        ("“revolution from above”", 3),
        ("two-party coalition", 2),
        ("Trotsky, 1921-1929", 2),
        ("from 1936-8 when", 3),
        ("2.5 million", 2),
        ("85% of the urban workforce", 5),
        ("land to the peasants – withdrawal", 5),
        ("left—right", 2),
        ("– — …", 0),
        ("etc. i.e., e.g.", 3),
        ("would be fatal.” 1", 3),
        ("would be fatal.”\u00a01", 3),
        ("communal life.2", 2),
        ("them all.3 Next sentence", 4),
        ("Stalin against Bukharin.”\u00a05 When Bukharin", 5),
        ("a\u00a0non-breaking\u00a0space", 3),
        ("New Economic Policy (NEP)", 4),
        ("Party & the State", 3),
        ("killed 2.5 million in 1921. 5 died", 7),
    ],
)
def test_count_words_on_tricky_strings(text: str, expected: int) -> None:
    assert count_words(text) == expected, words(text)


def test_a_footnote_marker_is_not_a_word_but_a_number_in_a_sentence_is() -> None:
    assert words("fatal.” 1") == ["fatal.”"]
    assert words("up to 12 million") == ["up", "to", "12", "million"]


def test_the_seed_chapter_has_5193_words_of_text_and_538_of_footnotes() -> None:
    chapter = parse_chapter(SEED.read_text(encoding="utf-8"))
    text_words = sum(count_words(b.text) for b in chapter.blocks if b.kind != "footnote")
    note_words = sum(count_words(b.text) for b in chapter.footnotes)
    assert text_words == 5193
    assert note_words == 538
    # The editorial note is not chapter text; it is counted nowhere.
    assert count_words(chapter.editorial_note) == 51


@pytest.mark.parametrize(
    ("text", "visible"),
    [
        ("", False),
        (" \t\n", False),
        ("\u200b\u200c\u200d\u2060\ufeff", False),  # zero-width characters
        ("\u00ad\u200e\u200f\u202e\u2066", False),  # soft hyphen, direction marks
        ("\u00a0\u2009\u3000", False),  # non-breaking, thin and ideographic spaces
        ("a", True),
        ("\u0627", True),  # Arabic alef
        ("👍", True),
        ("\u200bx\u200b", True),
    ],
)
def test_visible_text_is_more_than_spaces_and_invisible_marks(text: str, visible: bool) -> None:
    assert has_visible_text(text) is visible
