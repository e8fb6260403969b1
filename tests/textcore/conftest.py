"""Fixtures for the text-core tests (no Django here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from textcore.chapter_text import parse_chapter

SEED_TEXT = Path(__file__).resolve().parents[2] / "fixtures" / "socialism-and-the-soviet-union.txt"


@pytest.fixture(scope="session")
def seed_paragraphs() -> list[str]:
    """The text of every body paragraph of the real seed chapter, parsed from the fixture."""
    chapter = parse_chapter(SEED_TEXT.read_text(encoding="utf-8"))
    return [block.text for block in chapter.body]
