"""Diff bugs found while building it: one test per bug, named after what broke."""

from __future__ import annotations

from textcore.diff import DELETE, EQUAL, WordDelta, tokenize, word_delta, word_diff


def test_sliding_a_change_to_the_text_end_dropped_the_tokens_it_passed() -> None:
    # Moving a deletion to start at a word ("the " rather than " the") put the passed-over
    # tokens into an equal run that did not exist at the end of the text, and lost them.
    ops = word_diff("the the the", "the the")
    assert ops == [(DELETE, "the "), (EQUAL, "the the")]


def test_a_combining_accent_split_a_word_in_two() -> None:
    # Python's \w does not match combining marks, so a decomposed "café" was two tokens and a
    # change could mark half of it.
    assert tokenize("cafe\u0301 noir") == ["cafe\u0301", " ", "noir"]
    assert word_diff("cafe\u0301 noir", "cafe\u0301s noirs")[0] == (DELETE, "cafe\u0301 noir")


def test_a_combining_accent_before_a_hyphen_split_the_word() -> None:
    # Found by hypothesis ("1\u0301-1"): after gluing the accent back, the hyphen and the rest
    # of the word stayed separate tokens, because the pattern had stopped at the accent.
    assert tokenize("1\u0301-1 a\u0301’s") == ["1\u0301-1", " ", "a\u0301’s"]
    assert tokenize("1\u0301.5 life\u0301.2") == ["1\u0301.5", " ", "life\u0301", ".", "2"]


def test_a_footnote_marker_in_a_changed_run_counted_as_a_word() -> None:
    # Counting the words of "” 1" on its own saw "1" as a word; in the paragraph it is the
    # marker of note 1, which count_words skips.
    assert word_delta("It was fatal.” 1 Then", "It was fatal. Then") == WordDelta(0, 0, 0)
    assert word_delta("communal life.2", "communal life.3") == WordDelta(0, 0, 0)


def test_an_added_sentence_is_marked_after_the_full_stop_not_around_it() -> None:
    # Found by looking at the propose page: "link[. Workers mattered]." read oddly; a reader
    # expects "link.[ Workers mattered.]".
    from textcore.diff import word_diff

    assert word_diff("weakest link.", "weakest link. Workers mattered.") == [
        (0, "weakest link."),
        (1, " Workers mattered."),
    ]
