"""Rebase bugs found while building it: one test per bug, named after what broke."""

from __future__ import annotations

from textcore.diff import tokenize
from textcore.rebase import (
    AMBIGUOUS,
    Collision,
    RebaseResult,
    change_spans,
    competing,
    rebase,
    spans_compete,
)

# Sentences of the seed chapter (¶ 1 and footnote 1).
INSURRECTION = (
    "The socialist insurrection in October 1917 that created the basis for the Soviet Union "
    "was a genuinely popular revolution."
)
NOT_A_COUP = "Not an unrepresentative coup as critics of the revolution often maintain."
WEDGE = (
    "or whether they will permit the new bourgeoisie to drive a wedge between them and the "
    "working class, to split them off from the working class."
)


def test_trimming_the_shared_prefix_hid_the_clean_reading_of_a_repeated_word() -> None:
    # Trimming the tokens all three texts share before searching fixed dmp's reading of
    # "problems problems." → "problems." (the second one deleted), so the author's sentence
    # added after the full stop collided. Deleting "problems " is the one natural reading
    # and leaves a word in between.
    base = "From the outset, the revolution faced a myriad of problems problems."
    accepted = "From the outset, the revolution faced a myriad of problems."
    authored = base + " First and foremost, Russia was backward."
    merged = accepted + " First and foremost, Russia was backward."
    assert rebase(base, authored, accepted) == RebaseResult(True, merged)
    assert rebase(base, accepted, authored) == RebaseResult(True, merged)
    # "x x x" → "x x" lost its first x or its last, equally naturally: the search still sees
    # the reading that keeps the author's change apart, so the conflict is ambiguous.
    assert [c.kind for c in rebase("x x x", "x x y", "x x").collisions] == [AMBIGUOUS]


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


def test_searching_every_reading_of_a_long_paragraph_was_slow(
    seed_paragraphs: list[str], passages_read: list[int]
) -> None:
    # The search once read the whole paragraph: 0.75 s for the longest seed paragraph and
    # 4 s for 2,000 characters. It now re-reads only the colliding zones and 40 tokens around.
    # Measured in the passages read, not in seconds (a loaded machine is slow at anything).
    base = " ".join(seed_paragraphs[:12])
    words = base.split(" ")
    middle = len(words) // 2
    accepted = " ".join([*words[:middle], "ACCEPTED", *words[middle + 1 :]])
    authored = " ".join([*words[:middle], "AUTHORED", *words[middle + 1 :]])
    assert not rebase(base, authored, accepted).clean
    assert passages_read, "the readings were not searched at all"
    assert max(passages_read) < 200 < len(tokenize(base)) / 4


def test_the_windowed_search_still_finds_a_clean_reading_inside_a_long_paragraph(
    seed_paragraphs: list[str],
) -> None:
    words = " ".join(seed_paragraphs[:12]).split(" ")
    middle = len(words) // 2

    def paragraph(inner: str) -> str:
        return " ".join([*words[:middle], inner, *words[middle:]])

    result = rebase(paragraph("x x. Y"), paragraph("x x. Z"), paragraph("x. Y"))
    assert result.text == paragraph("x. Z")


def test_two_search_windows_that_touched_lost_the_word_between_them() -> None:
    # Two repeated-word changes about 40 words apart got search windows that met end to
    # end, and the unchanged word on their common border was dropped from the merge.
    for length in range(30, 60):
        filler = " ".join(f"w{number}" for number in range(length))
        result = rebase(f"x x. {filler} y y.", f"x x. z {filler} y y z.", f"x. {filler} y.")
        assert result.text == f"x. z {filler} y z.", length


# --- the accepted change can be read in more than one way -------------------------------------


def test_deleting_one_of_twin_sentences_carried_the_edit_of_the_deleted_twin_into_the_other() -> (
    None
):
    # The accepted amendment deleted a doubled sentence. Which twin went cannot be told: the
    # diff shows either as naturally. The author had edited the second twin; the merge read
    # the deletion as taking the first, and carried the edit into the sentence that remained.
    base = f"{INSURRECTION} {NOT_A_COUP} {NOT_A_COUP}"
    accepted = f"{INSURRECTION} {NOT_A_COUP}"
    authored = f"{INSURRECTION} {NOT_A_COUP} {NOT_A_COUP.replace('often', 'still')}"
    for result in (rebase(base, authored, accepted), rebase(base, accepted, authored)):
        assert not result.clean
        assert [collision.kind for collision in result.collisions] == [AMBIGUOUS]
    # The collision shows the whole passage that can be read in more than one way.
    assert rebase(base, authored, accepted).collisions == [
        Collision(
            deleted=f"{NOT_A_COUP} {NOT_A_COUP}",
            inserted=f"{NOT_A_COUP} {NOT_A_COUP.replace('often', 'still')}",
            current=NOT_A_COUP,
            kind=AMBIGUOUS,
        )
    ]
    assert competing(base, accepted, authored)
    assert spans_compete(change_spans(base, accepted), change_spans(base, authored))
    # An edit of the sentence before the twins is carried as before.
    elsewhere = base.replace("genuinely", "truly")
    assert rebase(base, elsewhere, accepted) == RebaseResult(
        True, accepted.replace("genuinely", "truly")
    )


def test_a_sentence_repeated_beside_itself_took_the_authors_edit_to_an_arbitrary_copy() -> None:
    # The accepted amendment repeated a sentence. The author had edited that sentence: read
    # as the first copy, the edit lands in it; read as the second, in the other. The merge
    # kept whichever text sorted first.
    base = f"{INSURRECTION} {NOT_A_COUP}"
    accepted = f"{INSURRECTION} {NOT_A_COUP} {NOT_A_COUP}"
    authored = f"{INSURRECTION} {NOT_A_COUP.replace('often', 'still')}"
    for result in (rebase(base, authored, accepted), rebase(base, accepted, authored)):
        assert not result.clean
        assert [collision.kind for collision in result.collisions] == [AMBIGUOUS]
    assert spans_compete(change_spans(base, accepted), change_spans(base, authored))


def test_cutting_a_repeated_phrase_carried_the_edit_of_the_cut_occurrence() -> None:
    # "… the working class, to split them off from the working class." lost its repetition:
    # as naturally the first "the working class, to split them off from " as the end. The
    # author had edited the first "working class"; the merge read the cut as the end one.
    accepted = WEDGE.replace(", to split them off from the working class.", ".")
    authored = WEDGE.replace("and the working class,", "and the urban working class,")
    for result in (rebase(WEDGE, authored, accepted), rebase(WEDGE, accepted, authored)):
        assert not result.clean
        assert [collision.kind for collision in result.collisions] == [AMBIGUOUS]
    assert spans_compete(change_spans(WEDGE, accepted), change_spans(WEDGE, authored))


def test_an_insertion_repeating_the_next_word_was_read_away_from_the_authors_edit() -> None:
    # "the very difficult task" became "the very, very difficult task": the diff shows the
    # new "very, " before the old "very", next to the author's change of "the". The merge
    # read it as ", very" after the old one, one word away, and let both stand.
    base = "Russia was faced with the very difficult task of building a socialist society."
    accepted = base.replace("the very difficult", "the very, very difficult")
    authored = base.replace("with the very", "with a very")
    for result in (rebase(base, authored, accepted), rebase(base, accepted, authored)):
        assert not result.clean
        assert [collision.kind for collision in result.collisions] == [AMBIGUOUS]
    assert spans_compete(change_spans(base, accepted), change_spans(base, authored))
    # A change of "difficult" touches the insertion read as ", very", but not the natural
    # reading, and every reading that keeps them apart gives one text: it is carried.
    later = base.replace("difficult task", "daunting task")
    assert rebase(base, later, accepted) == RebaseResult(
        True, accepted.replace("difficult task", "daunting task")
    )


# --- the stored spans the review queue compares -------------------------------------------------


def test_a_word_every_reading_keeps_but_in_different_places_hid_a_competing_pair() -> None:
    # "cat cat" → "the the cat cat cat the" keeps both base words under every minimal reading,
    # but as the first and second or the second and third "cat" of the new text. The spans
    # took each kept word as separating the changes around it, so an insertion between the
    # two words did not compete; the merge, which cuts only at words kept in one place, finds
    # two texts and refuses. The review queue did not flag the pair.
    base, first, second = "cat cat", "cat the cat", "the the cat cat cat the"
    assert competing(base, first, second)
    assert [collision.kind for collision in rebase(base, second, first).collisions] == [AMBIGUOUS]
    # The words kept in two places are marked too: no unmarked word stands between the gaps.
    assert change_spans(base, second) == [(0, 1), (3, 4)]
    assert spans_compete(change_spans(base, first), change_spans(base, second))
    assert spans_compete(change_spans(base, second), change_spans(base, first))
