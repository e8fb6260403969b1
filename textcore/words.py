"""The one definition of a word. Every word count the app shows comes from ``count_words``.

A word is a run of characters between whitespace that contains at least one letter or digit,
the way a word processor counts: "1921-1929", "don’t", "‘War", "85%" and "etc." are one word
each. Dashes are separators as well as whitespace ("left—right" and "left – right" are two
words), so a dash on its own is not a word, and neither is an ellipsis or other punctuation.
Footnote markers after a sentence ("fatal.” 1", "all.3") are not words.
"""

from __future__ import annotations

import re
from collections.abc import Container

from textcore.footnotes import strip_refs
from textcore.oneline import is_invisible

# Whitespace of every kind (str.split's definition covers NBSP and thin spaces), plus the
# en dash, em dash, horizontal bar and figure dash, which separate words rather than join them.
_SEPARATORS = re.compile(r"[\s\u2012\u2013\u2014\u2015]+")


def words(text: str, known_footnotes: Container[int] | None = None) -> list[str]:
    """The words of ``text``, in order, with footnote markers removed."""
    return [
        token
        for token in _SEPARATORS.split(strip_refs(text, known_footnotes))
        if any(ch.isalnum() for ch in token)
    ]


def count_words(text: str, known_footnotes: Container[int] | None = None) -> int:
    """How many words ``text`` has (see the module docstring for what a word is)."""
    return len(words(text, known_footnotes))


def has_visible_text(text: str) -> bool:
    """True if ``text`` shows something: not only spaces and invisible characters (zero-width
    spaces, soft hyphens, direction marks, control characters; see ``textcore.oneline``)."""
    return not all(is_invisible(ch) for ch in text)


def trim_edges(text: str) -> str:
    """``text`` as every output shows a paragraph: without the spaces at its two ends.

    The imported source keeps them (the seed starts and ends paragraphs with non-breaking
    spaces) and so does the stored text, but a reader would see them as an indent. Spaces
    inside the text, non-breaking ones included, stay as they are.
    """
    return text.strip()
