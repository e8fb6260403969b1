"""Carrying a pending amendment onto a paragraph's new text, or saying honestly it conflicts.

An amendment was written against ``base`` and proposes ``proposed``; meanwhile the paragraph
became ``current`` (another amendment was accepted). This is a word-level three-way merge in
base coordinates: the accepted change and the author's change may both stand only where every
change of the one is separated from every change of the other by at least one word that
neither touched. Two changes separated by nothing but a space or punctuation collide, so two
amendments that change the same words never both apply silently, and nothing is fuzzy: the
author's words go exactly where the alignment puts them, or the amendment is in conflict.

The merge first tries diff-match-patch's own alignments of base→current and base→proposed.
Where those collide, a repeated word may have made dmp place a change somewhere else than an
equally short reading would ("x x x" → "x x" may have lost its first x or its last), so the
search tries every minimal reading of both changes there (fewest changed tokens, then fewest
separate regions) and accepts a merge only if some pair keeps the two changes apart;
otherwise it reports the collisions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from textcore.diff import DELETE, EQUAL, INSERT, is_word, token_diff, tokenize

# The search over readings fills tables of a stretch of the base against both sides; past
# this many cells (a stretch of some 170 words) it reports a conflict rather than keep
# an editor waiting. Only a collision in a long passage both sides rewrote gets there.
MAX_TABLE_CELLS = 250_000

# How many tokens around the colliding zones the search may re-read; further out, dmp's
# reading stands. Ambiguity from repeated words in real prose spans a few words at most.
SEARCH_MARGIN = 40


@dataclass(frozen=True)
class Collision:
    """One place where the author's change meets the accepted change.

    ``deleted`` is the passage as the author saw it, ``inserted`` what the author wanted it to
    say, ``current`` what it says now: "you wanted to change X into Y, but it now reads Z".
    """

    deleted: str
    inserted: str
    current: str


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


def reapply_where_possible(base: str, proposed: str, current: str) -> str:
    """``current`` with every part of the change ``base``→``proposed`` that does not collide
    put back in; where the two collide, ``current``'s words stand. A conflicted author's
    starting point to finish by hand (the clean rebase's text when there is no collision)."""
    result = rebase(base, proposed, current)
    if result.text is not None:
        return result.text
    return "".join(_Zones(tokenize(base), tokenize(current), tokenize(proposed)).merged())


def competing(base: str, proposed_a: str, proposed_b: str) -> bool:
    """True if two amendments written against ``base`` change the same or touching words."""
    if base in (proposed_a, proposed_b):
        return False
    merged, _ = _merge(tokenize(base), tokenize(proposed_a), tokenize(proposed_b))
    return merged is None


Spans = list[tuple[int, int]]


def change_spans(base: str, proposed: str) -> Spans:
    """Where the change ``base``→``proposed`` touches ``base``, as runs (first, last) of
    positions: word j of the base is position 2j+1, the stretch before it (spaces,
    punctuation, insertions there) 2j. Stored with an amendment, so that ``spans_compete``
    can compare two amendments without diffing again."""
    base_tokens = tokenize(base)
    alignment = _Alignment(base_tokens, tokenize(proposed))
    positions: list[int] = []
    words = 0
    for index, token in enumerate(base_tokens):
        if alignment.inserted_at[index]:
            positions.append(2 * words)
        if is_word(token):
            if alignment.changed[index]:
                positions.append(2 * words + 1)
            words += 1
        elif alignment.changed[index]:
            positions.append(2 * words)
    if alignment.inserted_at[len(base_tokens)]:
        positions.append(2 * words)
    runs: Spans = []
    for position in positions:
        if runs and position <= runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], max(runs[-1][1], position))
        else:
            runs.append((position, position))
    return runs


def spans_compete(first: Spans, second: Spans) -> bool:
    """True if, under each change's own word alignment, some change of ``first`` and some
    change of ``second`` (spans of one base) have no word between them that both kept.

    This is ``competing``'s first test, without the diffs: it never misses a competing pair,
    and flags the rare pair that only a re-reading of repeated words would keep apart."""
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
    if not zones.conflicting:
        return zones.merged(), []
    # dmp's alignments collide; a different, equally minimal reading of a repeated word may
    # not. Each cluster of colliding zones is searched again with the words around it; dmp's
    # reading stands further out.
    replacements = []
    for first, last in zones.windows(SEARCH_MARGIN):
        merged = _search_readings(*zones.span(first, last))
        if merged is None:
            return None, zones.collisions()
        replacements.append((first, last, merged))
    return zones.merged(replacements), []


class _Alignment:
    """dmp's token alignment of ``base`` with ``other``: which base tokens changed, and where."""

    def __init__(self, base: list[str], other: list[str]) -> None:
        self.changed = [False] * len(base)
        self.inserted_at = [False] * (len(base) + 1)
        # other_index[i] is where base token i sits in ``other`` if it was kept.
        self.other_index: list[int | None] = [None] * len(base)
        base_index = other_index = 0
        for op, tokens in token_diff(base, other, semantic=False):
            if op == EQUAL:
                for offset in range(len(tokens)):
                    self.other_index[base_index + offset] = other_index + offset
                base_index += len(tokens)
                other_index += len(tokens)
            elif op == DELETE:
                for offset in range(len(tokens)):
                    self.changed[base_index + offset] = True
                base_index += len(tokens)
            elif op == INSERT:
                self.inserted_at[base_index] = True
                other_index += len(tokens)


@lru_cache(maxsize=256)
def _aligned(base: tuple[str, ...], other: tuple[str, ...]) -> _Alignment:
    # Carrying a paragraph's pending amendments forward rebases each of them onto the same
    # new text: its alignment with the old text is diffed once, not once per amendment (a
    # rewritten paragraph takes some 15 ms). An alignment is never changed once made.
    return _Alignment(list(base), list(other))


class _Zones:
    """The base cut at words neither side changed, each zone marked with who changed it."""

    def __init__(self, base: list[str], current: list[str], proposed: list[str]) -> None:
        self.base, self.current, self.proposed = base, current, proposed
        accepted = _aligned(tuple(base), tuple(current))
        authored = _aligned(tuple(base), tuple(proposed))
        # Boundaries are (base, current, proposed) indices of unchanged words, plus both ends.
        self.bounds: list[tuple[int, int, int]] = [(-1, -1, -1)]
        for index, token in enumerate(base):
            in_current = accepted.other_index[index]
            in_proposed = authored.other_index[index]
            if in_current is not None and in_proposed is not None and is_word(token):
                self.bounds.append((index, in_current, in_proposed))
        self.bounds.append((len(base), len(current), len(proposed)))
        self.changed_by: list[tuple[bool, bool]] = []
        for (low, _, _), (high, _, _) in zip(self.bounds, self.bounds[1:], strict=False):
            self.changed_by.append(
                (_touched(accepted, low, high), _touched(authored, low, high)),
            )
        self.conflicting = [i for i, (a, p) in enumerate(self.changed_by) if a and p]

    def windows(self, margin: int) -> list[tuple[int, int]]:
        """Stretches of zones (first, last) holding the colliding zones and ``margin`` tokens
        (or the text's end) on either side of them; stretches that would overlap are joined."""
        stretches: list[tuple[int, int]] = []
        for zone in self.conflicting:
            first = last = zone
            start, end = self.bounds[zone][0], self.bounds[zone + 1][0]
            while first > 0 and start - self.bounds[first][0] < margin:
                first -= 1
            while last < len(self.changed_by) - 1 and self.bounds[last + 1][0] - end < margin:
                last += 1
            if stretches and first <= stretches[-1][1]:
                first = stretches.pop()[0]
            stretches.append((first, last))
        return stretches

    def span(self, first: int, last: int) -> tuple[list[str], list[str], list[str]]:
        """The base, current and proposed tokens of zones ``first`` to ``last``."""
        (b0, c0, p0), (b1, c1, p1) = self.bounds[first], self.bounds[last + 1]
        return self.base[b0 + 1 : b1], self.current[c0 + 1 : c1], self.proposed[p0 + 1 : p1]

    def merged(self, replacements: list[tuple[int, int, list[str]]] | None = None) -> list[str]:
        """The merged tokens: each zone from whichever side changed it.

        Each (first, last, tokens) in ``replacements`` puts ``tokens`` in place of zones first
        to last and the unchanged words between them.
        """
        # Which replacement, if any, each zone belongs to.
        owner: dict[int, int] = {}
        for number, (first, last, _) in enumerate(replacements or []):
            owner.update(dict.fromkeys(range(first, last + 1), number))
        tokens: list[str] = []
        for zone, (by_accepted, _) in enumerate(self.changed_by):
            if zone not in owner:
                _, current_piece, proposed_piece = self.span(zone, zone)
                tokens.extend(current_piece if by_accepted else proposed_piece)
            elif replacements and replacements[owner[zone]][0] == zone:
                tokens.extend(replacements[owner[zone]][2])
            boundary = self.bounds[zone + 1][0]
            # A boundary word inside a replaced stretch is already in its tokens.
            inside = zone in owner and owner.get(zone + 1) == owner[zone]
            if boundary < len(self.base) and not inside:
                tokens.append(self.base[boundary])
        return tokens

    def collisions(self) -> list[Collision]:
        """What the author wanted and what the text says now, for each zone both sides changed."""
        found = []
        for zone in self.conflicting:
            was, now, wanted = _trim_common(*self.span(zone, zone))
            found.append(
                Collision(deleted="".join(was), inserted="".join(wanted), current="".join(now))
            )
        return found


def _touched(alignment: _Alignment, low: int, high: int) -> bool:
    # A zone holds the base tokens strictly between two boundary words and the gaps around
    # them, so an insertion right next to a boundary word belongs to the zone.
    return any(alignment.changed[low + 1 : high]) or any(alignment.inserted_at[low + 1 : high + 1])


def _trim_common(
    base: list[str], current: list[str], proposed: list[str]
) -> tuple[list[str], list[str], list[str]]:
    """Drop the leading and trailing tokens all three pieces share, to show only the clash."""
    head = 0
    shortest = min(len(base), len(current), len(proposed))
    while head < shortest and base[head] == current[head] == proposed[head]:
        head += 1
    tail = 0
    while tail < shortest - head and base[-1 - tail] == current[-1 - tail] == proposed[-1 - tail]:
        tail += 1
    end = -tail or None
    return base[head:end], current[head:end], proposed[head:end]


def _search_readings(base: list[str], current: list[str], proposed: list[str]) -> list[str] | None:
    """Merge under any minimal reading of each change that keeps the two apart, or None.

    A reading of base→current (or base→proposed) is a token alignment; a minimal one changes
    as few tokens as possible and, among those, has as few separate change regions as
    possible. With repeated words there can be several. The search walks a reading of each
    side along the base at once and refuses any step that would bring a change of the one side
    next to a change of the other without an unchanged word in between. It runs with the two
    sides in both roles and keeps the smaller text, so that the result never depends on which
    amendment was accepted first.
    """
    if _never_apart(base, current, proposed):
        return None
    return _search_all_readings(base, current, proposed)


def _never_apart(base: list[str], current: list[str], proposed: list[str]) -> bool:
    """True when no reading can keep the two changes apart, found without the search's
    tables (which cost up to a few hundred milliseconds on a long stretch).

    Each step of the search keeps the base token on one side at least, so a base token
    neither text has cannot be passed. And when each side only inserts (or only deletes) one
    run of tokens, its minimal readings are exactly the places that run can slide to; if no
    word lies between the two runs wherever they slide, they always touch."""
    if not set(base) <= set(current) | set(proposed):
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


def _word_between(base: list[str], before: tuple[int, int, int], after: tuple[int, int, int]):  # type: ignore[no-untyped-def]
    # A word of the base after ``before`` at its leftmost and before ``after`` at its rightmost.
    return any(is_word(token) for token in base[before[0] + before[2] : after[1]])


def _search_all_readings(
    base: list[str], current: list[str], proposed: list[str]
) -> list[str] | None:
    if (len(base) + 1) * (len(current) + len(proposed) + 2) > MAX_TABLE_CELLS:
        return None
    accepted, authored = _MinimalScripts(base, current), _MinimalScripts(base, proposed)
    candidates = [
        merged
        for merged in (
            _ReadingSearch(accepted, authored).merged(),
            _ReadingSearch(authored, accepted).merged(),
        )
        if merged is not None
    ]
    return min(candidates) if candidates else None


# A step of an alignment keeps a token (both texts have it) or is part of a change region.
_KEEP, _CHANGE = 0, 1


class _MinimalScripts:
    """Which alignment steps of ``base`` with ``other`` lie on some minimal reading.

    Cost counts changed tokens first and change regions second (a reading that splits one
    change into scattered pieces is not how anyone edits), folded into one integer.
    """

    def __init__(self, base: list[str], other: list[str]) -> None:
        self.base, self.other = base, other
        n, m = len(base), len(other)
        self.unit = n + m + 2  # more than any number of regions, so tokens always weigh more
        infinity = self.unit * self.unit
        # before[mode][i][j]: cheapest reading of base[:i] as other[:j] whose last step is in
        # ``mode``; after[mode][i][j]: cheapest reading of base[i:] as other[j:] that follows
        # a step in ``mode``.
        unit, opening = self.unit, self.unit + 1  # a change after a kept token opens a region
        # Both tables are filled row by row with plain local lists: this is the rebase's
        # innermost loop, run for every cell of a colliding stretch.
        keep_before = [[infinity] * (m + 1) for _ in range(n + 1)]
        change_before = [[infinity] * (m + 1) for _ in range(n + 1)]
        keep_before[0][0] = 0
        for i in range(n + 1):
            keep_row, change_row = keep_before[i], change_before[i]
            keep_above = change_above = None
            token = None
            if i:
                keep_above, change_above, token = (
                    keep_before[i - 1],
                    change_before[i - 1],
                    base[i - 1],
                )
            for j in range(m + 1):
                if not (i or j):
                    continue
                kept = changed = infinity
                if keep_above is not None and change_above is not None:
                    if j and token == other[j - 1]:
                        kept = min(keep_above[j - 1], change_above[j - 1])
                    changed = min(keep_above[j] + opening, change_above[j] + unit)
                if j:
                    changed = min(changed, keep_row[j - 1] + opening, change_row[j - 1] + unit)
                keep_row[j] = kept
                change_row[j] = changed if changed < infinity else infinity
        keep_after = [[infinity] * (m + 1) for _ in range(n + 1)]
        change_after = [[infinity] * (m + 1) for _ in range(n + 1)]
        for i in range(n, -1, -1):
            keep_row, change_row = keep_after[i], change_after[i]
            keep_below = keep_after[i + 1] if i < n else None
            change_below = change_after[i + 1] if i < n else None
            token = base[i] if i < n else None
            for j in range(m, -1, -1):
                if i == n and j == m:
                    keep_row[j] = change_row[j] = 0
                    continue
                kept = infinity
                if keep_below is not None and j < m and token == other[j]:
                    kept = keep_below[j + 1]
                rest = change_below[j] if change_below is not None else None
                if j < m:
                    rest = change_row[j + 1] if rest is None else min(rest, change_row[j + 1])
                if rest is None:
                    keep_row[j] = change_row[j] = kept
                else:
                    keep_row[j] = min(kept, opening + rest)
                    change_row[j] = min(kept, unit + rest)
        before, after = [keep_before, change_before], [keep_after, change_after]
        self.before, self.after = before, after
        self.best = after[_KEEP][0][0]
        # For each base index, the (other index, mode) points some minimal reading passes.
        self.points = []
        best = self.best
        for i in range(n + 1):
            keep_early, change_early = keep_before[i], change_before[i]
            keep_late, change_late = keep_after[i], change_after[i]
            row = []
            for j in range(m + 1):
                if keep_early[j] + keep_late[j] == best:
                    row.append((j, _KEEP))
                if change_early[j] + change_late[j] == best:
                    row.append((j, _CHANGE))
            self.points.append(row)

    def _change_cost(self, mode: int) -> int:
        # Every changed token costs a unit; starting a new change region costs one more.
        return self.unit + (1 if mode == _KEEP else 0)

    def keeps(self, i: int, j: int, mode: int) -> bool:
        """Can a minimal reading at (i, j, mode) keep base[i] as other[j]?"""
        return (
            i < len(self.base)
            and j < len(self.other)
            and self.base[i] == self.other[j]
            and self.before[mode][i][j] + self.after[_KEEP][i + 1][j + 1] == self.best
        )

    def drops(self, i: int, j: int, mode: int) -> bool:
        """Can a minimal reading at (i, j, mode) delete base[i]?"""
        return (
            i < len(self.base)
            and self.before[mode][i][j] + self._change_cost(mode) + self.after[_CHANGE][i + 1][j]
            == self.best
        )

    def adds(self, i: int, j: int, mode: int) -> bool:
        """Can a minimal reading at (i, j, mode) insert other[j]?"""
        return (
            j < len(self.other)
            and self.before[mode][i][j] + self._change_cost(mode) + self.after[_CHANGE][i][j + 1]
            == self.best
        )


# Who has changed the text since the last word both sides kept.
_UNTOUCHED, _BY_ACCEPTED, _BY_AUTHOR = 0, 1, 2

# (base index, current index, accepted mode, proposed index, authored mode, who changed)
_State = tuple[int, int, int, int, int, int]


class _ReadingSearch:
    """Walks a minimal reading of base→current and one of base→proposed side by side."""

    def __init__(self, accepted: _MinimalScripts, authored: _MinimalScripts) -> None:
        self.accepted, self.authored = accepted, authored
        self.base, self.current, self.proposed = accepted.base, accepted.other, authored.other
        self.end = (len(self.base), len(self.current), len(self.proposed))
        # Every state from which the end can be reached, found backwards (each step moves at
        # least one index forwards, so later indices are settled first).
        self.reaches_end: set[_State] = set()
        reaches = self.reaches_end
        for i in range(len(self.base), -1, -1):
            # What each side can do from each of its points here, asked once rather than for
            # every pairing and every ``changed``: the steps are exactly those of ``_steps``.
            word = i < len(self.base) and is_word(self.base[i])
            sides = [
                (
                    k,
                    mode,
                    authored.keeps(i, k, mode),
                    authored.drops(i, k, mode),
                    authored.adds(i, k, mode),
                )
                for k, mode in reversed(authored.points[i])
            ]
            for j, a_mode in reversed(accepted.points[i]):
                a_keeps, a_drops = accepted.keeps(i, j, a_mode), accepted.drops(i, j, a_mode)
                a_adds = accepted.adds(i, j, a_mode)
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

    def merged(self) -> list[str] | None:
        """The merged tokens along the first reading that reaches the end, or None."""
        state: _State = (0, 0, _KEEP, 0, _KEEP, _UNTOUCHED)
        if state not in self.reaches_end:
            return None
        tokens: list[str] = []
        while (state[0], state[1], state[3]) != self.end:
            token, state = next(
                (token, after) for token, after in self._steps(state) if after in self.reaches_end
            )
            if token is not None:
                tokens.append(token)
        return tokens

    def _steps(self, state: _State) -> list[tuple[str | None, _State]]:
        """The allowed next steps from ``state``, each with the token it adds to the merge."""
        i, j, a_mode, k, p_mode, changed = state
        accepted, authored = self.accepted, self.authored
        steps: list[tuple[str | None, _State]] = []
        if accepted.keeps(i, j, a_mode) and authored.keeps(i, k, p_mode):
            # A word both sides kept separates what comes before it from what comes after.
            kept = _UNTOUCHED if is_word(self.base[i]) else changed
            steps.append((self.base[i], (i + 1, j + 1, _KEEP, k + 1, _KEEP, kept)))
        if changed != _BY_AUTHOR:
            if accepted.drops(i, j, a_mode) and authored.keeps(i, k, p_mode):
                steps.append((None, (i + 1, j, _CHANGE, k + 1, _KEEP, _BY_ACCEPTED)))
            if accepted.adds(i, j, a_mode):
                steps.append((self.current[j], (i, j + 1, _CHANGE, k, p_mode, _BY_ACCEPTED)))
        if changed != _BY_ACCEPTED:
            if authored.drops(i, k, p_mode) and accepted.keeps(i, j, a_mode):
                steps.append((None, (i + 1, j + 1, _KEEP, k, _CHANGE, _BY_AUTHOR)))
            if authored.adds(i, k, p_mode):
                steps.append((self.proposed[k], (i, j, a_mode, k + 1, _CHANGE, _BY_AUTHOR)))
        return steps
