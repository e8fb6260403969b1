"""The desk's pure rules: how typed text is shaped and counted, and the limits of what people
type. Forms, selectors and services all use them; they read no database and change nothing."""

from __future__ import annotations

import re

from amendments.models import Amendment, Comment
from common.columns import column_length
from textcore.diff import stored_ops
from textcore.oneline import strip_format_characters
from textcore.rebase import change_spans
from textcore.words import count_words

# The limits of what a member writes; the forms' fields (and so the browser's maxlength) use
# these same numbers. An editor's wording when accepting with changes has the text's limit.
MAX_TEXT_CHARS = 5000
MAX_TITLE_CHARS = column_length(Amendment, "title")
MAX_REASON_CHARS = 3000
# The limit of every reason an editor or admin gives (accepting, rejecting, reopening,
# reverting, changing a limit); the forms' fields use this same number. The text of a
# paragraph an editor writes (accepting with changes, editing) has a proposal's limit.
MAX_DECISION_REASON_CHARS = 3000
# The limits of a comment (or reply) and of an editor's reason for hiding one; the forms'
# fields, and so the browser's maxlength, use these same numbers.
MAX_COMMENT_CHARS = 5000
MAX_HIDE_REASON_CHARS = column_length(Comment, "hidden_reason")
# Every line break a paste can bring: CR LF, CR, LF, and from word processors and web pages
# the vertical tab, form feed, next line and the Unicode line and paragraph separators.
_LINE_BREAKS = re.compile(r"[ \t]*(?:\r\n|[\r\n\v\f\x85\u2028\u2029])+[ \t]*")
# What no text column can hold: PostgreSQL refuses NUL, and a lone surrogate cannot be encoded
# as UTF-8 by either database's driver. Forms refuse NUL already; this guards every caller.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = (
    "This contains a character that cannot be stored (a NUL byte or a broken character, "
    "perhaps from a paste). Remove it and try again."
)


# The hidden field that says which version of the paragraph a form was written against names
# none of the paragraph's own: the form was altered (or a script sent it).
NOT_A_VERSION_MESSAGE = (
    "The form named a version of the paragraph that is not one of its own (the form was "
    "altered), so nothing was saved. It now starts from the paragraph as it reads today: check "
    "your text and send it again."
)


def normalise_text(text: str) -> str:
    """One paragraph: line breaks become single spaces, ends are trimmed."""
    return _LINE_BREAKS.sub(" ", text).strip()


def same_words(first: str, second: str) -> bool:
    """True if two texts read the same once line breaks and runs of spaces are ignored."""
    return first.split() == second.split()


def title_clean(title: str) -> str:
    """A title without direction controls and invisible characters, which would let it read
    as other words or turn the text after it around; removed rather than refused, as they
    mostly come in with pasted text and nobody can see them to take them out."""
    return strip_format_characters(title).strip()


def has_unstorable_characters(text: str) -> bool:
    """True if ``text`` holds a character no database column can store (NUL, lone surrogate)."""
    return _UNSTORABLE.search(text) is not None


def proposed_paragraph_text(*, kind: str, base_text: str, text: str) -> str:
    """The paragraph text a proposal produces; a replacement keeps the base's own edge spacing,
    so the source's oddities (a leading non-breaking space) are not reported as changes."""
    if kind == Amendment.Kind.DELETE:
        return ""
    body = normalise_text(text)
    if kind == Amendment.Kind.INSERT or not body:
        return body
    leading = re.match(r"^\s*", base_text)
    trailing = re.search(r"\s*$", base_text)
    return (leading.group(0) if leading else "") + body + (trailing.group(0) if trailing else "")


def word_delta_of(*, kind: str, base_text: str, proposed_text: str) -> int:
    """How many words the amendment adds (positive) or removes (negative)."""
    if kind == Amendment.Kind.DELETE:
        return -count_words(base_text)
    if kind == Amendment.Kind.INSERT:
        return count_words(proposed_text)
    return count_words(proposed_text) - count_words(base_text)


def change_spans_of(*, kind: str, base_text: str, proposed_text: str) -> list[list[int]] | None:
    """Where a replacement touches its base, stored with it for the queue's competing flags
    (deletions compete with everything and insertions with nothing, so they need none)."""
    if kind != Amendment.Kind.REPLACE:
        return None
    return [[low, high] for low, high in change_spans(base_text, proposed_text)]


def diff_ops_of(*, base_text: str, proposed_text: str) -> list[list[int | str]]:
    """The word diff of the change as the review queue shows it, stored with the amendment
    whenever its texts are written or carried forward, so the queue never diffs."""
    return stored_ops(base_text, proposed_text)


# A refusal after which the form must be written against another version of the paragraph
# (it changed while the person wrote, or the form named a version not its own) carries that
# version's history id in its params under this name; the views' form starts again from it.
RESTART_FROM = "restart_from"
