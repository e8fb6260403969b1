"""Property tests with generated text from every corner of Unicode: proposing through the
service, rebasing, counting words and exporting.

tests/textcore already proves the diff, the rebase and the exports on small vocabularies and on
printable text; these add what a hostile or careless paste brings: NUL and other control
characters, lone surrogates, every kind of line break and space, zero-width and direction
characters, combining marks, right-to-left scripts and emoji.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st

from amendments.models import Amendment
from amendments.services.discussion import comment_post
from amendments.services.proposing import amendment_propose
from tests.amendments.conftest import propose
from tests.conftest import client_for
from tests.textcore.export_fixtures import (
    GENERATED_AT,
    html_text,
    markdown_blocks,
    open_docx,
    parse_html,
)
from textcore.chapter_text import decode_chapter, parse_chapter
from textcore.diff import is_word, tokenize
from textcore.export._common import clean_text, one_line
from textcore.export.changes_report import render_changes_html
from textcore.export.document import (
    ChangeEntry,
    ChangesReport,
    ExportBlock,
    ExportChapter,
    ExportDocument,
    LedgerFigures,
)
from textcore.export.docx import render_docx
from textcore.export.html import render_html
from textcore.export.markdown import render_markdown
from textcore.export.text import render_text
from textcore.rebase import rebase
from textcore.words import count_words

# The pieces a paste can bring, beside any code point at all (surrogates and controls too).
PIECES = (
    "\x00",
    "\x07",
    "\x1b",
    "\x7f",
    "\x85",
    "\t",
    "\r",
    "\n",
    "\r\n",
    "\x0b",
    "\x0c",
    "\u2028",
    "\u2029",
    " ",
    "\u00a0",
    "\u2009",
    "\u3000",
    "\u00ad",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u200e",
    "\u200f",
    "\u202e",
    "\u2066",
    "\u2069",
    "\u0301",
    "\u0335",
    "\ud800",
    "\udfff",
    "<script>",
    "&amp;",
    '"',
    "'",
    "“",
    "”",
    "’",
    "–",
    "—",
    "…",
    "الاشتراكية",
    "שלום",
    "社会主义",
    "👩🏽\u200d🔬",
    "🇬🇧",
    "1️⃣",
    "word",
    "Word",
    "1921",
)
ANY_CHARACTER = st.characters(exclude_categories=())
PASTE = st.lists(st.one_of(ANY_CHARACTER, st.sampled_from(PIECES)), max_size=30).map("".join)
LINE_BREAK_CHARACTERS = "\r\n\x0b\x0c\x85\u2028\u2029"
# Characters that show nothing: spaces, controls, format characters (zero-width, soft hyphen,
# direction marks), and the rest of Unicode's Default_Ignorable_Code_Point (variation
# selectors, fillers, tags), with the blank Braille pattern.
INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp"}
DEFAULT_IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
DIRECTION_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
STORABLE = re.compile("[\x00\ud800-\udfff]")

SLOW = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _invisible(c: str) -> bool:
    return c.isspace() or unicodedata.category(c) in INVISIBLE or bool(DEFAULT_IGNORABLE.match(c))


def _visible(text: str) -> bool:
    return not all(_invisible(c) for c in text)


def _selector(c: str) -> bool:
    return "\ufe00" <= c <= "\ufe0f" or "\U000e0100" <= c <= "\U000e01ef"


def _without_hidden(title: str) -> str:
    """A title as stored: invisible characters other than whitespace go, except a joiner
    between two visible letters or symbols outside ASCII (emoji, Persian, Indic) and a
    variation selector (U+FE00–U+FE0F, or U+E0100–U+E01EF for ideographs) after a visible
    character; tags are not generated here."""
    kept: list[str] = []
    for i, c in enumerate(title):
        if _invisible(c) and not c.isspace():
            after = title[i + 1 : i + 2]
            joins = c in "\u200c\u200d" and all(
                n
                and not n.isascii()
                and (not _invisible(n) or _selector(n))
                and unicodedata.category(n)[0] in "LMS"
                for n in (kept[-1] if kept else "", after)
            )
            selects = _selector(c) and bool(kept) and not _invisible(kept[-1])
            if not (joins or selects):
                continue
        kept.append(c)
    return "".join(kept)


def _one_paragraph(text: str) -> str:
    """What "line breaks become spaces" promises: the words and their order, on one line."""
    return re.sub(f"[ \t]*[{LINE_BREAK_CHARACTERS}]+[ \t]*", " ", text).strip()


def _refusals(*, title: str, text: str, reason: str, current: str) -> set[str]:
    """The fields the desk's rules refuse, stated independently of the service's code."""
    refused = set()
    title_line = _without_hidden(title).strip()
    if (
        STORABLE.search(title)
        or not _visible(title_line)
        or len(title_line) > 120
        or len(title_line.splitlines()) > 1
    ):
        refused.add("title")
    if STORABLE.search(reason) or not _visible(reason) or len(reason) > 3000:
        refused.add("reason")
    body = _one_paragraph(text)
    if STORABLE.search(text) or not _visible(body) or body == _one_paragraph(current):
        refused.add("text")
    return refused


# --- proposing through the service ----------------------------------------------------------


@pytest.mark.django_db
@SLOW
@given(title=PASTE, addition=PASTE, reason=PASTE, words_first=st.booleans())
# A supplementary variation selector (VS17) after a visible character is kept, as for VS1–16.
@example(title="0\U000e0100", addition="0", reason="0", words_first=False)
def test_a_generated_proposal_is_stored_faithfully_or_refused_clearly(
    member, p5, title: str, addition: str, reason: str, words_first: bool
) -> None:
    title = ("Change " + title) if words_first else title
    text = p5.text + addition
    expected_refusals = _refusals(title=title, text=text, reason=reason, current=p5.text)
    with transaction.atomic():
        try:
            amendment = amendment_propose(
                author=member, paragraph=p5, kind="replace", title=title, text=text, reason=reason
            )
        except ValidationError as error:
            event(f"refused {sorted(error.message_dict)}")
            assert set(error.message_dict) == expected_refusals, error.message_dict
            assert all(m.strip() for messages in error.message_dict.values() for m in messages)
        else:
            event("stored")
            assert not expected_refusals
            stored = Amendment.objects.get(pk=amendment.pk)
            # What the database gives back is exactly what was written, on either database.
            assert stored.reason == reason.strip()
            # A title keeps what shows and loses direction controls and invisible characters.
            assert stored.title == _without_hidden(title).strip()
            assert not DIRECTION_CONTROLS & set(stored.title)
            assert stored.proposed_text == amendment.proposed_text
            # One paragraph: no line breaks left, and nothing but line breaks changed.
            assert not set(stored.proposed_text) & set(LINE_BREAK_CHARACTERS)
            assert stored.proposed_text.split() == _one_paragraph(text).split()
            assert stored.word_delta == count_words(stored.proposed_text) - count_words(p5.text)
            page = client_for(member).get(stored.get_absolute_url())
            assert page.status_code == 200
            # html5lib reads the page as a browser does (it turns CR into LF and NUL into
            # U+FFFD, neither of which a stored title can hold).
            heading = next(el for el in parse_html(page.content.decode()).iter("h1"))
            assert stored.title in "".join(heading.itertext())
        transaction.set_rollback(True)


@pytest.mark.django_db
@SLOW
@given(body=PASTE)
def test_a_generated_comment_is_stored_faithfully_or_refused_clearly(member, p5, body: str) -> None:
    with transaction.atomic():
        try:
            comment = comment_post(author=member, body=body, paragraph=p5)
        except ValidationError as error:
            assert STORABLE.search(body) or not _visible(body.strip()) or len(body.strip()) > 5000
            assert set(error.message_dict) == {"body"}
        else:
            assert not STORABLE.search(body) and _visible(body)
            comment.refresh_from_db()
            assert comment.body == body.strip()
        transaction.set_rollback(True)


# --- search ---------------------------------------------------------------------------------

# What a search box is typed with beyond any text: websearch syntax and tsquery operators.
SEARCH_PIECES = ('"', "-", " or ", "(", ")", "&", "|", "!", ":*", "<->", "\\", "%", "_", "*")
SEARCH = st.lists(
    st.one_of(PASTE, st.sampled_from(SEARCH_PIECES), st.sampled_from(["soviets", "myriad"])),
    max_size=6,
).map("".join)


@pytest.mark.django_db
@SLOW
@given(query=SEARCH, kind=st.sampled_from(["", "text", "amendments", "comments", "x"]))
@example(query='"myriad -', kind="")
@example(query="<script>myriad", kind="text")
def test_any_search_is_understood_or_answered(seed_chapter, query: str, kind: str) -> None:
    # Sent as a browser would: UTF-8, percent-encoded, lone surrogates as their bad bytes.
    encoded = quote(query.encode("utf-8", "surrogatepass"))
    response = client_for(None).get(f"/search/?q={encoded}&kind={kind}")
    if "\x00" in query:
        assert response.status_code == 400  # the desk refuses a NUL in an address
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html.split("</head>", 1)[1]


# --- rebase ---------------------------------------------------------------------------------

_LETTER = st.characters(categories=["L", "N"])
_MARKS = st.characters(categories=["Mn", "Mc"])


@st.composite
def unicode_word(draw: st.DrawFn) -> str:
    """One word token in any script: a letter or digit, then letters, digits and marks."""
    word = draw(_LETTER) + draw(st.text(st.one_of(_LETTER, _MARKS), max_size=6))
    assume(tokenize(word) == [word] and is_word(word))
    return word


SEPARATORS = st.sampled_from([" ", "\u00a0", "\u3000", "\u2028", "\t", "  ", " – ", "\u2009"])


@st.composite
def two_distant_edits(draw: st.DrawFn) -> tuple[str, str, str, str]:
    """A text of distinct words and two edits with at least one untouched word between them:
    (base, first edit, second edit, both edits)."""
    words = draw(st.lists(unicode_word(), min_size=3, max_size=12, unique=True))
    separator = draw(SEPARATORS)
    first = draw(st.integers(0, len(words) - 3))
    second = draw(st.integers(first + 2, len(words) - 1))
    fresh = draw(st.lists(unicode_word(), min_size=2, max_size=2, unique=True))
    assume(not set(fresh) & set(words))

    def edited(*changes: tuple[int, str]) -> str:
        copy = list(words)
        for index, replacement in changes:
            copy[index] = replacement
        return separator.join(copy)

    return (
        separator.join(words),
        edited((first, fresh[0])),
        edited((second, fresh[1])),
        edited((first, fresh[0]), (second, fresh[1])),
    )


@settings(max_examples=200, deadline=None)
@given(two_distant_edits())
def test_distant_edits_in_any_script_merge_exactly(edits: tuple[str, str, str, str]) -> None:
    base, first, second, both = edits
    one_way, other_way = rebase(base, second, first), rebase(base, first, second)
    assert one_way.clean and other_way.clean, (one_way, other_way)
    assert one_way.text == other_way.text == both


@settings(max_examples=200, deadline=None)
@given(base=PASTE, proposed=PASTE)
def test_rebase_onto_an_unchanged_text_keeps_any_proposal(base: str, proposed: str) -> None:
    assert rebase(base, proposed, base).text == proposed
    assert rebase(base, base, proposed).text == proposed
    result = rebase(base, proposed, proposed + base)
    assert result.clean == (result.text is not None) and result.clean != bool(result.collisions)


# --- word count -----------------------------------------------------------------------------

_INVISIBLE_OR_MARK = st.characters(categories=["Cf", "Mn", "Me"])
_WHITESPACE = st.sampled_from([" ", "\u00a0", "\u2028", "\u2029", "\u3000", "\t", "\r\n", "\x85"])

# known_footnotes=() counts every number as a word: a footnote marker is recognised by its
# exact spacing, which these properties deliberately change.
NO_NOTES: tuple[int, ...] = ()


@settings(max_examples=300, deadline=None)
@given(text=PASTE, inserts=st.lists(st.tuples(st.integers(0, 60), _INVISIBLE_OR_MARK)))
def test_invisible_characters_and_marks_never_change_the_count(
    text: str, inserts: list[tuple[int, str]]
) -> None:
    decorated = text
    for position, character in inserts:
        position = min(position, len(decorated))
        decorated = decorated[:position] + character + decorated[position:]
    assert count_words(decorated, NO_NOTES) == count_words(text, NO_NOTES)


@settings(max_examples=300, deadline=None)
@given(words=st.lists(PASTE, max_size=8), spaces=st.lists(_WHITESPACE, min_size=1))
def test_every_kind_of_space_and_line_break_separates_words_alike(
    words: list[str], spaces: list[str]
) -> None:
    plain = " ".join(words)
    varied = "".join(w + spaces[i % len(spaces)] for i, w in enumerate(words))
    assert count_words(varied, NO_NOTES) == count_words(plain, NO_NOTES)
    assert count_words(plain, NO_NOTES) == sum(count_words(w, NO_NOTES) for w in words)


@given(st.lists(st.sampled_from(["👩🏽\u200d🔬", "🇬🇧", "✊🏽", "…", "—", "\u200b", " ", "🌹"])))
def test_emoji_and_punctuation_alone_are_no_words(pieces: list[str]) -> None:
    assert count_words("".join(pieces)) == 0


# --- exports --------------------------------------------------------------------------------

# Everything but line breaks (which every format turns into spaces, and HTML parsers into LF).
ONE_LINE = st.lists(
    st.one_of(ANY_CHARACTER, st.sampled_from(PIECES)).filter(
        lambda piece: not set(piece) & set("\r\n")
    ),
    min_size=1,
    max_size=40,
).map("".join)


def _document(text: str, *, title: str = "Document", label: str = "as published") -> ExportDocument:
    chapter = ExportChapter(
        title=title,
        slug="chapter",
        subtitle=title,
        publication_line="Published: 2026",
        editorial_note="",
        blocks=(ExportBlock("body", text, 1, "x1"),),
    )
    return ExportDocument(title, (chapter,), label, "", GENERATED_AT)


EXPORT_SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@EXPORT_SETTINGS
@given(text=ONE_LINE, title=ONE_LINE)
def test_html_export_escapes_any_text_and_drops_what_xml_cannot_hold(text: str, title: str) -> None:
    root = parse_html(render_html(_document(text, title=title, label=title)))
    body = next(el for el in root.iter() if el.get("id") == "x1")
    # Every format shows a paragraph without the spaces at its ends.
    assert html_text(body) == clean_text(text).strip()
    assert "".join(root.find(".//title").itertext()) == clean_text(title)  # type: ignore[union-attr]
    assert "".join(root.find(".//h1").itertext()) == clean_text(title)  # type: ignore[union-attr]
    assert {el.tag for el in root.iter()} <= {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "header",
        "h1",
        "p",
        "main",
        "article",
        "section",
        "h2",
        "h3",
        "div",
        "span",
        "a",
        "sup",
        "ol",
        "li",
        "aside",
    }


@EXPORT_SETTINGS
@given(text=ONE_LINE)
def test_markdown_export_renders_any_text_back(text: str) -> None:
    # Every format shows a paragraph without the spaces at its ends (U+0085 is one to Python).
    expected = clean_text(text).strip()
    assume(expected)  # a paragraph of nothing but dropped characters is no paragraph
    blocks = markdown_blocks(render_markdown(_document(text)))
    assert blocks[-1].kind == "p"
    assert blocks[-1].text == expected
    assert blocks[-1].token_types <= {"text"}


@EXPORT_SETTINGS
@given(text=ONE_LINE)
def test_docx_export_keeps_any_text_but_what_xml_cannot_hold(text: str) -> None:
    document = open_docx(render_docx(_document(text)))
    assert document.paragraphs[-1].text == clean_text(text).strip()


@EXPORT_SETTINGS
@given(text=PASTE)
def test_plain_text_export_reads_back_as_the_same_paragraph(text: str) -> None:
    paragraph = text + "."
    rendered = render_text(_document(paragraph))
    assert decode_chapter(rendered.encode("utf-8")) == rendered  # importable: no controls
    (block,) = parse_chapter(rendered).body
    assert block.text == one_line(clean_text(paragraph)).strip()


@EXPORT_SETTINGS
@given(title=ONE_LINE, author=ONE_LINE, reason=ONE_LINE, words=ONE_LINE)
def test_the_changes_report_escapes_every_field(
    title: str, author: str, reason: str, words: str
) -> None:
    entry = ChangeEntry(
        amendment_number=7,
        title=title,
        author=author,
        editor=author,
        decided_at=GENERATED_AT,
        reason=reason,
        kind="replace",
        paragraph_label="¶ 1",
        diff_ops=((0, "Kept "), (-1, words), (1, title)),
    )
    report = ChangesReport(
        title=title,
        since_label="as published",
        until_label="now",
        entries=(entry,),
        ledger_before=LedgerFigures(10, None),
        ledger_after=LedgerFigures(11, None),
        generated_at=GENERATED_AT,
    )
    root = parse_html(render_changes_html(report))
    shown = "".join(root.itertext())
    for value in (title, author):
        assert clean_text(value) in shown
    # The deleted words end the earlier text, shown like every paragraph: no spaces at its ends.
    assert clean_text(words).strip() in shown
    # A reason of only blank characters (U+0085 is one to str.strip) is no reason at all.
    assert clean_text(reason).strip() in shown if reason.strip() else "No reason given." in shown
    assert not {"script", "img", "iframe"} & {el.tag for el in root.iter()}


# --- the amendment list's filters ------------------------------------------------------------

LIST_FILTERS = ("chapter", "paragraph", "lines", "status", "author", "sort", "page", "mine")


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(values=st.dictionaries(st.sampled_from(LIST_FILTERS), PASTE, max_size=4))
def test_generated_list_filters_are_answered_never_500(member, p5, values: dict[str, str]) -> None:
    if not Amendment.objects.exists():
        propose(member, p5)
    client = client_for(member)
    client.raise_request_exception = False
    # Lone surrogates go as the bytes a hostile client could send: invalid UTF-8.
    query = "&".join(
        f"{name}={quote(value.encode('utf-8', 'surrogatepass'))}" for name, value in values.items()
    )
    for name in ("amendments:list", "amendments:list_csv"):
        response = client.get(f"{reverse(name)}?{query}")
        # A NUL anywhere in an address is refused as a whole (400, the desk's own page).
        expected = 400 if any("\x00" in value for value in values.values()) else 200
        assert response.status_code == expected, (name, values)
        if name == "amendments:list_csv" and expected == 200:
            assert b"".join(response.streaming_content).startswith("\ufeff".encode())
