"""A chapter's worth of rebases, timed: for every body paragraph of the seed chapter and every
pair of its sentences (i, j), an accepted amendment to sentence i and a pending one to
sentence j, in four shapes. Each rebase is timed with the pending amendment's change spans
(what carrying it forward stores). No database; figures are printed, never asserted.

    .venv/bin/python -m bench.rebase_pairs [repeats]

Run it from another checkout's root (PYTHONPATH=that checkout) to compare two versions of
textcore; the best of ``repeats`` runs (default 3) is shown, for a machine shared with others.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import textcore.rebase
from textcore.chapter_text import parse_chapter
from textcore.rebase import change_spans, rebase

SEED = Path("fixtures/socialism-and-the-soviet-union.txt")

# (accepted, pending) texts for paragraph p, its sentences s, and the pair (i, j).
Shape = Callable[[str, list[str], int, int], tuple[str, str]]


def _word(paragraph: str, sentence: str, new: str) -> str:
    words = sentence.split(" ")
    words[len(words) // 2] = new
    return paragraph.replace(sentence, " ".join(words), 1)


def _without(paragraph: str, sentence: str) -> str:
    if f" {sentence}" in paragraph:
        return paragraph.replace(f" {sentence}", "", 1)
    return paragraph.replace(f"{sentence} ", "", 1)


def _rewritten(sentence: str) -> str:
    return " ".join(f"w{number}" for number, _ in enumerate(sentence.split(" ")))


SHAPES: dict[str, Shape] = {
    "one word each": lambda p, s, i, j: (_word(p, s[i], "ACCEPTED"), _word(p, s[j], "PENDING")),
    "sentence i deleted, a word of j": lambda p, s, i, j: (
        _without(p, s[i]),
        _word(p, s[j], "PENDING"),
    ),
    "sentence i doubled, a word of j": lambda p, s, i, j: (
        p.replace(s[i], f"{s[i]} {s[i]}", 1),
        _word(p, s[j], "PENDING"),
    ),
    "a word of i, sentence j rewritten": lambda p, s, i, j: (
        _word(p, s[i], "ACCEPTED"),
        p.replace(s[j], _rewritten(s[j]), 1),
    ),
}


def measure(shape: Shape, paragraphs: list[str]) -> tuple[int, int, float, float]:
    """Rebases, clean ones, total seconds and the slowest, over every sentence pair."""
    count = clean = 0
    total = slowest = 0.0
    for paragraph in paragraphs:
        sentences = [s for s in re.split(r"(?<=[.!?”])\s+", paragraph) if len(s.split(" ")) >= 3]
        for i in range(len(sentences)):
            for j in range(len(sentences)):
                current, proposed = shape(paragraph, sentences, i, j)
                if paragraph in (current, proposed):
                    continue
                started = time.perf_counter()
                outcome = rebase(paragraph, proposed, current)
                change_spans(paragraph, proposed)
                elapsed = time.perf_counter() - started
                count += 1
                clean += outcome.clean
                total += elapsed
                slowest = max(slowest, elapsed)
    return count, clean, total, slowest


def _clear_caches() -> None:
    # Each run starts cold; the cached alignments are called _side now, _aligned before.
    for name in ("_side", "_aligned"):
        cached = getattr(textcore.rebase, name, None)
        if cached is not None:
            cached.cache_clear()


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    paragraphs = [block.text for block in parse_chapter(SEED.read_text(encoding="utf-8")).body]
    for name, shape in SHAPES.items():
        runs = []
        for _ in range(repeats):
            _clear_caches()
            runs.append(measure(shape, paragraphs))
        count, clean, total, slowest = min(runs, key=lambda run: run[2])
        print(
            f"{name}: {count} rebases, {clean} clean, {total:.2f} s "
            f"({1000 * total / count:.2f} ms each, slowest {1000 * slowest:.0f} ms)"
        )


if __name__ == "__main__":
    main()
