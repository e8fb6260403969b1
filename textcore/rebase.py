"""Carrying a pending amendment onto a paragraph's new text, or saying honestly it conflicts.

An amendment was written against ``base`` and proposes ``proposed``; meanwhile the paragraph
became ``current`` (another amendment was accepted). This is a word-level three-way merge in
base coordinates: the accepted change and the author's change may both stand only where every
change of the one is separated from every change of the other by at least one word that
neither touched. Two changes separated by nothing but a space or punctuation collide, so two
amendments that change the same words never both apply silently, and nothing is fuzzy: the
author's words go exactly where the alignment puts them, or the amendment is in conflict.

A change can often be read in more than one way. A reading is a token alignment; a minimal
one changes as few tokens as possible and, among those, has as few separate change regions as
possible. Among repeated words there can be several ("x x x" → "x x" lost its first x, its
second or its last; deleting one of two twin sentences is as much deleting the end of the one
and the start of the other). The merge carries the author's change forward only if

- some pair of minimal readings (of the accepted change and of the author's) keeps the two
  changes apart, and every such pair gives the same text: the author's words end up between
  the same neighbours whichever way the changes are read; and
- every pair of most natural readings keeps them apart. A reading is natural when its changes
  begin and end where a reader's would (``start_reads_well`` and ``end_reads_well``, the
  rules by which the diff chooses where to show a change): whole words, whole sentences. If
  several readings are equally natural, which one the other side meant is a guess, so all of
  them must keep the changes apart.

Otherwise the amendment is in conflict. A conflict where some reading would have kept the
changes apart carries a collision of kind ``AMBIGUOUS``: the changes can be read in more than
one way there, and not every way leaves the author's change where its author put it.

Work is bounded. Each change is read in windows around its regions, grown while its readings
reach a window's edge (a deleted twin sentence slides as far as the twins go); beyond a
window, diff-match-patch's reading stands. Where the two changes meet, a joint search walks
a reading of each side at once over the passage between words that every reading of both
keeps. Past the table and state limits below, the answer is a conflict, never a guess.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from textcore.diff import (
    DELETE,
    EQUAL,
    end_reads_well,
    is_word,
    start_reads_well,
    token_diff,
    tokenize,
)

# The tables of minimal readings of a passage fill one cell per (base token, other token)
# pair near the diagonal. A passage where the two sides meet is read whole up to this many
# cells per side (a stretch of some 350 tokens both rewrote); past it, the merge reports a
# conflict rather than keep an editor waiting or guess.
MAX_TABLE_CELLS = 250_000

# The joint search visits at most this many states (pairs of reading positions).
MAX_SEARCH_STATES = 250_000

# A window around one side's change is read exactly up to this many cells; a larger one (a
# rewrite of some 100 tokens) is taken as touching everything between its first and last
# change and wherever a lone deleted or inserted run could slide.
WINDOW_CELLS = 20_000

# A window must leave this many tokens untouched by every reading at each edge (or reach the
# text's edge); otherwise it grows. Its first margin is twice as wide.
QUIET = 12

# The kinds of collision: the two changes touch under every reading, or only under some.
OVERLAP = "overlap"
AMBIGUOUS = "ambiguous"


@dataclass(frozen=True)
class Collision:
    """One place where the author's change meets the accepted change.

    ``deleted`` is the passage as the author saw it, ``inserted`` what the author wanted it to
    say, ``current`` what it says now: "you wanted to change X into Y, but it now reads Z".
    ``kind`` is ``OVERLAP`` when every reading has the two changes touch, ``AMBIGUOUS`` when
    only some do (a repeated word, phrase or sentence lets the changes be read apart or not).
    """

    deleted: str
    inserted: str
    current: str
    kind: str = OVERLAP


@dataclass(frozen=True)
class RebaseResult:
    """The outcome of a rebase: the carried-forward text when clean, the collisions when not."""

    clean: bool
    text: str | None
    collisions: list[Collision] = field(default_factory=list)


def rebase(base: str, proposed: str, current: str) -> RebaseResult:
    """Apply the change ``base``→``proposed`` to ``current``, or report where it collides."""
    if current == base:
        return RebaseResult(clean=True, text=proposed)
    if proposed == base:
        return RebaseResult(clean=True, text=current)
    merged, collisions = _merge(tokenize(base), tokenize(current), tokenize(proposed))
    if merged is None:
        return RebaseResult(clean=False, text=None, collisions=collisions)
    return RebaseResult(clean=True, text="".join(merged))


@dataclass(frozen=True)
class CarriedApart:
    """A rebase settled from stored spans alone: the carried-forward ``text`` and the author's
    change spans in its base (the new text), as ``change_spans(current, text)`` gives them."""

    text: str
    spans: Spans


def rebase_apart(base: str, proposed: str, current: str, authored: Spans) -> CarriedApart | None:
    """``rebase(base, proposed, current)`` without its search, when ``authored`` (the stored
    ``change_spans(base, proposed)``) never meets the places the accepted change
    ``base``→``current`` may touch: a word neither touches lies between the two sides' spans
    wherever they alternate. The merge is then the author's text with each stretch the
    accepted change owns (from such a word to the next) replaced by what it reads now.
    None when the full rebase must decide: the changes meet, a side is empty, or a stretch
    the accepted change owns does not occur exactly once in the author's text (a repeated
    passage, where only the readings say which occurrence is the base's).

    When the author's spans lie all before or all after the accepted change's, they move by
    the words it adds or removes before them: every reading of the author's change keeps the
    word at the cut in one place, so the new texts read the same around it. When they lie on
    both sides, ``change_spans`` reads them anew (the property tests hold the texts and the
    spans to the full path's)."""
    if base in (proposed, current) or not authored:
        return None
    accepted = _spans_of(base, current)
    if not accepted or spans_compete(accepted, authored):
        return None
    base_tokens, proposed_tokens, current_tokens = (
        _tokens_of(base),
        _tokens_of(proposed),
        _tokens_of(current),
    )
    firm = _side(base_tokens, current_tokens).firm
    n = len(base_tokens)
    pieces: list[tuple[str, ...]] = []
    moves: list[tuple[int, int]] = []  # (the position a stretch ends at, the words it adds)
    cursor = 0
    for left, right in _accepted_stretches(accepted, authored):
        first = _word_index(base_tokens, left) if left is not None else 0
        end = _word_index(base_tokens, right) + 1 if right is not None else n
        # Where the stretch starts and ends in the accepted text (its bounding words are
        # ones every reading of it keeps in one place).
        now_first = firm[first] if first > 0 else 0
        now_last = firm[end - 1] if end < n else len(current_tokens) - 1
        at = _only_place(base_tokens[first:end], proposed_tokens, first == 0, end == n)
        if (first, end) == (0, n) or None in (now_first, now_last, at):
            return None
        assert now_first is not None and now_last is not None and at is not None
        if at < cursor:
            return None
        now = current_tokens[now_first : now_last + 1]
        pieces += [proposed_tokens[cursor:at], now]
        cursor = at + end - first
        added = _words_in(now) - _words_in(base_tokens[first:end])
        moves.append((2 * right + 1 if right is not None else 2 * n + 1, added))
    pieces.append(proposed_tokens[cursor:])
    text = "".join("".join(piece) for piece in pieces)

    def moved(position: int) -> int:
        return position + 2 * sum(added for after, added in moves if position > after)

    if not (authored[-1][1] < accepted[0][0] or accepted[-1][1] < authored[0][0]):
        # The sides' spans alternate: the accepted change's words can let a reading of one
        # of the author's regions reach another (a word now repeated), so they are read anew.
        return CarriedApart(text=text, spans=change_spans(current, text))
    return CarriedApart(text=text, spans=[(moved(low), moved(high)) for low, high in authored])


def _accepted_stretches(accepted: Spans, authored: Spans) -> list[tuple[int | None, int | None]]:
    """The stretches the accepted change owns, as the words (indices from 0) that bound them
    on each side, None at the text's edges: from the first word past the author's spans
    before it to the last word before the author's spans after it. The spans do not
    compete, so a word neither side touches lies between any two runs of different sides."""
    runs = sorted(
        [(low, high, False) for low, high in authored]
        + [(low, high, True) for low, high in accepted]
    )
    stretches: list[tuple[int | None, int | None]] = []
    end = -1  # the last position of the runs so far
    open_from: int | None = None  # the left word of the accepted stretch being read
    in_accepted = False
    for low, high, by_accepted in runs:
        if by_accepted and not in_accepted:
            open_from = None if end < 0 else (end + 1) // 2 if end % 2 == 0 else (end + 2) // 2
            in_accepted = True
        elif not by_accepted and in_accepted:
            last_word = (low - 1) // 2 if low % 2 == 0 else (low - 2) // 2
            stretches.append((open_from, last_word))
            in_accepted = False
        end = max(end, high)
    if in_accepted:
        stretches.append((open_from, None))
    return stretches


def _only_place(
    passage: tuple[str, ...], text: tuple[str, ...], at_start: bool, at_end: bool
) -> int | None:
    """Where ``passage`` lies in ``text``: its start (or its end) if it starts (ends) the base,
    else its one occurrence; None if it is not there or occurs more than once."""
    size = len(passage)
    if at_start:
        return 0 if text[:size] == passage else None
    if at_end:
        at = len(text) - size
        return at if at >= 0 and text[at:] == passage else None
    found = [
        at
        for at in range(len(text) - size + 1)
        if text[at] == passage[0] and text[at : at + size] == passage
    ]
    return found[0] if len(found) == 1 else None


@lru_cache(maxsize=64)
def _spans_of(base: str, current: str) -> Spans:
    # The accepted change's spans, the same for every amendment a carrying forward rebases.
    return change_spans(base, current)


def _tokens_of(text: str) -> tuple[str, ...]:
    return tuple(tokenize(text))


def _word_index(tokens: Sequence[str], word: int) -> int:
    """The token index of the ``word``-th word (from 0) of ``tokens``."""
    seen = -1
    for index, token in enumerate(tokens):
        if is_word(token):
            seen += 1
            if seen == word:
                return index
    raise ValueError("No such word.")


def _words_in(tokens: Sequence[str]) -> int:
    return sum(1 for token in tokens if is_word(token))


def reapply_where_possible(base: str, proposed: str, current: str) -> str:
    """``current`` with every part of the change ``base``→``proposed`` that does not collide
    put back in; where the two collide, ``current``'s words stand. A conflicted author's
    starting point to finish by hand (the clean rebase's text when there is no collision)."""
    result = rebase(base, proposed, current)
    if result.text is not None:
        return result.text
    zones = _Zones(tokenize(base), tokenize(current), tokenize(proposed))
    tokens: list[str] = []
    for zone, (by_accepted, _) in enumerate(zones.changed_by):
        _, now, wanted = zones.span(zone)
        tokens.extend(now if by_accepted else wanted)
        tokens.extend(zones.boundary(zone))
    return "".join(tokens)


def competing(base: str, proposed_a: str, proposed_b: str) -> bool:
    """True if two amendments written against ``base`` cannot both be carried: they change the
    same or touching words, under every reading or under some.

    The queue flags competing pairs from stored spans (``spans_compete``), never calls this;
    it is the reference the property tests hold ``spans_compete`` and the rebase against."""
    if base in (proposed_a, proposed_b):
        return False
    merged, _ = _merge(tokenize(base), tokenize(proposed_a), tokenize(proposed_b))
    return merged is None


Spans = list[tuple[int, int]]


def change_spans(base: str, proposed: str) -> Spans:
    """Where the change ``base``→``proposed`` may touch ``base`` under any of its minimal
    readings, as runs (first, last) of positions: word j of the base is position 2j+1, the
    stretch before it (spaces, punctuation, insertions there) 2j. Stored with an amendment, so
    that ``spans_compete`` can compare two amendments without diffing again.

    A word is touched unless every reading keeps it, and keeps it in one place: "cat cat" →
    "the the cat cat cat the" keeps both words under every reading, but as the first two
    "cat"s of the new text or as the last two, so whether the new "cat" comes before or after
    them depends on the reading, and so does where another change between them lands. The
    merge cuts the base only at words kept in one place (``_Side.firm``); the spans mark
    every other word, so that ``spans_compete`` cuts it at the same words."""
    base_tokens = tokenize(base)
    side = _side(tuple(base_tokens), tuple(tokenize(proposed)))
    positions: list[int] = []
    words = 0
    for index, token in enumerate(base_tokens):
        if side.added[index]:
            positions.append(2 * words)
        if is_word(token):
            if side.firm[index] is None:  # dropped, or kept in more than one place
                positions.append(2 * words + 1)
            words += 1
        elif side.dropped[index]:
            positions.append(2 * words)
    if side.added[len(base_tokens)]:
        positions.append(2 * words)
    runs: Spans = []
    for position in positions:
        if runs and position <= runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], max(runs[-1][1], position))
        else:
            runs.append((position, position))
    return runs


def spans_compete(first: Spans, second: Spans) -> bool:
    """True if some place ``first`` may touch and some place ``second`` may touch (spans of
    one base) have no word between them that every reading of both keeps in one place.

    This is exactly the merge's test for where to look closer, without the diffs: it never
    misses a competing pair, and flags the pair that a closer look finds can be carried."""
    runs = sorted(
        [(low, high, 0) for low, high in first] + [(low, high, 1) for low, high in second]
    )
    end = -2
    owners: set[int] = set()
    for low, high, owner in runs:
        gap_low, gap_high = end + 1, low - 1
        if gap_low <= gap_high and (gap_low % 2 == 1 or gap_low < gap_high):
            owners = set()  # a word nobody changed lies between: a new stretch begins
        owners.add(owner)
        if len(owners) == 2:
            return True
        end = max(end, high)
    return False


def _merge(
    base: list[str], current: list[str], proposed: list[str]
) -> tuple[list[str] | None, list[Collision]]:
    """Three-way merge of token lists; the merged tokens, or None and the collisions."""
    zones = _Zones(base, current, proposed)
    tokens: list[str] = []
    collisions: list[Collision] = []
    for zone in range(len(zones.changed_by)):
        piece_base, piece_current, piece_proposed = zones.span(zone)
        by_accepted, by_author = zones.changed_by[zone]
        if by_accepted and by_author:
            before, after = zones.context(zone)
            merged, kind = _settle(piece_base, piece_current, piece_proposed, before, after)
            if merged is None:
                # An ambiguous passage is shown whole: which of its words changed is the doubt.
                was, now, wanted = _trim_common(
                    piece_base, piece_current, piece_proposed, words=kind != AMBIGUOUS
                )
                collisions.append(
                    Collision(
                        deleted="".join(was),
                        inserted="".join(wanted),
                        current="".join(now),
                        kind=kind,
                    )
                )
                continue
            tokens.extend(merged)
        else:
            tokens.extend(piece_current if by_accepted else piece_proposed)
        tokens.extend(zones.boundary(zone))
    if collisions:
        return None, collisions
    return tokens, []


class _Zones:
    """The base cut at words that every minimal reading of both changes keeps in one place,
    each zone marked with which side may change it."""

    def __init__(self, base: list[str], current: list[str], proposed: list[str]) -> None:
        self.base, self.current, self.proposed = base, current, proposed
        accepted = _side(tuple(base), tuple(current))
        authored = _side(tuple(base), tuple(proposed))
        # Boundaries are (base, current, proposed) indices of firm words, plus both ends.
        self.bounds: list[tuple[int, int, int]] = [(-1, -1, -1)]
        for index in range(len(base)):
            in_current, in_proposed = accepted.firm[index], authored.firm[index]
            if in_current is not None and in_proposed is not None:
                self.bounds.append((index, in_current, in_proposed))
        self.bounds.append((len(base), len(current), len(proposed)))
        self.changed_by: list[tuple[bool, bool]] = [
            (accepted.touches(low, high), authored.touches(low, high))
            for (low, _, _), (high, _, _) in zip(self.bounds, self.bounds[1:], strict=False)
        ]

    def span(self, zone: int) -> tuple[list[str], list[str], list[str]]:
        """The base, current and proposed tokens of ``zone``."""
        (b0, c0, p0), (b1, c1, p1) = self.bounds[zone], self.bounds[zone + 1]
        return self.base[b0 + 1 : b1], self.current[c0 + 1 : c1], self.proposed[p0 + 1 : p1]

    def context(self, zone: int) -> tuple[str | None, str | None]:
        """The firm words around ``zone`` (None at the text's edges)."""
        low, high = self.bounds[zone][0], self.bounds[zone + 1][0]
        return (
            self.base[low] if low >= 0 else None,
            self.base[high] if high < len(self.base) else None,
        )

    def boundary(self, zone: int) -> list[str]:
        """The firm word after ``zone``, if any."""
        high = self.bounds[zone + 1][0]
        return [self.base[high]] if high < len(self.base) else []


# --- one side: where a change may lie under its minimal readings -------------------------------


class _Side:
    """Every minimal reading of ``base``→``other``, as far as the merge needs them: which base
    tokens some reading drops (``dropped``), before which base tokens some reading inserts
    (``added``, one more entry for the end), and, for each base word that every reading keeps
    in one place, that place in ``other`` (``firm``, None elsewhere)."""

    def __init__(self, base: Sequence[str], other: Sequence[str]) -> None:
        n = len(base)
        self.base, self.other = base, other
        self.dropped = [False] * n
        self.added = [False] * (n + 1)
        # Where diff-match-patch keeps each base token in ``other`` (None if it changed it),
        # and its change regions [first, end) of base and of other.
        self.column: list[int | None] = [None] * n
        self.regions: list[tuple[int, int, int, int]] = []
        base_index = other_index = 0
        in_region = False
        for op, tokens in token_diff(list(base), list(other), semantic=False):
            size = len(tokens)
            if op == EQUAL:
                for offset in range(size):
                    self.column[base_index + offset] = other_index + offset
                base_index += size
                other_index += size
                in_region = False
                continue
            if not in_region:
                self.regions.append((base_index, base_index, other_index, other_index))
                in_region = True
            first, end, other_first, other_end = self.regions[-1]
            if op == DELETE:
                base_index += size
                self.regions[-1] = (first, base_index, other_first, other_end)
            else:
                other_index += size
                self.regions[-1] = (first, end, other_first, other_index)
        self.firm: list[int | None] = [
            column if is_word(token) else None
            for column, token in zip(self.column, base, strict=True)
        ]
        self._read_windows()
        # Prefix counts, so that ``touches`` costs the same for any stretch.
        self._dropped_before = [0]
        for dropped in self.dropped:
            self._dropped_before.append(self._dropped_before[-1] + dropped)
        self._added_before = [0]
        for added in self.added:
            self._added_before.append(self._added_before[-1] + added)

    def touches(self, low: int, high: int) -> bool:
        """Can a reading change the base tokens strictly between ``low`` and ``high``, or insert
        anywhere after ``low`` up to right before ``high``?"""
        return (
            self._dropped_before[high] - self._dropped_before[low + 1] > 0
            or self._added_before[high + 1] - self._added_before[low + 1] > 0
        )

    def _read_windows(self) -> None:
        # Each region gets a margin on either side; a window whose readings come within QUIET
        # tokens of its edge has the margins of its regions on that side doubled, and is read
        # again, until every window is quiet at its edges, reaches the text's edges, or is too
        # large to read exactly.
        n = len(self.base)
        # A lone deleted or inserted run reads as far as it can slide, so that is read at once.
        margins = [
            [2 * QUIET + left, 2 * QUIET + right]
            for left, right in (
                _slide_room(self.base, self.other, region) for region in self.regions
            )
        ]
        read: dict[tuple[int, int], _Readings | None] = {}
        while True:
            grown = False
            windows = self._windows(margins)
            for first, last, members in windows:
                if (first, last) not in read:
                    read[(first, last)] = self._read_window(first, last, members)
                readings = read[(first, last)]
                if readings is None:
                    continue
                touched = [i for i, row in enumerate(readings.points) if _row_changes(row)]
                if first > 0 and touched[0] < QUIET:
                    for region in members:
                        margins[region][0] *= 2
                    grown = True
                if last < n and (last - first) - touched[-1] < QUIET:
                    for region in members:
                        margins[region][1] *= 2
                    grown = True
            if not grown:
                break
        for first, last, members in windows:
            readings = read[(first, last)]
            if readings is None:
                self._mark_coarsely(members)
            else:
                self._mark(first, readings)

    def _windows(self, margins: list[list[int]]) -> list[tuple[int, int, list[int]]]:
        # Windows (first row, last row, regions): rows first..last of the base, the last one
        # ending right before a token diff-match-patch keeps (or the end). Overlapping ones join.
        n = len(self.base)
        windows: list[tuple[int, int, list[int]]] = []
        for number, (first, end, _, _) in enumerate(self.regions):
            low, high = max(0, first - margins[number][0]), min(n, end + margins[number][1])
            members = [number]
            while windows and low <= windows[-1][1]:
                previous = windows.pop()
                low, high = min(previous[0], low), max(previous[1], high)
                members = [*previous[2], *members]
            windows.append((low, high, members))
        return windows

    def _read_window(self, first: int, last: int, members: list[int]) -> _Readings | None:
        """The readings of one window, or None if it is too large to read exactly. A window
        starts right after, and ends right before, a token diff-match-patch keeps."""
        kept_before = self.column[first - 1] if first > 0 else -1
        kept_after = self.column[last] if last < len(self.base) else len(self.other)
        assert kept_before is not None and kept_after is not None
        start, end = kept_before + 1, kept_after
        distance = sum(
            (high - low) + (other_high - other_low)
            for low, high, other_low, other_high in (self.regions[r] for r in members)
        )
        readings = _Readings(
            self.base[first:last], self.other[start:end], distance, cap=WINDOW_CELLS
        )
        if readings.too_large:
            return None
        readings.offset = (first, start)
        return readings

    def _mark(self, first: int, readings: _Readings) -> None:
        """Copy a window's readings into the marks: what some reading changes, what every
        reading keeps in one place."""
        _, start = readings.offset
        for row, points in enumerate(readings.points):
            index = first + row
            self.added[index] = any(adds for _, _, _, _, adds in points)
            if row == len(readings.points) - 1:
                break  # the window's last row is a kept token's: only insertions before it
            self.dropped[index] = any(drops for _, _, _, drops, _ in points)
            kept_at = {j for j, _, keeps, _, _ in points if keeps}
            firm = not self.dropped[index] and len(kept_at) == 1 and is_word(self.base[index])
            self.firm[index] = start + kept_at.pop() if firm else None

    def _mark_coarsely(self, members: list[int]) -> None:
        """A window too large to read exactly: every region is taken to touch all it spans and,
        if it only deletes or only inserts, wherever that run could slide."""
        for region in members:
            first, end, other_first, other_end = self.regions[region]
            left, right = _slide_room(self.base, self.other, self.regions[region])
            low, high = first - left, end + right
            for index in range(low, high):
                self.dropped[index] = self.dropped[index] or first < end
                self.firm[index] = None
            if other_first < other_end:
                for gap in range(low, high + 1):
                    self.added[gap] = True


def _row_changes(points: list[_Point]) -> bool:
    """Does some reading drop or insert a token at this row's points?"""
    return any(drops or adds for _, _, _, drops, adds in points)


def _slide_room(
    base: Sequence[str], other: Sequence[str], region: tuple[int, int, int, int]
) -> tuple[int, int]:
    """How many tokens a lone deleted or inserted run can slide left and right and still say
    the same (a run of repeated words, a twin sentence); 0 for a replacement."""
    first, end, other_first, other_end = region
    if (first < end) == (other_first < other_end):
        return 0, 0
    run = list(base[first:end]) if first < end else list(other[other_first:other_end])
    left = 0
    while first - left > 0 and base[first - left - 1] == run[-1 - left % len(run)]:
        left += 1
    right = 0
    while end + right < len(base) and base[end + right] == run[right % len(run)]:
        right += 1
    return left, right


@lru_cache(maxsize=256)
def _side(base: tuple[str, ...], other: tuple[str, ...]) -> _Side:
    # Carrying a paragraph's pending amendments forward rebases each of them onto the same
    # new text: its readings of the old text are worked out once, not once per amendment.
    # A side is never changed once made.
    return _Side(base, other)


# --- the minimal readings of a passage ---------------------------------------------------------

# A step of a reading keeps a token (both texts have it) or is part of a change region; the
# mode of a point is the kind of step that reached it.
_KEEP, _CHANGE = 0, 1

# (other index, mode, can keep base[i] next, can drop it, can insert other[j]) on row i.
_Point = tuple[int, int, bool, bool, bool]


class _Readings:
    """Every minimal reading of ``base`` as ``other``: for each base index (row), the points
    (other index, mode) some minimal reading passes, with the steps it may take from there.

    Cost counts changed tokens first and change regions second (a reading that splits one
    change into scattered pieces is not how anyone edits), folded into one integer. No
    minimal reading changes more tokens than ``distance`` (diff-match-patch's count), so only
    the diagonals that allows are filled; more than ``cap`` cells sets ``too_large``.
    """

    def __init__(
        self, base: Sequence[str], other: Sequence[str], distance: int, *, cap: int
    ) -> None:
        self.base, self.other = base, other
        self.offset = (0, 0)
        n, m = len(base), len(other)
        # A point (i, j) has changed at least |i - j| tokens and will change at least
        # |(n - i) - (m - j)| more, so i - j lies within these bounds.
        least, most = (n - m - distance) // 2, (n - m + distance) // 2
        lows = [max(0, i - most) for i in range(n + 1)]
        highs = [min(m, i - least) for i in range(n + 1)]
        self.too_large = sum(high - low + 1 for low, high in zip(lows, highs, strict=True)) > cap
        self.points: list[list[_Point]] = []
        if self.too_large:
            return
        unit = n + m + 2  # more than any number of regions, so tokens always weigh more
        opening = unit + 1  # a change after a kept token opens a region
        band = _Band(base, other, lows, highs, unit, opening)
        # before: cheapest reading of base[:i] as other[:j] whose last step keeps / changes;
        # after: cheapest reading of base[i:] as other[j:] following a keep / a change.
        keep_before, change_before = band.before()
        keep_after, change_after = band.after()
        self.points = band.points(keep_before, change_before, keep_after, change_after)
        self.moves = {
            (i, j, mode): (keeps, drops, adds)
            for i, row in enumerate(self.points)
            for j, mode, keeps, drops, adds in row
        }


class _Band:
    """The tables of ``_Readings``: row i of each holds columns lows[i]..highs[i]. This is the
    rebase's innermost loop, so it is written for CPython's speed: the band's edges checked
    inline, each row's neighbours held in locals, and comparisons instead of ``min`` calls
    (the same values: every entry is an integer or infinity)."""

    def __init__(
        self,
        base: Sequence[str],
        other: Sequence[str],
        lows: list[int],
        highs: list[int],
        unit: int,
        opening: int,
    ) -> None:
        self.base, self.other, self.lows, self.highs = base, other, lows, highs
        self.unit, self.opening = unit, opening

    def _empty(self) -> list[list[float]]:
        return [
            [math.inf] * (high - low + 1) for low, high in zip(self.lows, self.highs, strict=True)
        ]

    def before(self) -> tuple[list[list[float]], list[list[float]]]:
        """The cheapest reading of base[:i] as other[:j] whose last step keeps / changes."""
        base, other, lows, highs = self.base, self.other, self.lows, self.highs
        unit, opening, infinity = self.unit, self.opening, math.inf
        keep_before, change_before = self._empty(), self._empty()
        keep_before[0][0] = 0
        row0 = change_before[0]
        for j in range(1, highs[0] + 1):  # row 0 reads only insertions
            a, b = keep_before[0][j - 1] + opening, row0[j - 1] + unit
            row0[j] = a if a < b else b
        for i in range(1, len(base) + 1):
            keep_row, change_row, low = keep_before[i], change_before[i], lows[i]
            keep_above, change_above = keep_before[i - 1], change_before[i - 1]
            low_above = lows[i - 1]
            width_above = highs[i - 1] - low_above  # the last index of the row above
            token = base[i - 1]
            left_keep = left_change = infinity  # the entries at j - 1 of this row
            for x in range(highs[i] - low + 1):
                j = low + x
                above = j - low_above  # j's index in the row above
                kept = changed = infinity
                if 0 < above <= width_above + 1 and token == other[j - 1]:
                    a, b = keep_above[above - 1], change_above[above - 1]
                    kept = a if a < b else b
                if 0 <= above <= width_above:
                    a, b = keep_above[above] + opening, change_above[above] + unit
                    changed = a if a < b else b
                a, b = left_keep + opening, left_change + unit
                if a < changed:
                    changed = a
                if b < changed:
                    changed = b
                keep_row[x] = left_keep = kept
                change_row[x] = left_change = changed
        return keep_before, change_before

    def after(self) -> tuple[list[list[float]], list[list[float]]]:
        """The cheapest reading of base[i:] as other[j:] following a keep / a change."""
        base, other, lows, highs = self.base, self.other, self.lows, self.highs
        unit, opening, infinity = self.unit, self.opening, math.inf
        n, m = len(base), len(other)
        keep_after, change_after = self._empty(), self._empty()
        for i in range(n, -1, -1):
            keep_row, change_row, low = keep_after[i], change_after[i], lows[i]
            if i < n:
                keep_below, change_below = keep_after[i + 1], change_after[i + 1]
                low_below = lows[i + 1]
                width_below = highs[i + 1] - low_below
                token = base[i]
            right_change = infinity  # the entry at j + 1 of this row
            for x in range(highs[i] - low, -1, -1):
                j = low + x
                if i == n and j == m:
                    keep_row[x] = change_row[x] = right_change = 0
                    continue
                kept = rest = infinity
                if i < n:
                    below = j - low_below  # j's index in the row below
                    if j < m and 0 <= below + 1 <= width_below and token == other[j]:
                        kept = keep_below[below + 1]
                    if 0 <= below <= width_below:
                        rest = change_below[below]
                if right_change < rest:
                    rest = right_change
                a, b = opening + rest, unit + rest
                keep_row[x] = kept if kept < a else a
                change_row[x] = right_change = kept if kept < b else b
        return keep_after, change_after

    def points(
        self,
        keep_before: list[list[float]],
        change_before: list[list[float]],
        keep_after: list[list[float]],
        change_after: list[list[float]],
    ) -> list[list[_Point]]:
        """For each row, the points some cheapest reading passes, with its possible steps."""
        base, other, lows, highs, unit = self.base, self.other, self.lows, self.highs, self.unit
        n, m = len(base), len(other)
        best = keep_after[0][0]
        infinity = math.inf

        def at(row: list[float], i: int, j: int) -> float:
            low = lows[i]
            return row[j - low] if low <= j <= highs[i] else infinity

        rows: list[list[_Point]] = []
        for i in range(n + 1):
            row: list[_Point] = []
            low = lows[i]
            # The cells some cheapest reading passes, in the order of j, a keep before a
            # change (_KEEP < _CHANGE): most cells are on none, so they are found first.
            kb, ka, cb, ca = keep_before[i], keep_after[i], change_before[i], change_after[i]
            on_keep = [(x, _KEEP) for x in range(len(kb)) if kb[x] + ka[x] == best]
            on_change = [(x, _CHANGE) for x in range(len(cb)) if cb[x] + ca[x] == best]
            for x, mode in sorted(on_keep + on_change):
                j = low + x
                so_far = (keep_before if mode == _KEEP else change_before)[i][x]
                step = unit + 1 if mode == _KEEP else unit
                keeps = (
                    i < n
                    and j < m
                    and base[i] == other[j]
                    and so_far + at(keep_after[i + 1], i + 1, j + 1) == best
                )
                drops = i < n and so_far + step + at(change_after[i + 1], i + 1, j) == best
                adds = j < m and so_far + step + at(change_after[i], i, j + 1) == best
                row.append((j, mode, keeps, drops, adds))
            rows.append(row)
        return rows


# --- where the two changes meet ------------------------------------------------------------------


def _settle(
    base: list[str],
    current: list[str],
    proposed: list[str],
    before: str | None,
    after: str | None,
) -> tuple[list[str] | None, str]:
    """The merge of a passage both sides may change, or None and the kind of collision.

    ``before`` and ``after`` are the words around the passage (None at the text's edges),
    which decide how naturally a change at its edges reads."""
    if _never_apart(base, current, proposed):
        return None, OVERLAP
    return _read_together(base, current, proposed, before, after)


def _read_together(
    base: list[str],
    current: list[str],
    proposed: list[str],
    before: str | None,
    after: str | None,
) -> tuple[list[str] | None, str]:
    """``_settle`` without its shortcut: the search over both sides' minimal readings. A
    passage too large to read within the limits is reported as ambiguous: never guessed."""
    accepted = _passage_readings(tuple(base), tuple(current))
    authored = _passage_readings(tuple(base), tuple(proposed))
    if accepted.too_large or authored.too_large:
        return None, AMBIGUOUS
    states = sum(
        len(ours) * len(theirs) * 3
        for ours, theirs in zip(accepted.points, authored.points, strict=True)
    )
    if states > MAX_SEARCH_STATES:
        return None, AMBIGUOUS
    search = _ReadingSearch(accepted, authored)
    if not search.some_reading_apart():
        return None, OVERLAP
    merged = search.only_merge()
    if merged is None:
        return None, AMBIGUOUS
    if _natural_readings_touch(
        _NaturalReadings(accepted, before, after), _NaturalReadings(authored, before, after)
    ):
        return None, AMBIGUOUS
    return merged, OVERLAP


@lru_cache(maxsize=64)
def _passage_readings(base: tuple[str, ...], other: tuple[str, ...]) -> _Readings:
    # Carrying a paragraph's amendments forward meets the accepted change's passages again
    # and again (one for each amendment that changes the same stretch): each is read once.
    # Readings are never changed once made.
    return _Readings(base, other, _distance(base, other), cap=MAX_TABLE_CELLS)


def _distance(base: Sequence[str], other: Sequence[str]) -> int:
    """How many tokens diff-match-patch changes (as few as any reading can)."""
    return sum(
        len(tokens) for op, tokens in token_diff(list(base), list(other), semantic=False) if op
    )


def _trim_common(
    base: list[str], current: list[str], proposed: list[str], *, words: bool = True
) -> tuple[list[str], list[str], list[str]]:
    """Drop the leading and trailing tokens all three pieces share, to show only the clash;
    without ``words``, only the spaces and punctuation they start with and the spaces they
    end with (a passage then reads from a word to its sentence's full stop)."""
    head = 0
    shortest = min(len(base), len(current), len(proposed))
    while (
        head < shortest
        and base[head] == current[head] == proposed[head]
        and (words or not is_word(base[head]))
    ):
        head += 1
    tail = 0
    while (
        tail < shortest - head
        and base[-1 - tail] == current[-1 - tail] == proposed[-1 - tail]
        and (words or base[-1 - tail].isspace())
    ):
        tail += 1
    end = -tail or None
    return base[head:end], current[head:end], proposed[head:end]


def _never_apart(base: list[str], current: list[str], proposed: list[str]) -> bool:
    """True when no reading can keep the two changes apart, found without the search's
    tables (which cost up to a few hundred milliseconds on a long stretch).

    Each step of the search keeps the base token on one side at least, so a base token
    neither text has cannot be passed. A side that keeps none of the passage's words (a
    rewrite) leaves no word to stand between its change and any of the other's. And when
    each side only inserts (or only deletes) one run of tokens, its minimal readings are
    exactly the places that run can slide to; if no word lies between the two runs wherever
    they slide, they always touch."""
    if not set(base) <= set(current) | set(proposed):
        return True
    words = {token for token in base if is_word(token)}
    both_change = current != base and proposed != base
    if words and both_change and (words.isdisjoint(current) or words.isdisjoint(proposed)):
        return True
    accepted, authored = _sliding_run(base, current), _sliding_run(base, proposed)
    if accepted is None or authored is None:
        return False
    return not (_word_between(base, accepted, authored) or _word_between(base, authored, accepted))


def _sliding_run(base: list[str], other: list[str]) -> tuple[int, int, int] | None:
    """If ``other`` is ``base`` with one run of tokens inserted or deleted, the first and last
    base index that run can start at, and how many base tokens it deletes; else None."""
    inserted = len(other) - len(base)
    shorter, longer = (base, other) if inserted > 0 else (other, base)
    if inserted == 0:
        return None
    head = 0
    while head < len(shorter) and shorter[head] == longer[head]:
        head += 1
    tail = 0
    while tail < len(shorter) and shorter[-1 - tail] == longer[-1 - tail]:
        tail += 1
    if head + tail < len(shorter):
        return None  # more than one run changed
    first, last = len(shorter) - tail, head
    return (first, last, 0) if inserted > 0 else (first, last, -inserted)


def _word_between(
    base: list[str], before: tuple[int, int, int], after: tuple[int, int, int]
) -> bool:
    # A word of the base after ``before`` at its leftmost and before ``after`` at its rightmost.
    return any(is_word(token) for token in base[before[0] + before[2] : after[1]])


# Who has changed the text since the last word both sides kept.
_UNTOUCHED, _BY_ACCEPTED, _BY_AUTHOR = 0, 1, 2

# (base index, current index, accepted mode, proposed index, authored mode, who changed)
_State = tuple[int, int, int, int, int, int]


class _ReadingSearch:
    """Walks a minimal reading of base→current and one of base→proposed side by side, refusing
    any step that would bring a change of the one next to a change of the other without an
    unchanged word in between."""

    def __init__(self, accepted: _Readings, authored: _Readings) -> None:
        self.accepted, self.authored = accepted, authored
        self.base, self.current, self.proposed = accepted.base, accepted.other, authored.other
        self.end = (len(self.base), len(self.current), len(self.proposed))
        # Every state from which the end can be reached, found backwards (each step moves at
        # least one index forwards, so later indices are settled first).
        self.reaches_end: set[_State] = set()
        reaches = self.reaches_end
        for i in range(len(self.base), -1, -1):
            word = i < len(self.base) and is_word(self.base[i])
            sides = list(reversed(authored.points[i]))
            for j, a_mode, a_keeps, a_drops, a_adds in reversed(accepted.points[i]):
                for k, p_mode, p_keeps, p_drops, p_adds in sides:
                    at_end = (i, j, k) == self.end
                    for changed in (_UNTOUCHED, _BY_ACCEPTED, _BY_AUTHOR):
                        if not (
                            at_end
                            or (
                                a_keeps
                                and p_keeps
                                and (
                                    i + 1,
                                    j + 1,
                                    _KEEP,
                                    k + 1,
                                    _KEEP,
                                    _UNTOUCHED if word else changed,
                                )
                                in reaches
                            )
                            or (
                                changed != _BY_AUTHOR
                                and (
                                    (
                                        a_drops
                                        and p_keeps
                                        and (i + 1, j, _CHANGE, k + 1, _KEEP, _BY_ACCEPTED)
                                        in reaches
                                    )
                                    or (
                                        a_adds
                                        and (i, j + 1, _CHANGE, k, p_mode, _BY_ACCEPTED) in reaches
                                    )
                                )
                            )
                            or (
                                changed != _BY_ACCEPTED
                                and (
                                    (
                                        p_drops
                                        and a_keeps
                                        and (i + 1, j + 1, _KEEP, k, _CHANGE, _BY_AUTHOR) in reaches
                                    )
                                    or (
                                        p_adds
                                        and (i, j, a_mode, k + 1, _CHANGE, _BY_AUTHOR) in reaches
                                    )
                                )
                            )
                        ):
                            continue
                        reaches.add((i, j, a_mode, k, p_mode, changed))

    def some_reading_apart(self) -> bool:
        """Does some pair of minimal readings keep the two changes apart?"""
        return (0, 0, _KEEP, 0, _KEEP, _UNTOUCHED) in self.reaches_end

    def only_merge(self) -> list[str] | None:
        """The merged tokens if every pair of readings that keeps the changes apart gives the
        same ones, else None.

        A walk that has kept, deleted and inserted tokens up to (i, j, k) has written exactly
        j + k - i tokens of the merge, so two walks give different texts exactly when some
        step on a complete walk writes a token another writes differently at that place."""
        written: dict[int, str] = {}
        start: _State = (0, 0, _KEEP, 0, _KEEP, _UNTOUCHED)
        seen, waiting = {start}, [start]
        while waiting:
            state = waiting.pop()
            place = state[1] + state[3] - state[0]
            for token, after in self._steps(state):
                if after not in self.reaches_end:
                    continue
                if token is not None and written.setdefault(place, token) != token:
                    return None
                if after not in seen:
                    seen.add(after)
                    waiting.append(after)
        return [written[place] for place in range(len(written))]

    def _steps(self, state: _State) -> list[tuple[str | None, _State]]:
        """The allowed next steps from ``state``, each with the token it adds to the merge."""
        i, j, a_mode, k, p_mode, changed = state
        a_keeps, a_drops, a_adds = self.accepted.moves[(i, j, a_mode)]
        p_keeps, p_drops, p_adds = self.authored.moves[(i, k, p_mode)]
        steps: list[tuple[str | None, _State]] = []
        if a_keeps and p_keeps:
            # A word both sides kept separates what comes before it from what comes after.
            kept = _UNTOUCHED if is_word(self.base[i]) else changed
            steps.append((self.base[i], (i + 1, j + 1, _KEEP, k + 1, _KEEP, kept)))
        if changed != _BY_AUTHOR:
            if a_drops and p_keeps:
                steps.append((None, (i + 1, j, _CHANGE, k + 1, _KEEP, _BY_ACCEPTED)))
            if a_adds:
                steps.append((self.current[j], (i, j + 1, _CHANGE, k, p_mode, _BY_ACCEPTED)))
        if changed != _BY_ACCEPTED:
            if p_drops and a_keeps:
                steps.append((None, (i + 1, j + 1, _KEEP, k, _CHANGE, _BY_AUTHOR)))
            if p_adds:
                steps.append((self.proposed[k], (i, j, a_mode, k + 1, _CHANGE, _BY_AUTHOR)))
        return steps


# --- the most natural readings ---------------------------------------------------------------

# Where a natural reading stands: after a kept token, inside a region after a deletion, or
# inside a region after an insertion. A region's deletions come before its insertions (the
# order the diff shows them), so a region starts with its first deleted token if it deletes
# any and ends with its last inserted token if it inserts any.
_AFTER_KEEP, _AFTER_DROP, _AFTER_ADD = 0, 1, 2
_KEEP_STEP, _DROP_STEP, _ADD_STEP = 0, 1, 2

# (base index, other index, where)
_NaturalState = tuple[int, int, int]


class _NaturalReadings:
    """The minimal readings whose change regions read best, summed over the regions
    (``start_reads_well`` + ``end_reads_well``): ``steps`` holds, for each state on one of
    them, the steps that stay on one."""

    def __init__(self, readings: _Readings, before: str | None, after: str | None) -> None:
        base, other = readings.base, readings.other
        n, m = len(base), len(other)
        self.base = base
        best: dict[_NaturalState, float] = {}
        options: dict[_NaturalState, list[tuple[int, _NaturalState | None, int]]] = {}
        for i in range(n, -1, -1):
            for j, mode, keeps, drops, adds in reversed(readings.points[i]):
                wheres = (_AFTER_KEEP,) if mode == _KEEP else (_AFTER_DROP, _AFTER_ADD)
                for where in wheres:
                    if (where == _AFTER_DROP and not i) or (where == _AFTER_ADD and not j):
                        continue
                    previous = base[i - 1] if i else before
                    last = base[i - 1] if where == _AFTER_DROP else other[j - 1] if j else ""
                    found: list[tuple[int, _NaturalState | None, int]] = []
                    if i == n and j == m:
                        found.append((_KEEP_STEP, None, _closing(where, last, after)))
                    if keeps:
                        score = _closing(where, last, base[i])
                        found.append((_KEEP_STEP, (i + 1, j + 1, _AFTER_KEEP), score))
                    if drops and where != _AFTER_ADD:
                        score = start_reads_well(base[i], previous) if where == _AFTER_KEEP else 0
                        found.append((_DROP_STEP, (i + 1, j, _AFTER_DROP), score))
                    if adds:
                        score = start_reads_well(other[j], previous) if where == _AFTER_KEEP else 0
                        found.append((_ADD_STEP, (i, j + 1, _AFTER_ADD), score))
                    values = [
                        score + (best.get(state, -math.inf) if state else 0)
                        for _, state, score in found
                    ]
                    state = (i, j, where)
                    best[state] = max(values, default=-math.inf)
                    options[state] = [
                        option
                        for option, value in zip(found, values, strict=True)
                        if value == best[state] > -math.inf
                    ]
        # Keep only the states a best reading passes, found forwards from the start.
        self.steps: dict[_NaturalState, list[tuple[int, _NaturalState | None]]] = {}
        waiting: list[_NaturalState] = [(0, 0, _AFTER_KEEP)]
        while waiting:
            state = waiting.pop()
            if state in self.steps:
                continue
            self.steps[state] = [(kind, after_state) for kind, after_state, _ in options[state]]
            waiting.extend(after_state for _, after_state, _ in options[state] if after_state)


def _closing(where: int, last: str, following: str | None) -> int:
    # A keep (or the end) closes the region being read, if there is one.
    return 0 if where == _AFTER_KEEP else end_reads_well(last, following)


def _natural_readings_touch(accepted: _NaturalReadings, authored: _NaturalReadings) -> bool:
    """Does some pair of most natural readings bring the two changes together?

    The two readings are walked side by side as the search does; the first step that would
    bring a change of the one next to a change of the other, or both onto one token, is found
    (each side can always finish its own reading from there)."""
    base = accepted.base
    start = ((0, 0, _AFTER_KEEP), (0, 0, _AFTER_KEEP), _UNTOUCHED)
    seen, waiting = {start}, [start]
    while waiting:
        ours, theirs, changed = waiting.pop()
        our_steps, their_steps = accepted.steps[ours], authored.steps[theirs]
        following: list[tuple[_NaturalState, _NaturalState, int]] = []
        for kind, after in our_steps:
            if kind == _ADD_STEP and after:
                if changed == _BY_AUTHOR:
                    return True
                following.append((after, theirs, _BY_ACCEPTED))
        for kind, after in their_steps:
            if kind == _ADD_STEP and after:
                if changed == _BY_ACCEPTED:
                    return True
                following.append((ours, after, _BY_AUTHOR))
        for our_kind, our_after in our_steps:
            for their_kind, their_after in their_steps:
                if our_kind == _ADD_STEP or their_kind == _ADD_STEP:
                    continue
                if our_after is None or their_after is None:
                    continue  # the end
                if our_kind == _DROP_STEP and their_kind == _DROP_STEP:
                    return True
                if our_kind == _DROP_STEP:
                    if changed == _BY_AUTHOR:
                        return True
                    following.append((our_after, their_after, _BY_ACCEPTED))
                elif their_kind == _DROP_STEP:
                    if changed == _BY_ACCEPTED:
                        return True
                    following.append((our_after, their_after, _BY_AUTHOR))
                else:
                    kept = _UNTOUCHED if is_word(base[ours[0]]) else changed
                    following.append((our_after, their_after, kept))
        for state in following:
            if state not in seen:
                seen.add(state)
                waiting.append(state)
    return False
