"""The reference numbering: ¶ labels and line numbers that stay put while the text changes."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from textcore.chapter_text import decode_chapter, parse_chapter
from textcore.lines import break_lines
from textcore.reference import (
    Citation,
    ReferenceBlock,
    changed_range,
    cite,
    find_line,
    letters,
    line_labels,
    line_range,
    next_line,
    number_reference,
    paragraph_labels,
)

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "socialism-and-the-soviet-union.txt"

_words = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12), min_size=1
).map(" ".join)


def _seed_blocks() -> list[ReferenceBlock]:
    parsed = parse_chapter(decode_chapter(SEED.read_bytes()))
    return [ReferenceBlock(i, b.kind, b.text) for i, b in enumerate(parsed.blocks, start=1)]


def test_the_seed_chapter_has_450_lines_at_80_characters_and_73_numbered_paragraphs():
    numbers = number_reference(_seed_blocks(), 80)
    assert next_line(numbers.values()) - 1 == 450
    assert max(n.number for n in numbers.values() if n.number) == 73
    # Headings take lines but no ¶ number; notes take neither.
    blocks = {b.key: b for b in _seed_blocks()}
    for key, number in numbers.items():
        kind = blocks[key].kind
        assert (number.number is not None) == (kind == "body")
        assert (number.first_line is not None) == (kind in ("body", "heading"))


def test_lines_run_on_and_can_start_where_another_chapter_ended():
    blocks = [
        ReferenceBlock(1, "heading", "A heading"),
        ReferenceBlock(2, "body", "word " * 40),
        ReferenceBlock(3, "footnote", "A note."),
        ReferenceBlock(4, "body", "short"),
    ]
    numbers = number_reference(blocks, 80, first_line=101)
    assert [(n.number, n.first_line, n.line_count) for n in numbers.values()] == [
        (None, 101, 1),
        (1, 102, 3),
        (None, None, 0),
        (2, 105, 1),
    ]
    assert next_line(numbers.values(), 101) == 106
    assert next_line([], 7) == 7


def test_letters_count_like_columns_of_a_spreadsheet():
    assert [letters(i) for i in (1, 2, 26, 27, 28, 52, 53)] == [
        "a",
        "b",
        "z",
        "aa",
        "ab",
        "az",
        "ba",
    ]


def test_inserted_paragraphs_are_named_after_the_one_before_and_deleted_ones_keep_theirs():
    rows = [
        (1, "body", 1),
        (9, "heading", None),
        (2, "body", 2),  # deleted since the reference: still ¶ 2, a gap
        (10, "body", None),  # inserted after ¶ 2
        (11, "body", None),
        (3, "body", 3),
        (4, "footnote", None),
        (12, "body", None),
    ]
    assert paragraph_labels(rows) == {1: "1", 2: "2", 10: "2a", 11: "2b", 3: "3", 12: "3a"}
    assert paragraph_labels([(5, "body", None)]) == {5: "0a"}


def test_an_unchanged_paragraph_keeps_its_reference_line_numbers():
    text = "word " * 50
    assert line_labels(text, text, 40, 80) == ("40", "41", "42", "43")
    assert line_labels("new text", "", None, 80) == ("",)


def test_a_changed_paragraph_is_numbered_by_the_reference_lines_its_lines_begin_in():
    reference = " ".join(f"w{i:02d}" for i in range(60))  # 4 characters a word
    lines = break_lines(reference, 40)
    assert len(lines) == 6
    # Forty words inserted at the start of the second line: the new lines in between all
    # begin in reference line 11 (the second), so they are 11a, 11b…; the rest keep theirs.
    cut = lines[1].start
    longer = reference[:cut] + "new " * 40 + reference[cut:]
    labels = line_labels(longer, reference, 10, 40)
    assert labels[0] == "10"
    assert labels[-1] == "15"
    assert [label for label in labels if label[-1].isalpha()] == [
        "11a",
        "11b",
        "11c",
        "11d",
    ]
    # Deleting the second and third reference lines leaves a gap: 10, then 13 onwards.
    shorter = reference[: lines[1].start] + reference[lines[3].start :]
    assert line_labels(shorter, reference, 10, 40) == ("10", "13", "14", "15")


@settings(max_examples=200, deadline=None)
@given(_words, _words, st.integers(min_value=1, max_value=5000), st.sampled_from([20, 40, 80]))
def test_line_labels_are_one_per_line_and_never_go_backwards(text, reference, first, width):
    labels = line_labels(text, reference, first, width)
    assert len(labels) == len(break_lines(text, width))
    numbers = [int(label.rstrip("abcdefghijklmnopqrstuvwxyz")) for label in labels]
    assert numbers == sorted(numbers)
    reference_count = max(1, len(break_lines(reference, width)))
    assert all(first <= n < first + reference_count for n in numbers)
    assert len(set(labels)) == len(labels)


@settings(max_examples=200, deadline=None)
@given(_words, st.data())
def test_a_citation_of_an_unchanged_paragraph_names_the_lines_the_characters_are_on(text, data):
    start = data.draw(st.integers(min_value=0, max_value=len(text)))
    end = data.draw(st.integers(min_value=start, max_value=len(text)))
    lines = break_lines(text, 20)
    cited = cite(text, text, 7, start, end, 20)
    assert cited is not None
    first, last = cited
    assert 7 <= first <= last <= 7 + len(lines) - 1
    if start < end:
        touched = [7 + i for i, line in enumerate(lines) if line.start < end and start < line.end]
        if touched:
            assert (first, last) == (touched[0], touched[-1])


def test_a_citation_of_a_changed_paragraph_points_into_the_reference_text():
    reference = " ".join(f"w{i:02d}" for i in range(60))
    lines = break_lines(reference, 40)
    edited = "Some new words at the start. " + reference
    target = edited.index("w20")
    assert reference.index("w20") in range(lines[2].start, lines[2].end)
    assert cite(edited, reference, 100, target, target + 3, 40) == (102, 102)
    assert cite("x", "", None, 0, 1, 40) is None


def test_the_changed_range_is_what_lies_between_the_common_beginning_and_end():
    assert changed_range("the cat sat", "the dog sat") == (4, 7)
    assert changed_range("the cat sat", "the cat sat down") == (11, 11)
    assert changed_range("abc", "abc") == (3, 3)
    assert changed_range("a b c", "") == (0, 5)


def test_citations_read_as_people_write_them():
    assert str(Citation("¶ 9", 123, 125)) == "¶ 9, lines 123–125"
    assert str(Citation("¶ 9", 123, 123)) == "¶ 9, line 123"
    assert str(Citation("¶ 9", 125, 125, after=True)) == "after ¶ 9, line 125"
    assert str(Citation("¶ 10a", None, None)) == "¶ 10a"
    assert line_range(None, 3) == ""


def test_find_line_finds_the_paragraph_holding_a_line():
    rows = [(1, 1, 3), (2, None, 0), (3, 4, 2)]
    assert [find_line(rows, n) for n in (1, 3, 4, 5, 6, 0)] == [1, 1, 3, 3, None, None]
