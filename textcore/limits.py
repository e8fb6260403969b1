"""How the length of a typed text is counted, and how a refusal for length is worded.

A browser's ``maxlength`` counts a line break as one character, but a form sends it as CR LF;
counting after ``normalise_line_breaks`` makes the server agree with the browser, so text the
browser allowed is never refused.
"""

from __future__ import annotations

import re

_CARRIAGE_RETURNS = re.compile(r"\r\n?")


def normalise_line_breaks(text: str) -> str:
    """``text`` with every CR LF and lone CR turned into LF, as a browser counts them."""
    return _CARRIAGE_RETURNS.sub("\n", text)


def counted_length(text: str) -> int:
    """The length a limit is checked against: characters, a line break counting as one."""
    return len(normalise_line_breaks(text))


def too_long_message(what: str, length: int, limit: int) -> str:
    """The refusal of a text over its limit, naming both: "The reason is 3,012 characters;
    the maximum is 3,000." (``what`` starts the sentence: "The reason")."""
    return f"{what} is {length:,} characters; the maximum is {limit:,}."
