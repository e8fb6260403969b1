"""The visible ¶ numbers: the one rule every page, export, history and report numbers by.

Live body paragraphs are numbered from 1 in reading order; headings, footnotes and deleted
paragraphs have no ¶ number (a footnote shows its own note number instead).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TypeVar

BODY = "body"

Key = TypeVar("Key", bound=Hashable)


def paragraph_numbers(rows: Iterable[tuple[Key, str, bool]]) -> dict[Key, int]:
    """The ¶ number of each live body paragraph among ``rows`` — (key, kind, is_deleted) in
    reading order — by key; the others are left out."""
    numbers: dict[Key, int] = {}
    for key, kind, is_deleted in rows:
        if kind == BODY and not is_deleted:
            numbers[key] = len(numbers) + 1
    return numbers
