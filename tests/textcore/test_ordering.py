"""Fractional order keys for paragraphs."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textcore.ordering import DIGITS, initial_keys, key_between

valid_keys = st.text(alphabet=DIGITS, min_size=1, max_size=8).filter(lambda key: key[-1] != "0")


def _assert_valid(key: str) -> None:
    assert key and not key.endswith("0") and set(key) <= set(DIGITS), key


@pytest.mark.parametrize(
    ("before", "after", "key"),
    [
        (None, None, "i"),
        ("i", None, "j"),
        (None, "i", "h"),
        ("z", None, "z1"),
        ("zz", None, "zz1"),
        ("i5", None, "j"),
        (None, "1", "0z"),
        (None, "01", "00z"),
        ("a", "b", "ai"),
        ("a", "c", "b"),
        ("1", "2", "1i"),
        ("a", "a1", "a0i"),
        ("1", "1i", "19"),
        ("1k", "2", "1s"),
        ("1k", "2x", "2"),
        ("yz", "z", "yzi"),
    ],
)
def test_key_between_examples(before: str | None, after: str | None, key: str) -> None:
    assert key_between(before, after) == key


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("b", "a"),
        ("a", "a"),
        ("", None),
        (None, ""),
        ("a0", None),
        (None, "A"),
        ("a-b", None),
        ("é", None),
    ],
)
def test_key_between_refuses_bad_input(before: str | None, after: str | None) -> None:
    with pytest.raises(ValueError):
        key_between(before, after)


@given(valid_keys, valid_keys)
def test_key_between_is_strictly_between(first: str, second: str) -> None:
    before, after = sorted((first, second))
    if before == after:
        return
    key = key_between(before, after)
    _assert_valid(key)
    assert before < key < after


@given(valid_keys)
def test_key_between_at_the_open_ends(key: str) -> None:
    after = key_between(key, None)
    before = key_between(None, key)
    _assert_valid(after)
    _assert_valid(before)
    assert before < key < after


@settings(max_examples=200)
@given(st.lists(st.floats(min_value=0, max_value=1, exclude_max=True), min_size=1, max_size=60))
def test_random_insertions_keep_keys_ordered_and_unique(places: list[float]) -> None:
    keys: list[str] = []
    for place in places:
        # Insert at a position chosen by ``place`` (0 = front, just under 1 = end).
        index = int(place * (len(keys) + 1))
        before = keys[index - 1] if index > 0 else None
        after = keys[index] if index < len(keys) else None
        keys.insert(index, key_between(before, after))
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    for key in keys:
        _assert_valid(key)


def test_a_thousand_insertions_at_the_same_spot_stay_short() -> None:
    # Always right after the first paragraph: the worst case for key growth.
    first, last = "i", "j"
    keys = [first, last]
    newest = last
    for _ in range(1000):
        newest = key_between(first, newest)
        keys.insert(1, newest)
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert max(len(key) for key in keys) < 250


def test_a_thousand_appends_and_prepends_stay_short() -> None:
    keys = initial_keys(5)
    for _ in range(1000):
        keys.append(key_between(keys[-1], None))
        keys.insert(0, key_between(None, keys[0]))
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert max(len(key) for key in keys) <= 32


@pytest.mark.parametrize(
    ("count", "width"), [(1, 1), (8, 1), (35, 2), (100, 2), (323, 2), (1000, 3)]
)
def test_initial_keys_are_short_and_evenly_spread(count: int, width: int) -> None:
    keys = initial_keys(count)
    assert len(keys) == count
    assert keys == sorted(keys) and len(set(keys)) == count
    assert {len(key) for key in keys} == {width}
    for key in keys:
        _assert_valid(key)


def test_initial_keys_leave_room_between_neighbours() -> None:
    keys = initial_keys(1000)
    for before, after in pairwise(keys):
        assert len(key_between(before, after)) <= 3


def test_initial_keys_edge_cases() -> None:
    assert initial_keys(0) == []
    assert initial_keys(1) == ["i"]
    with pytest.raises(ValueError):
        initial_keys(-1)


@given(st.integers(min_value=1, max_value=3000))
def test_initial_keys_property(count: int) -> None:
    keys = initial_keys(count)
    assert len(keys) == count and keys == sorted(keys) and len(set(keys)) == count
    for key in keys:
        _assert_valid(key)
    assert key_between(None, keys[0]) < keys[0] and key_between(keys[-1], None) > keys[-1]
