from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from textcore.tracked import Revision, original_text, track_revisions, visible_text

T1 = datetime(2026, 1, 1, tzinfo=UTC)
T2 = datetime(2026, 2, 1, tzinfo=UTC)


def test_each_change_carries_the_author_who_made_it() -> None:
    base = "The revolution faced a myriad of problems."
    segments = track_revisions(
        base,
        [
            Revision("The revolution faced many problems.", "Alice", T1),
            Revision("The revolution faced many grave problems.", "Bob", T2),
        ],
    )
    assert original_text(segments) == base
    assert visible_text(segments) == "The revolution faced many grave problems."
    deleted = [(s.text, s.author) for s in segments if s.op == -1]
    inserted = [(s.text, s.author) for s in segments if s.op == 1]
    assert deleted == [("a myriad of", "Alice")]
    assert ("many", "Alice") in inserted and any(a == "Bob" and "grave" in t for t, a in inserted)


def test_text_inserted_then_deleted_inside_the_window_disappears() -> None:
    segments = track_revisions(
        "One two.",
        [Revision("One extra two.", "Alice", T1), Revision("One two.", "Bob", T2)],
    )
    assert all(s.op == 0 for s in segments) and visible_text(segments) == "One two."


def test_no_revisions_is_the_text_unchanged() -> None:
    assert [(s.op, s.text) for s in track_revisions("Same.", [])] == [(0, "Same.")]


words = st.lists(st.sampled_from(["the", "party", "a", "state", "and", ",", "."]), max_size=12)


@given(base=words, versions=st.lists(words, max_size=4))
def test_rejecting_all_gives_the_base_and_accepting_all_the_last_version(base, versions):
    base_text = " ".join(base)
    revisions = [Revision(" ".join(v), f"author{i}", T1) for i, v in enumerate(versions)]
    segments = track_revisions(base_text, revisions)
    assert original_text(segments) == base_text
    assert visible_text(segments) == (revisions[-1].text if revisions else base_text)
    assert all(s.author is not None for s in segments if s.op != 0)
