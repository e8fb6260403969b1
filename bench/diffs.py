"""The word-level diff of one paragraph (textcore.diff.diff_html, what the amendment page
shows), timed on every amendment of the data set as its author wrote it."""

from __future__ import annotations

import statistics
import time
from typing import Any


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _summary(values: list[float]) -> dict[str, float]:
    milliseconds = [v * 1000 for v in values]
    return {
        "count": len(values),
        "median_ms": round(statistics.median(milliseconds), 2),
        "p95_ms": round(_percentile(milliseconds, 0.95), 2),
        "p99_ms": round(_percentile(milliseconds, 0.99), 2),
        "max_ms": round(max(milliseconds), 2),
    }


def measure() -> dict[str, Any]:
    from amendments.models import Amendment
    from textcore.diff import diff_html
    from textcore.words import count_words

    rows = Amendment.objects.values_list("written_base_text", "written_text").order_by("pk")
    every, rewrites = [], []
    for base, written in rows.iterator(chunk_size=500):
        start = time.perf_counter()
        diff_html(base, written)
        elapsed = time.perf_counter() - start
        every.append(elapsed)
        # A full rewrite: a long paragraph whose every sentence was replaced.
        if base and written and count_words(base) >= 60 and not _shares_sentence(base, written):
            rewrites.append(elapsed)
    return {"all": _summary(every), "full_rewrites": _summary(rewrites) if rewrites else None}


def _shares_sentence(base: str, written: str) -> bool:
    sentences = {s.strip() for s in base.split(". ") if len(s.split()) > 3}
    return any(s.strip() in sentences for s in written.split(". "))
