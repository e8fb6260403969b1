"""Rebase bugs found while building it: one test per bug, named after what broke."""

from __future__ import annotations

import time

from textcore.rebase import RebaseResult, competing, rebase


def test_trimming_the_shared_prefix_hid_the_clean_reading_of_a_repeated_word() -> None:
    # Trimming the tokens all three texts share before searching fixed dmp's reading of
    # "x x x" → "x x" (the last x deleted), so the author's change of the last x collided.
    # Deleting the first x is as true a reading and leaves an x in between.
    assert rebase("x x x", "x x y", "x x") == RebaseResult(True, "x y")
    assert rebase("x x x", "x x", "x x y") == RebaseResult(True, "x y")


def test_identical_amendments_merged_into_a_text_neither_author_wrote() -> None:
    # With any alignment allowed, one side's change was read as a scatter of edits elsewhere
    # and two identical amendments merged into "the a the a". Readings are now minimal.
    result = rebase("the the a the the a", "the a the the a", "the a the the a")
    assert not result.clean
    assert competing("the the a the the a", "the a the the a", "the a the the a")


def test_a_change_read_as_scattered_pieces_was_applied_twice() -> None:
    # Both amendments delete "the a" in the middle. Deleting one "the" and one "a" far apart
    # is as short an edit, and two such readings fitted side by side, merging to "the a".
    # Minimal readings now also have the fewest separate change regions.
    assert not rebase("the the the a a a", "the the a a", "the the a a").clean


def test_searching_every_reading_of_a_long_paragraph_was_slow(seed_paragraphs: list[str]) -> None:
    # The search once read the whole paragraph: 0.75 s for the longest seed paragraph and
    # 4 s for 2,000 characters. It now re-reads only the colliding zones and 40 tokens around.
    base = " ".join(seed_paragraphs[:12])
    words = base.split(" ")
    middle = len(words) // 2
    accepted = " ".join([*words[:middle], "ACCEPTED", *words[middle + 1 :]])
    authored = " ".join([*words[:middle], "AUTHORED", *words[middle + 1 :]])
    started = time.perf_counter()
    assert not rebase(base, authored, accepted).clean
    assert time.perf_counter() - started < 0.5


def test_the_windowed_search_still_finds_a_clean_reading_inside_a_long_paragraph(
    seed_paragraphs: list[str],
) -> None:
    words = " ".join(seed_paragraphs[:12]).split(" ")
    middle = len(words) // 2

    def paragraph(inner: str) -> str:
        return " ".join([*words[:middle], inner, *words[middle:]])

    result = rebase(paragraph("x x x"), paragraph("x x y"), paragraph("x x"))
    assert result.text == paragraph("x y")


def test_two_search_windows_that_touched_lost_the_word_between_them() -> None:
    # Two repeated-word collisions about 40 words apart got search windows that met end to
    # end, and the unchanged word on their common border was dropped from the merge.
    for length in range(30, 60):
        filler = " ".join(f"w{number}" for number in range(length))
        result = rebase(f"x x x {filler} y y y", f"x x z {filler} z y y", f"x x {filler} y y")
        assert result.text == f"x z {filler} z y", length
