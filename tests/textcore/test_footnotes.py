"""Which notes a change to one paragraph leaves without any reference in the chapter."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from textcore.footnotes import ref_numbers, references_lost, unmark_unreferenced, unreferenced_note

TEXT = st.lists(
    st.sampled_from(["word", " ", "life.", "fatal.”", "\u00a0", "1", "2", "12", "3.5", "."]),
    max_size=20,
).map("".join)


def test_a_deletion_loses_the_notes_only_it_references() -> None:
    old = "It would be fatal.”\u00a01 And life.2 Twice.2"
    assert references_lost(old, "", {}) == [(1, 1), (2, 2)]
    assert references_lost(old, "", {2: 1}) == [(1, 1)]
    assert references_lost(old, "It would be fatal.” And life.2", {}) == [(1, 1)]
    # Only the chapter's notes are references: "life.2" is no reference without a note 2.
    assert references_lost(old, "", {}, known={1}) == [(1, 1)]


def test_the_words_for_an_unreferenced_note_read_back_off() -> None:
    shown = unreferenced_note(3, "An orphaned note.")
    assert shown == "3. An orphaned note. (not referenced in the text)"
    assert unmark_unreferenced(shown.removeprefix("3. ")) == "An orphaned note."


@given(TEXT, TEXT)
def test_only_references_the_old_text_had_and_the_new_lacks_are_lost(old: str, new: str) -> None:
    lost = references_lost(old, new, {})
    assert references_lost(old, old, {}) == []
    assert dict(lost) == {
        number: count
        for number, count in Counter(ref_numbers(old)).items()
        if number not in ref_numbers(new)
    }
    assert references_lost(old, new, {number: 1 for number, _ in lost}) == []
