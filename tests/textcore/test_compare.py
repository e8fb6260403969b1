"""The chapter compare: paragraphs matched by id, in reading order, each change marked."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from textcore.compare import Block, Change, compare_blocks

HEADING = Block(1, "a", "heading", "War Communism")
FIRST = Block(2, "b", "body", "The revolution faced a myriad of problems.")
SECOND = Block(3, "c", "body", "Lenin argued for a retreat.")
NOTE = Block(4, "z", "footnote", "1. Full quote: words words words.", counted=False)
BEFORE = [HEADING, FIRST, SECOND, NOTE]


def test_the_same_text_has_no_changes() -> None:
    comparison = compare_blocks(BEFORE, BEFORE)
    assert not comparison.has_changes
    assert [block.change for block in comparison.blocks] == [Change.SAME] * 4
    assert comparison.words_before == comparison.words_after == 2 + 7 + 5
    assert (comparison.words_added, comparison.words_removed) == (0, 0)


def test_a_changed_paragraph_is_a_word_diff() -> None:
    changed = Block(2, "b", "body", "The revolution faced a multitude of problems.")
    comparison = compare_blocks(BEFORE, [HEADING, changed, SECOND, NOTE])
    block = comparison.blocks[1]
    assert block.change == Change.CHANGED
    assert "[deleted: </span>myriad" in block.html and "[inserted: </span>multitude" in block.html
    assert (block.added, block.removed) == (1, 1)
    assert (comparison.changed, comparison.inserted, comparison.deleted) == (1, 0, 0)


def test_inserted_and_deleted_paragraphs_keep_their_place_in_reading_order() -> None:
    inserted = Block(5, "bm", "body", "A new paragraph of five words.")
    comparison = compare_blocks(BEFORE, [HEADING, inserted, SECOND, NOTE])
    assert [(b.id, b.change) for b in comparison.blocks] == [
        (1, Change.SAME),
        (2, Change.DELETED),
        (5, Change.INSERTED),
        (3, Change.SAME),
        (4, Change.SAME),
    ]
    deleted, added = comparison.blocks[1], comparison.blocks[2]
    assert deleted.after is None and "<del>" in deleted.html and "<ins>" not in deleted.html
    assert added.before is None and "<ins>" in added.html and "<del>" not in added.html
    assert (comparison.words_added, comparison.words_removed) == (6, 7)
    assert comparison.words_after - comparison.words_before == 6 - 7


def test_footnotes_that_do_not_count_add_no_words() -> None:
    note = Block(4, "z", "footnote", "1. Full quote: other words.", counted=False)
    comparison = compare_blocks(BEFORE, [HEADING, FIRST, SECOND, note])
    assert comparison.blocks[3].change == Change.CHANGED
    assert (comparison.words_added, comparison.words_removed) == (0, 0)


def test_text_is_escaped_whether_it_changed_or_not() -> None:
    hostile = Block(2, "b", "body", "<script>alert(1)</script> & more")
    same = compare_blocks([hostile], [hostile]).blocks[0].html
    changed = compare_blocks([hostile], [Block(2, "b", "body", "<b>bold</b> & more")])
    assert "<script>" not in same and "&lt;script&gt;" in same
    assert "<script>" not in changed.blocks[0].html and "<b>" not in changed.blocks[0].html


_blocks = st.lists(
    st.tuples(st.integers(0, 30), st.text(min_size=0, max_size=40)), max_size=12
).map(lambda rows: [Block(pk, f"{pk:03d}", "body", text) for pk, text in dict(rows).items()])


@given(_blocks, _blocks)
def test_every_paragraph_of_either_moment_appears_once_in_order(before, after) -> None:
    comparison = compare_blocks(before, after)
    ids = [block.id for block in comparison.blocks]
    assert ids == sorted({b.id for b in before} | {b.id for b in after})
    assert not compare_blocks(after, after).has_changes
