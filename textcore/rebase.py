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


def competing(base: str, proposed_a: str, proposed_b: str) -> bool:
    """True if two amendments written against ``base`` change the same or touching words."""
    if base in (proposed_a, proposed_b):
        return False
    merged, _ = _merge(tokenize(base), tokenize(proposed_a), tokenize(proposed_b))
    return merged is None


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


class _Zones:
    """The base cut at words neither side changed, each zone marked with who changed it."""

    def __init__(self, base: list[str], current: list[str], proposed: list[str]) -> None:
        self.base, self.current, self.proposed = base, current, proposed
        accepted = _Alignment(base, current)
        authored = _Alignment(base, proposed)
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
        before = [[[infinity] * (m + 1) for _ in range(n + 1)] for _ in (_KEEP, _CHANGE)]
        before[_KEEP][0][0] = 0
        for i in range(n + 1):
            for j in range(m + 1):
                for mode in (_KEEP, _CHANGE):
                    cost = before[mode][i][j]
                    if cost == infinity:
                        continue
                    if i < n and j < m and base[i] == other[j]:
                        _lower(before[_KEEP], i + 1, j + 1, cost)
                    step = cost + self._change_cost(mode)
                    if i < n:
                        _lower(before[_CHANGE], i + 1, j, step)
                    if j < m:
                        _lower(before[_CHANGE], i, j + 1, step)
        after = [[[infinity] * (m + 1) for _ in range(n + 1)] for _ in (_KEEP, _CHANGE)]
        for i in range(n, -1, -1):
            for j in range(m, -1, -1):
                for mode in (_KEEP, _CHANGE):
                    if i == n and j == m:
                        after[mode][i][j] = 0
                        continue
                    best = infinity
                    if i < n and j < m and base[i] == other[j]:
                        best = after[_KEEP][i + 1][j + 1]
                    step = self._change_cost(mode)
                    if i < n:
                        best = min(best, step + after[_CHANGE][i + 1][j])
                    if j < m:
                        best = min(best, step + after[_CHANGE][i][j + 1])
                    after[mode][i][j] = best
        self.before, self.after = before, after
        self.best = after[_KEEP][0][0]
        # For each base index, the (other index, mode) points some minimal reading passes.
        self.points = [
            [
                (j, mode)
                for j in range(m + 1)
                for mode in (_KEEP, _CHANGE)
                if before[mode][i][j] + after[mode][i][j] == self.best
            ]
            for i in range(n + 1)
        ]

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


def _lower(table: list[list[int]], i: int, j: int, cost: int) -> None:
    if cost < table[i][j]:
        table[i][j] = cost


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
        for i in range(len(self.base), -1, -1):
            for j, accepted_mode in reversed(self.accepted.points[i]):
                for k, authored_mode in reversed(self.authored.points[i]):
                    for changed in (_UNTOUCHED, _BY_ACCEPTED, _BY_AUTHOR):
                        state = (i, j, accepted_mode, k, authored_mode, changed)
                        if (i, j, k) == self.end or any(
                            after in self.reaches_end for _, after in self._steps(state)
                        ):
                            self.reaches_end.add(state)

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
