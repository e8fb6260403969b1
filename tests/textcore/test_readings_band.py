"""The tables of the rebase's minimal readings (``textcore.rebase._Band``), written for speed,
against the plain dynamic programme they replaced (kept here, as it was): the same cheapest
costs in every cell of the band, and the same points with the same steps."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from textcore.diff import token_diff, tokenize
from textcore.rebase import _KEEP, _Band, _Readings

WORDS = ["the", "cat", "sat", "on", "a", "mat", "dog"]
PIECES = [*WORDS, ",", ".", " "]


Tables = list[list[list[float]]]
BandArgs = tuple[list[int], list[int], int, int]


def _plain(base: list[str], other: list[str], distance: int) -> tuple[Tables, BandArgs]:
    """The dynamic programme as it was before ``_Band``: min() calls and full lookups."""
    n, m = len(base), len(other)
    least, most = (n - m - distance) // 2, (n - m + distance) // 2
    lows = [max(0, i - most) for i in range(n + 1)]
    highs = [min(m, i - least) for i in range(n + 1)]
    unit = n + m + 2
    opening = unit + 1
    infinity = math.inf
    keep_before = [[infinity] * (highs[i] - lows[i] + 1) for i in range(n + 1)]
    change_before = [[infinity] * (highs[i] - lows[i] + 1) for i in range(n + 1)]
    keep_before[0][0] = 0
    for j in range(1, highs[0] + 1):
        change_before[0][j] = min(keep_before[0][j - 1] + opening, change_before[0][j - 1] + unit)
    for i in range(1, n + 1):
        low, low_above, high_above = lows[i], lows[i - 1], highs[i - 1]
        for j in range(low, highs[i] + 1):
            kept = changed = infinity
            if low_above < j <= high_above + 1 and base[i - 1] == other[j - 1]:
                x = j - 1 - low_above
                kept = min(keep_before[i - 1][x], change_before[i - 1][x])
            if low_above <= j <= high_above:
                x = j - low_above
                changed = min(keep_before[i - 1][x] + opening, change_before[i - 1][x] + unit)
            if j > low:
                x = j - 1 - low
                changed = min(changed, keep_before[i][x] + opening, change_before[i][x] + unit)
            keep_before[i][j - low] = kept
            change_before[i][j - low] = changed
    keep_after = [[infinity] * (highs[i] - lows[i] + 1) for i in range(n + 1)]
    change_after = [[infinity] * (highs[i] - lows[i] + 1) for i in range(n + 1)]
    for i in range(n, -1, -1):
        low, high = lows[i], highs[i]
        for j in range(high, low - 1, -1):
            if i == n and j == m:
                keep_after[i][j - low] = change_after[i][j - low] = 0
                continue
            kept = rest = infinity
            if i < n:
                low_below, high_below = lows[i + 1], highs[i + 1]
                if j < m and low_below <= j + 1 <= high_below and base[i] == other[j]:
                    kept = keep_after[i + 1][j + 1 - low_below]
                if low_below <= j <= high_below:
                    rest = change_after[i + 1][j - low_below]
            if j < high:
                rest = min(rest, change_after[i][j + 1 - low])
            keep_after[i][j - low] = min(kept, opening + rest)
            change_after[i][j - low] = min(kept, unit + rest)
    return [keep_before, change_before, keep_after, change_after], (lows, highs, unit, opening)


def _plain_points(
    base: list[str], other: list[str], tables: Tables, band: BandArgs
) -> list[list[tuple[int, int, bool, bool, bool]]]:
    keep_before, change_before, keep_after, change_after = tables
    lows, highs, unit, _ = band
    n, m = len(base), len(other)
    best = keep_after[0][0]

    def at(row: list[float], i: int, j: int) -> float:
        return row[j - lows[i]] if lows[i] <= j <= highs[i] else math.inf

    points = []
    for i in range(n + 1):
        row = []
        for j in range(lows[i], highs[i] + 1):
            for mode, befores, afters in (
                (0, keep_before, keep_after),
                (1, change_before, change_after),
            ):
                so_far = befores[i][j - lows[i]]
                if so_far + afters[i][j - lows[i]] != best:
                    continue
                step = unit + (1 if mode == _KEEP else 0)
                keeps = (
                    i < n
                    and j < m
                    and base[i] == other[j]
                    and so_far + at(keep_after[i + 1], i + 1, j + 1) == best
                )
                drops = i < n and so_far + step + at(change_after[i + 1], i + 1, j) == best
                adds = j < m and so_far + step + at(change_after[i], i, j + 1) == best
                row.append((j, mode, keeps, drops, adds))
        points.append(row)
    return points


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), max_size=24),
    st.lists(st.sampled_from(PIECES), max_size=24),
)
def test_the_band_equals_the_plain_programme(
    base_pieces: list[str], other_pieces: list[str]
) -> None:
    base, other = tokenize(" ".join(base_pieces)), tokenize(" ".join(other_pieces))
    distance = sum(len(tokens) for op, tokens in token_diff(base, other, semantic=False) if op)
    tables, band_args = _plain(base, other, distance)
    lows, highs, unit, opening = band_args
    band = _Band(base, other, lows, highs, unit, opening)
    assert [*band.before(), *band.after()] == tables
    readings = _Readings(base, other, distance, cap=10**9)
    assert readings.points == _plain_points(base, other, tables, band_args)
