"""Fractional order keys: a paragraph inserted between two others gets a key between theirs.

Keys are base-36 strings (0-9a-z) read as fractions in (0, 1): "i" is 18/36, "i5" is
18/36 + 5/36². They compare as plain strings, the way the database orders them, and never end
in "0", so there is always room below any key (David Greenspan's fractional indexing). Only the
new row is written; no other paragraph's key ever changes.
"""

from __future__ import annotations

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_BASE = len(DIGITS)


def key_between(before: str | None, after: str | None) -> str:
    """A key strictly between ``before`` and ``after``; None is the open start or end."""
    for key in (before, after):
        if key is not None:
            _check(key)
    if before is not None and after is not None and before >= after:
        raise ValueError(f"Order key {before!r} is not before {after!r}.")
    if before is None and after is None:
        return DIGITS[_BASE // 2]
    if after is None:
        return _after(before or "")
    if before is None:
        return _before(after)
    return _midpoint(before, after)


def initial_keys(count: int) -> list[str]:
    """``count`` short, evenly spread keys in ascending order, for importing a chapter."""
    if count < 0:
        raise ValueError("Cannot make a negative number of keys.")
    if count == 0:
        return []
    # Leave at least four steps between neighbours, so inserting between two imported
    # paragraphs usually keeps the key at the same length.
    width = 1
    while _BASE**width < 4 * (count + 1):
        width += 1
    space = _BASE**width
    keys = []
    for index in range(1, count + 1):
        value = index * space // (count + 1)
        if value % _BASE == 0:
            # A trailing zero is not allowed; the next value is still below the next key,
            # because neighbours are at least four apart.
            value += 1
        keys.append(_digits(value, width))
    return keys


def _check(key: str) -> None:
    if not key or key.endswith("0") or any(ch not in DIGITS for ch in key):
        raise ValueError(f"Invalid order key {key!r}: use 0-9 and a-z, not ending in 0.")


def _after(key: str) -> str:
    # Appending is the common case (a new paragraph at the end), so step the first digit that
    # is not "z" up by one instead of halving the gap: keys grow by one character every 35
    # appends rather than every five.
    for position, ch in enumerate(key):
        if ch != "z":
            return key[:position] + DIGITS[DIGITS.index(ch) + 1]
    return key + "1"


def _before(key: str) -> str:
    # The mirror image of _after: step the first digit that is not "0" down by one, or, if it
    # is "1" (a step down would end the key in "0"), go one level deeper under it.
    for position, ch in enumerate(key):
        if ch != "0":
            if ch == "1":
                return key[:position] + "0z"
            return key[:position] + DIGITS[DIGITS.index(ch) - 1]
    raise AssertionError("a valid key has a non-zero digit")  # pragma: no cover


def _midpoint(low: str, high: str) -> str:
    """A key strictly between ``low`` and ``high`` (``low`` may be "", meaning zero)."""
    # Keep the common prefix (a missing digit of ``low`` counts as "0") and recurse after it.
    common = 0
    while common < len(high) and (low[common] if common < len(low) else "0") == high[common]:
        common += 1
    if common:
        return high[:common] + _midpoint(low[common:], high[common:])
    low_digit = DIGITS.index(low[0]) if low else 0
    high_digit = DIGITS.index(high[0])
    if high_digit - low_digit > 1:
        return DIGITS[(low_digit + high_digit) // 2]
    # The first digits are adjacent. If ``high`` goes on, its first digit alone is a key in
    # between; otherwise keep ``low``'s first digit and find room above the rest of ``low``.
    if len(high) > 1:
        return high[0]
    return DIGITS[low_digit] + _upper_half(low[1:])


def _upper_half(low: str) -> str:
    """A key above ``low`` and below 1, halving the gap (used inside a midpoint)."""
    low_digit = DIGITS.index(low[0]) if low else 0
    if _BASE - low_digit > 1:
        return DIGITS[(low_digit + _BASE) // 2]
    return DIGITS[low_digit] + _upper_half(low[1:])


def _digits(value: int, width: int) -> str:
    out = []
    for _ in range(width):
        value, digit = divmod(value, _BASE)
        out.append(DIGITS[digit])
    return "".join(reversed(out))
