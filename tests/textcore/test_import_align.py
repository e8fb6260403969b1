"""Aligning a revised draft with the current paragraphs: invariants (hypothesis) and the seed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from textcore.align import Step, align_paragraphs, comparable_text, keep_old_form

WORDS = st.sampled_from(["the", "party", "workers", "state", "Soviet", "plan", "1921", "land"])
PARAGRAPH = st.tuples(
    st.sampled_from(["heading", "body"]),
    st.lists(WORDS, min_size=1, max_size=12).map(" ".join),
)


def _check_invariants(
    old: list[tuple[str, str]], new: list[tuple[str, str]], steps: list[Step]
) -> None:
    assert [s.old for s in steps if s.old is not None] == list(range(len(old)))
    assert [s.new for s in steps if s.new is not None] == list(range(len(new)))
    for step in steps:
        assert (step.old is None) == (step.op == "inserted")
        assert (step.new is None) == (step.op == "deleted")
        if step.op == "unchanged":
            assert step.old is not None and step.new is not None
            assert old[step.old] == new[step.new]
        if step.op == "changed":
            assert step.old is not None and step.new is not None
            assert old[step.old][0] == new[step.new][0]
            assert old[step.old] != new[step.new]


@given(st.lists(PARAGRAPH, max_size=12), st.lists(PARAGRAPH, max_size=12))
def test_every_paragraph_appears_once_in_order(
    old: list[tuple[str, str]], new: list[tuple[str, str]]
) -> None:
    _check_invariants(old, new, align_paragraphs(old, new))


@given(st.lists(PARAGRAPH, max_size=20))
def test_an_unchanged_draft_keeps_every_paragraph(old: list[tuple[str, str]]) -> None:
    assert [s.op for s in align_paragraphs(old, list(old))] == ["unchanged"] * len(old)


@given(st.lists(PARAGRAPH, min_size=1, max_size=15, unique=True), st.data())
def test_paragraphs_left_alone_stay_unchanged(
    old: list[tuple[str, str]], data: st.DataObject
) -> None:
    edited = data.draw(st.sets(st.integers(0, len(old) - 1)))
    new = [
        (kind, f"{text} zzz{index}") if index in edited else (kind, text)
        for index, (kind, text) in enumerate(old)
    ]
    steps = align_paragraphs(old, new)
    _check_invariants(old, new, steps)
    for step in steps:
        if step.old is not None and step.old not in edited and old.count(old[step.old]) == 1:
            assert step.op == "unchanged"


def test_the_seed_with_three_edits_an_insertion_and_a_deletion(seed_paragraphs: list[str]) -> None:
    old = [("body", text) for text in seed_paragraphs]
    new = list(old)
    for index in (3, 20, 40):
        new[index] = ("body", new[index][1].replace(" the ", " THE ", 1))
    new.insert(10, ("body", "A paragraph written for the revised draft, about something new."))
    del new[61]  # old paragraph 60
    steps = align_paragraphs(old, new)
    _check_invariants(old, new, steps)
    assert sorted((s.op, s.old) for s in steps if s.op != "unchanged") == [
        ("changed", 3),
        ("changed", 20),
        ("changed", 40),
        ("deleted", 60),
        ("inserted", None),
    ]


def test_a_draft_through_word_matches_despite_edge_spaces_and_reference_spacing() -> None:
    old = "\u00a0Lenin warned that it would be fatal.” 1 Then the party met.2\u00a0"
    through_word = "Lenin warned that it would be fatal.”1 Then the party met.2"
    assert comparable_text(old, {1, 2}) == comparable_text(through_word, {1, 2})


def test_a_changed_paragraph_keeps_its_edge_spaces_and_reference_spacing() -> None:
    old = "\u00a0Lenin warned that it would be fatal.” 1 Then the party met.2\u00a0"
    edited = "Lenin warned that it would be deadly.”1 Then the party met.2"
    assert keep_old_form(old, edited, {1, 2}) == (
        "\u00a0Lenin warned that it would be deadly.” 1 Then the party met.2\u00a0"
    )
