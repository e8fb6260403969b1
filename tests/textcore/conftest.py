"""Fixtures for the text-core tests (no Django here)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from textcore.chapter_text import parse_chapter

SEED_TEXT = Path(__file__).resolve().parents[2] / "fixtures" / "socialism-and-the-soviet-union.txt"


@pytest.fixture(scope="session")
def seed_paragraphs() -> list[str]:
    """The text of every body paragraph of the real seed chapter, parsed from the fixture."""
    chapter = parse_chapter(SEED_TEXT.read_text(encoding="utf-8"))
    return [block.text for block in chapter.body]


@pytest.fixture
def passages_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The length in tokens of every passage the rebase reads exactly (each ``_Readings``
    built), from a cold start: how much work it did, counted instead of timed."""
    from textcore import rebase

    read: list[int] = []
    plain_init = rebase._Readings.__init__

    def counted(self: rebase._Readings, base: Sequence[str], *args: Any, **kwargs: Any) -> None:
        read.append(len(base))
        plain_init(self, base, *args, **kwargs)

    monkeypatch.setattr(rebase._Readings, "__init__", counted)
    rebase._side.cache_clear()
    rebase._passage_readings.cache_clear()
    return read
