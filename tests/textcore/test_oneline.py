"""One-line text: direction controls and invisible characters, name skeletons, isolation."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from textcore.oneline import (
    BIDI_CONTROLS,
    FSI,
    PDI,
    balance_isolates,
    describe_characters,
    end_sentence,
    format_characters_in,
    is_format_character,
    isolate,
    name_skeleton,
    one_line,
    strip_format_characters,
)
from textcore.words import has_visible_text


@pytest.mark.parametrize("control", sorted(BIDI_CONTROLS))
def test_every_direction_control_is_removed(control: str) -> None:
    assert strip_format_characters(f"Fix a typo{control} here") == "Fix a typo here"
    assert format_characters_in(f"a{control}b") == [control]


@pytest.mark.parametrize(
    "invisible",
    [
        "\u200b",  # zero width space
        "\u2060",  # word joiner
        "\ufeff",  # byte order mark
        "\u00ad",  # soft hyphen
        "\u180e",  # Mongolian vowel separator
        "\u2062",  # invisible times
        "\u3164",  # Hangul filler
        "\u034f",  # combining grapheme joiner
        "\u2800",  # Braille blank
        "\x07",  # bell
        "\U000e0041",  # a tag character outside a flag
    ],
)
def test_invisible_characters_are_removed(invisible: str) -> None:
    assert strip_format_characters(f"Erin{invisible}Editor") == "ErinEditor"


@pytest.mark.parametrize(
    "text",
    [
        "می\u200cخواهم",  # Persian: the non-joiner keeps two letters apart
        "क्\u200dष",  # Devanagari: the joiner asks for a half form
        "👩\u200d🔬",  # an emoji sequence
        "👩🏽\u200d🔬",  # with a skin tone
        "🏳\ufe0f\u200d🌈",  # a variation selector, then a joiner
        "1\ufe0f\u20e3",  # a keycap
        "✊\ufe0f",
        "🏴\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f",  # the flag of Wales
    ],
)
def test_joiners_and_selectors_doing_visible_work_are_kept(text: str) -> None:
    assert strip_format_characters(text) == text
    assert format_characters_in(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Erin\u200dEditor", "ErinEditor"),  # between ASCII letters a joiner only hides
        ("Erin\u200cEditor", "ErinEditor"),
        ("\u200d👩", "👩"),  # at an edge it joins nothing
        ("👩 \u200d🔬", "👩 🔬"),
        ("\ufe0fErin", "Erin"),  # a selector with nothing before it
    ],
)
def test_joiners_and_selectors_doing_nothing_are_removed(text: str, expected: str) -> None:
    assert strip_format_characters(text) == expected


def test_whitespace_is_left_to_the_caller() -> None:
    assert strip_format_characters("First\nSecond\u2028Third\x85") == "First\nSecond\u2028Third\x85"
    assert one_line(" First \n\u200b Second\t") == "First Second"


def test_the_characters_are_named_for_a_refusal_message() -> None:
    found = format_characters_in("a\u202eb\u200bc\u202ed")
    assert found == ["\u202e", "\u200b"]
    assert describe_characters(found) == "U+202E RIGHT-TO-LEFT OVERRIDE, U+200B ZERO WIDTH SPACE"
    assert describe_characters(["\x07"]) == "U+0007 control character"


@pytest.mark.parametrize(
    "lookalike",
    [
        "Erin Editor",
        "erin editor",
        "ERIN EDITOR",
        "ErinEditor",
        "  Erin   Editor ",
        "Erin\u200bEditor",
        "Erin\u200dEditor",
        "\u202eErin Editor",
        "Ｅｒｉｎ Editor",  # fullwidth
        "Erin\u00a0Editor",
        "Erin\u3000Editor",
        "ℰ𝓇𝒾𝓃 Editor",  # mathematical script
    ],
)
def test_lookalike_names_have_one_skeleton(lookalike: str) -> None:
    assert name_skeleton(lookalike) == name_skeleton("Erin Editor") == "erineditor"


@pytest.mark.parametrize(("one", "other"), [("Erin Editor", "Erin Editors"), ("Ana", "Anna")])
def test_different_names_have_different_skeletons(one: str, other: str) -> None:
    assert name_skeleton(one) != name_skeleton(other)


def test_isolate_wraps_plain_text_in_first_strong_isolate() -> None:
    assert isolate("\u202eevil") == f"{FSI}\u202eevil{PDI}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\u2069\u202eb", "a\u202eb"),  # a PDI that would close the wrapper is dropped
        ("a\u2067b", "a\u2067b\u2069"),  # an isolate left open is closed
        ("a\u2066b\u2069\u2069c", "a\u2066b\u2069c"),
    ],
)
def test_isolates_inside_are_balanced(text: str, expected: str) -> None:
    assert balance_isolates(text) == expected


@pytest.mark.parametrize(
    ("name", "stop"),
    [
        ("Alice", "."),
        ("Alice L.", ""),
        ("Hey!", ""),
        ("Who?", ""),
        ("Wait…", ""),
        ("L. ", ""),
        (f"{FSI}Alice L.{PDI}", ""),
        (f"{FSI}Alice L.{PDI} (editor)", "."),
    ],
)
def test_a_sentence_ends_once(name: str, stop: str) -> None:
    assert end_sentence(name) == stop


# --- properties -------------------------------------------------------------------------------

_any_text = st.text(
    st.characters(blacklist_categories=["Cs"]) | st.sampled_from(sorted(BIDI_CONTROLS)),
    max_size=40,
)


@given(_any_text)
def test_stripping_leaves_no_direction_control_and_is_idempotent(text: str) -> None:
    stripped = strip_format_characters(text)
    assert not BIDI_CONTROLS & set(stripped)
    assert strip_format_characters(stripped) == stripped
    assert format_characters_in(stripped) == []


@given(_any_text)
def test_stripping_only_removes_characters(text: str) -> None:
    stripped = strip_format_characters(text)
    remaining = iter(text)
    assert all(ch in remaining for ch in stripped)  # a subsequence, in order
    assert has_visible_text(stripped) == has_visible_text(text)


@given(_any_text)
def test_every_removed_character_is_a_format_character(text: str) -> None:
    assert all(is_format_character(ch) for ch in format_characters_in(text))


@given(_any_text)
def test_a_skeleton_ignores_case_spacing_and_invisible_characters(text: str) -> None:
    skeleton = name_skeleton(text)
    assert name_skeleton(text.upper().replace(" ", "\u200b")) == name_skeleton(text.upper())
    assert name_skeleton(skeleton) == skeleton
    assert not any(ch.isspace() for ch in skeleton)
    assert unicodedata.normalize("NFKC", skeleton) == skeleton


@given(_any_text)
def test_an_isolated_text_closes_every_isolate_it_opens(text: str) -> None:
    depth = 0
    for ch in isolate(text):
        depth += ch in "\u2066\u2067\u2068"
        depth -= ch == PDI
        assert depth >= 0
        if depth == 0:
            break
    assert depth == 0 and ch == PDI
    assert isolate(text).endswith(PDI)
