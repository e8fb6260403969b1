"""One-line text a person types (titles, names, milestone names): what may be in it, and how
two names are compared.

Two kinds of character can make such a line lie about itself or its surroundings:

- direction controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates, the
  marks U+200E, U+200F and U+061C), which reorder the characters shown after them: a title
  "Fix a typo" followed by a right-to-left override reads as other words, and a name that
  leaves an override open turns the rest of its line around;
- invisible characters (zero-width space and joiners, word joiner, BOM, soft hyphen, the other
  format characters of category Cf, control characters, and the rest of Unicode's
  default-ignorable code points such as variation selectors and Hangul fillers), which make
  two different strings look the same ("Erin\u200bEditor" is shown as "ErinEditor").

Three are kept where they do visible work, so that real names and titles survive: the
zero-width non-joiner and joiner between two non-ASCII letters, marks or symbols (Persian
"می\u200cخواهم", Indic conjuncts, the emoji sequence "👩\u200d🔬"), a variation selector right
after a visible character (the emoji form of "✊\ufe0f", the keycap "1\ufe0f\u20e3"), and the
tag characters of a flag sequence after the black flag U+1F3F4. Anywhere else they show
nothing and are format characters like the others.

Line breaks and other whitespace are not format characters: callers decide whether a line
break is refused (titles) or folded into a space (names).
"""

from __future__ import annotations

import hashlib
import unicodedata

BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: plain text's <bdi>.
FSI, PDI = "\u2068", "\u2069"

_ZWNJ, _ZWJ = "\u200c", "\u200d"
_BLACK_FLAG = "\U0001f3f4"
# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt), which Python's
# unicodedata does not expose: characters that show nothing unless a font says otherwise.
_DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
# Not default-ignorable, yet drawn as nothing: the blank Braille pattern, a favourite of
# people who want a name that looks empty.
_BLANK_SYMBOLS = frozenset("\u2800")


def _is_default_ignorable(ch: str) -> bool:
    code = ord(ch)
    return any(low <= code <= high for low, high in _DEFAULT_IGNORABLE)


def _is_variation_selector(ch: str) -> bool:
    return "\ufe00" <= ch <= "\ufe0f" or "\U000e0100" <= ch <= "\U000e01ef"


def _is_tag(ch: str) -> bool:
    return "\U000e0020" <= ch <= "\U000e007f"


def is_format_character(ch: str) -> bool:
    """True for a character that shows nothing and is not whitespace: a direction control, a
    zero-width or other format character (Cf), a control character, a default-ignorable one."""
    if ch.isspace():
        return False
    category = unicodedata.category(ch)
    return category in ("Cf", "Cc") or _is_default_ignorable(ch) or ch in _BLANK_SYMBOLS


def is_invisible(ch: str) -> bool:
    """True for a character that shows no ink: whitespace of any kind or a format character."""
    return ch.isspace() or unicodedata.category(ch) in ("Zs", "Zl", "Zp") or is_format_character(ch)


def _joins(ch: str) -> bool:
    # A neighbour a joiner can act on: a letter, mark or symbol outside ASCII (Latin text has
    # no use for joiners, and between ASCII letters one only hides a difference).
    return (
        bool(ch)
        and not ch.isascii()
        and unicodedata.category(ch)[0] in "LMS"
        and not is_format_character(ch)
    ) or _is_variation_selector(ch)


def _does_visible_work(previous: str, ch: str, following: str) -> bool:
    if ch in (_ZWNJ, _ZWJ):
        return _joins(previous) and _joins(following)
    if _is_variation_selector(ch):
        return bool(previous) and not is_invisible(previous)
    if _is_tag(ch):
        return previous == _BLACK_FLAG or _is_tag(previous)
    return False


def _scan(text: str) -> tuple[str, list[str]]:
    """``text`` without its hidden format characters, and those characters in order."""
    kept: list[str] = []
    removed: list[str] = []
    for index, ch in enumerate(text):
        if is_format_character(ch):
            previous = kept[-1] if kept else ""
            following = text[index + 1] if index + 1 < len(text) else ""
            if not _does_visible_work(previous, ch, following):
                removed.append(ch)
                continue
        kept.append(ch)
    return "".join(kept), removed


def strip_format_characters(text: str) -> str:
    """``text`` without direction controls and invisible characters (see the module docstring
    for the joiners and selectors that are kept); whitespace is left as it is."""
    return _scan(text)[0]


def format_characters_in(text: str) -> list[str]:
    """The direction controls and invisible characters ``strip_format_characters`` would remove
    from ``text``, each once, in order of appearance."""
    return list(dict.fromkeys(_scan(text)[1]))


def describe_characters(characters: list[str]) -> str:
    """Names a person can look up: "U+202E RIGHT-TO-LEFT OVERRIDE, U+200B ZERO WIDTH SPACE"."""
    return ", ".join(
        f"U+{ord(ch):04X} {unicodedata.name(ch, 'control character')}" for ch in characters
    )


def one_line(text: str) -> str:
    """``text`` as one line: format characters removed, every run of whitespace (line breaks
    included) one space, no space at either end."""
    return " ".join(strip_format_characters(text).split())


def name_skeleton(name: str) -> str:
    """What a name looks like, for telling whether two names can be taken for each other:
    compatibility forms folded (NFKC: fullwidth "Ｅｒｉｎ" is "Erin"), case folded, and
    whitespace and every invisible character (joiners and selectors too) removed."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    visible = "".join(ch for ch in folded if not is_invisible(ch))
    # Removing a space can bring a base and its mark together ("O¨" folds to "o \u0308").
    return unicodedata.normalize("NFKC", visible)


def name_key(name: str) -> str:
    """A fixed-length key for a name's skeleton (SHA-256, hex), to store under a unique index
    however long the skeleton grows (NFKC can make one character eighteen)."""
    return hashlib.sha256(name_skeleton(name).encode()).hexdigest()


def balance_isolates(text: str) -> str:
    """``text`` with every directional isolate it opens closed and no PDI that closes more than
    it opened, so wrapping it in an isolate (FSI…PDI, ``<bdi>``) holds: a stray PDI inside
    would otherwise end the wrapper early and let what follows spill out. (Embeddings and
    overrides left open need nothing: the isolate's end closes them.)"""
    depth = 0
    kept: list[str] = []
    for ch in text:
        if ch in "\u2066\u2067\u2068":
            depth += 1
        elif ch == PDI:
            if depth == 0:
                continue
            depth -= 1
        kept.append(ch)
    return "".join(kept) + PDI * depth


def isolate(text: str) -> str:
    """``text`` between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE, so that in plain text
    (an e-mail subject, a page title) its direction neither spills out nor is taken from
    around it."""
    return f"{FSI}{balance_isolates(text)}{PDI}"


_SENTENCE_ENDS = (".", "!", "?", "…")


def end_sentence(text: str) -> str:
    """The full stop that ends a sentence whose last words are ``text``: none when ``text``
    ends one already ("Welcome, Alice L." not "Welcome, Alice L..")."""
    shown = text
    while shown and is_invisible(shown[-1]):  # spaces, or the PDI that closes an isolated name
        shown = shown[:-1]
    return "" if shown.endswith(_SENTENCE_ENDS) else "."
