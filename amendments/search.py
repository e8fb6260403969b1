"""Search across the chapter text, the amendments and the comments (a read: it writes nothing).

What is searched is what anyone may read now: the current text of paragraphs not deleted (no
history), amendments that were not withdrawn (their authors took them back; their pages stay
reachable from the paragraph), and comments neither deleted nor hidden by an editor, on
amendments that were not withdrawn. Hidden comments are left out for everyone, editors too.

On PostgreSQL it is full-text search with the English configuration: ``websearch_to_tsquery``
(so "quoted phrases" and -exclusions work, and words are stemmed: "nationalised" finds
"nationalisation"), each row's tsvector stored in a column that a trigger keeps, with a GIN
index (the migrations ``manifesto 0005_search`` and ``amendments 0014_search``), ``ts_rank``
order (an amendment's title weighs more than its reason and text) among the newest ``RANKED``
matches of each kind (a common word matches thousands, and ranking reads each row's vector),
and ``ts_headline`` for the snippets of the rows shown, kept in the cache under a digest of the
text and the search (a snippet depends on nothing else), all those missing made in one query.

On SQLite it is a plain word match: every word must appear (case-insensitively; a crude stem
strips common English endings, so "nationalised" finds "nationalisation" too), a quoted phrase
as a phrase, a -word must not; the database narrows the rows with LIKE, and at most
``CANDIDATES`` of the newest of each kind are ranked in Python by how often the words occur.

Snippets are safe HTML: the text is escaped and only the ``<mark>`` tags around the matched
words are markup. PostgreSQL marks them with sentinels that cannot occur in the text (a private
use character and a random token per search), which are replaced after escaping.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BooleanField,
    Expression,
    Field,
    FloatField,
    Model,
    Q,
    QuerySet,
)
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from amendments.models import Amendment, Comment
from common.fragments import FRAGMENT_TIMEOUT
from manifesto.models import Chapter, Paragraph
from manifesto.reference import paragraph_citation, paragraph_lines
from textcore.lines import break_lines

MAX_QUERY_CHARS = 200
PER_KIND = 5  # results of each kind on the page that shows every kind
PER_PAGE = 20  # results on the page of one kind
MAX_PAGE = 50
CANDIDATES = 500  # SQLite: rows of each kind ranked in Python
RANKED = 200  # PostgreSQL: the newest matches of each kind ranked (more for deeper pages)
MAX_TERMS = 10

TEXT, AMENDMENTS, COMMENTS = "text", "amendments", "comments"
KINDS: dict[str, str] = {
    TEXT: "Chapter text",
    AMENDMENTS: "Amendments",
    COMMENTS: "Comments",
}

# The tsvector of each kind: a column only PostgreSQL has, which a trigger keeps (the
# migrations manifesto 0005_search and amendments 0014_search); {t} is the table and a dot.
_TSQUERY = "websearch_to_tsquery('english'::regconfig, %s)"
VECTORS = {kind: "{t}search_vector" for kind in KINDS}
_HEADLINE_OPTIONS = 'MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'
# The snippets of the texts shown, in one query, in the texts' order (the options carry this
# search's sentinels).
_HEADLINES = (
    "SELECT ts_headline('english'::regconfig, texts.source, "
    "websearch_to_tsquery('english'::regconfig, %s), %s) "
    "FROM unnest(%s::text[]) WITH ORDINALITY AS texts(source, n) ORDER BY texts.n"
)
# Part of every snippet's key: raise it when what _marked makes of a headline changes, so
# that a shared cache (CACHE_URL) serves no snippet of the code before.
SNIPPET_VERSION = 1
# A page of the newest matches ranked, by rank (the query that finds and ranks them is
# Django's, put in for {newest}).
_PAGE_OF_NEWEST = (
    'SELECT newest."pk" FROM ({newest}) newest '
    'ORDER BY newest."search_rank" DESC, newest."pk" LIMIT %s OFFSET %s'
)
_START, _STOP = "\ue000", "\ue001"
_SNIPPET_CHARS = 240


@dataclass(frozen=True)
class TextHit:
    """A paragraph of the chapter text: where it is cited, the link to its line."""

    paragraph: Paragraph
    citation: str
    url: str
    snippet: SafeString


@dataclass(frozen=True)
class AmendmentHit:
    amendment: Amendment
    url: str
    snippet: SafeString
    title: SafeString = field(default_factory=lambda: SafeString(""))  # escaped, words marked


@dataclass(frozen=True)
class CommentHit:
    comment: Comment
    url: str
    snippet: SafeString


Hit = TextHit | AmendmentHit | CommentHit


@dataclass
class KindResults:
    """One kind's results: a page of them, and whether more follow."""

    kind: str
    hits: list[Any]
    more: bool
    page: int = 1

    @property
    def label(self) -> str:
        return KINDS[self.kind]


@dataclass
class SearchResults:
    query: str
    kinds: list[KindResults] = field(default_factory=list)
    method: str = ""  # "full-text" (PostgreSQL) or "word match" (SQLite)
    kind: str = ""  # the one kind shown page by page, or "" for the first few of each

    @property
    def found(self) -> bool:
        return any(kind.hits for kind in self.kinds)


def search_chapters() -> list[Chapter]:
    """The chapters a search can be limited to, in their order (one query)."""
    return list(Chapter.objects.only("slug", "title").order_by("order", "id"))


def search_run(
    *, query: str, kind: str = "", chapter: Chapter | None = None, page: int = 1
) -> SearchResults:
    """The results of ``query`` (one query per kind searched, and on PostgreSQL one for the
    snippets the cache does not hold): each kind's first few, or, with ``kind``, one page of
    that kind."""
    full_text = connection.vendor == "postgresql"
    kinds = [kind] if kind in KINDS else list(KINDS)
    page = max(1, min(page, MAX_PAGE)) if kind in KINDS else 1
    size = PER_PAGE if kind in KINDS else PER_KIND
    results = SearchResults(
        query, method="full-text" if full_text else "word match", kind=kind if kind in KINDS else ""
    )
    window = ((page - 1) * size, size)
    if full_text:
        found = {name: _full_text(_BASE[name](chapter), name, query, *window) for name in kinds}
        shown = [(name, row) for name in kinds for row in found[name][:size]]
        snippets = iter(_snippets([_SNIPPET_TEXT[name](row) for name, row in shown], query))
        for name in kinds:
            rows = [(row, *_with_offset(row, *next(snippets))) for row in found[name][:size]]
            hits = [_HITS[name](row, snippet, offset) for row, snippet, offset in rows]
            results.kinds.append(KindResults(name, hits, len(found[name]) > size, page))
    else:
        for name in kinds:
            rows = _word_match(_BASE[name](chapter), name, query, *window)
            hits = [_HITS[name](row, snippet, offset) for row, snippet, offset in rows[:size]]
            results.kinds.append(KindResults(name, hits, len(rows) > size, page))
    _mark_titles(results.kinds, query)
    return results


def _with_offset(row: Any, snippet: SafeString, first: str) -> tuple[SafeString, int | None]:
    """The snippet, and where the first word it marked stands in the row's text (a
    paragraph's: for the link to its line)."""
    return snippet, _offset_of(getattr(row, "text", ""), first)


def _mark_titles(kinds: Iterable[KindResults], query: str) -> None:
    """Mark the query's words in the amendments' titles, by the word match's patterns on either
    database (ts_headline would drop tag-like text from a title, which is shown whole)."""
    words = [pattern for pattern, _ in parse_terms(query).required]
    for kind in kinds:
        kind.hits = [
            replace(hit, title=highlight(hit.amendment.title, words, whole=True)[0])
            if isinstance(hit, AmendmentHit)
            else hit
            for hit in kind.hits
        ]


# --- what is searched -----------------------------------------------------------------------


# Only what a result shows or links with is read (fewer columns: the query is also quicker
# for Django to build, which cost more than running it on the data set of `make bench`).
def _paragraphs(chapter: Chapter | None) -> QuerySet[Paragraph]:
    queryset = (
        Paragraph.objects.filter(is_deleted=False)
        .select_related("chapter__manifesto")
        .only(
            "id", "chapter", "key", "kind", "footnote_number", "text", "ref_number",
            "ref_first_line", "ref_line_count", "ref_text", "chapter__slug", "chapter__title",
            "chapter__manifesto", "chapter__manifesto__line_width",
        )
    )  # fmt: skip
    return queryset.filter(chapter=chapter) if chapter else queryset


def _amendments(chapter: Chapter | None) -> QuerySet[Amendment]:
    queryset = (
        Amendment.objects.exclude(status=Amendment.Status.WITHDRAWN)
        .select_related("chapter")
        .only(
            "id", "title", "reason", "proposed_text", "status", "kind", "chapter__title",
            "chapter__slug", "cited_label", "cited_first_line", "cited_last_line",
        )
    )  # fmt: skip
    return queryset.filter(chapter=chapter) if chapter else queryset


def _comments(chapter: Chapter | None) -> QuerySet[Comment]:
    queryset = (
        Comment.objects.filter(is_deleted=False, hidden_by__isnull=True)
        .exclude(amendment__status=Amendment.Status.WITHDRAWN)
        .select_related("author", "amendment", "paragraph__chapter")
        .only(
            "id", "amendment", "paragraph", "author", "body", "created_at",
            "author__username", "author__display_name", "author__role", "author__is_active",
            "author__is_superuser", "amendment__title", "paragraph__key", "paragraph__kind",
            "paragraph__ref_number", "paragraph__chapter", "paragraph__chapter__slug",
            "paragraph__chapter__title",
        )
    )  # fmt: skip
    if chapter:
        queryset = queryset.filter(Q(amendment__chapter=chapter) | Q(paragraph__chapter=chapter))
    return queryset


_BASE: dict[str, Callable[[Chapter | None], QuerySet[Any]]] = {
    TEXT: _paragraphs,
    AMENDMENTS: _amendments,
    COMMENTS: _comments,
}
# The texts the word match looks in, each with its weight in the ranking.
_FIELDS: dict[str, tuple[tuple[str, int], ...]] = {
    TEXT: (("text", 1),),
    AMENDMENTS: (("title", 3), ("reason", 1), ("proposed_text", 1)),
    COMMENTS: (("body", 1),),
}


# --- PostgreSQL: full text ------------------------------------------------------------------

Row = tuple[Any, SafeString, int | None]  # the object, its snippet, where the first match is


class _OnTable(Expression):
    """SQL of this module's constants about the searched table's own columns ({t}: the
    table's alias and a dot, whatever alias the query gives it, in a subquery too); the
    search is a parameter."""

    def __init__(self, template: str, params: Sequence[str], output_field: Field[Any, Any]):
        super().__init__(output_field=output_field)
        self.template, self.params = template, list(params)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[str, ...]]:
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return self.template.format(t=f"{table}."), tuple(self.params)


def _full_text(queryset: QuerySet[Any], kind: str, query: str, offset: int, size: int) -> list[Any]:
    """One page of ``kind`` matching ``query``, best first (one query; the snippets are
    ``_snippets``')."""
    vector = VECTORS[kind]
    matches = _OnTable(f"{vector} @@ {_TSQUERY}", [query], BooleanField())
    rank = _OnTable(f"ts_rank({vector}, {_TSQUERY})", [query], FloatField())
    # Ranking reads each row's vector, so only the newest RANKED matches are ranked (a common
    # word matches thousands): found newest first by the primary key and ranked in the same
    # scan (each vector read once), the page's rows picked from them, and only those read
    # whole, ranked again for their order.
    newest = (
        queryset.filter(matches)
        .annotate(search_rank=rank)
        .order_by("-pk")
        .values("pk", "search_rank")[: max(RANKED, offset + size + 1)]
    )
    sql, params = newest.query.sql_with_params()
    # The SQL is Django's own for the query above; the search and the numbers are parameters.
    picked = _PAGE_OF_NEWEST.format(newest=sql)  # nosec B608
    page = RawSQL(picked, (*params, size + 1, offset))  # noqa: S611  # nosec B611
    return list(
        queryset.filter(pk__in=page).annotate(search_rank=rank).order_by("-search_rank", "pk")
    )


def _snippets(sources: Sequence[str], query: str) -> list[tuple[SafeString, str]]:
    """Each text's snippet with the words of ``query`` marked, by ``ts_headline``, and the
    first word it marked. A snippet depends on nothing but the text, the search and the
    options, so it is kept in the cache under a digest of them (never stale: a changed text
    is another key); those not there are made in one query."""
    keys = [_snippet_key(source, query) for source in sources]
    found: dict[str, tuple[str, str]] = cache.get_many(keys)
    missing = [i for i, key in enumerate(keys) if key not in found]
    if missing:
        made = _headlines([sources[i] for i in missing], query)
        kept = {keys[i]: snippet for i, snippet in zip(missing, made, strict=True)}
        cache.set_many(kept, timeout=FRAGMENT_TIMEOUT)
        found.update(kept)
    # What the cache holds was escaped by _marked before it was kept.
    return [(SafeString(found[key][0]), found[key][1]) for key in keys]  # nosec B703


def _snippet_key(source: str, query: str) -> str:
    stamp = repr((SNIPPET_VERSION, _HEADLINE_OPTIONS, query, source))
    return "search-snippet:" + hashlib.sha256(stamp.encode()).hexdigest()


def _headlines(sources: Sequence[str], query: str) -> list[tuple[str, str]]:
    """ts_headline of each text (one query), escaped, its sentinels made ``<mark>``."""
    token = secrets.token_hex(8)
    start, stop = f"{_START}{token}", f"{_STOP}{token}"
    options = f'StartSel="{start}", StopSel="{stop}", {_HEADLINE_OPTIONS}'
    with connection.cursor() as cursor:
        cursor.execute(_HEADLINES, [query, options, list(sources)])
        headlines = [row[0] for row in cursor.fetchall()]
    return [_marked(headline, start, stop) for headline in headlines]


def _marked(headline: str, start: str, stop: str) -> tuple[str, str]:
    """The headline escaped with its sentinels made ``<mark>`` (and the first marked word)."""
    first = re.search(f"{re.escape(start)}(.*?){re.escape(stop)}", headline, re.DOTALL)
    html = escape(headline).replace(start, "<mark>").replace(stop, "</mark>")
    return str(html), first.group(1) if first else ""


def _offset_of(text: str, word: str) -> int | None:
    """Where ``word`` (as ts_headline marked it) first stands as a word of ``text``."""
    found = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) if word else None
    return found.start() if found else None


# --- SQLite: a word match -------------------------------------------------------------------

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_WORD = re.compile(r"\w+")
# Endings a crude stem strips, longest first ("nationalised", "nationalising" and
# "nationalisation" share "nationalis"); a stem keeps at least four letters.
_ENDINGS = ("ations", "ation", "ings", "ing", "ies", "ed", "es", "s")


def crude_stem(word: str) -> str:
    """``word`` in lower case without a common English ending, if four letters remain."""
    word = word.lower()
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


@dataclass(frozen=True)
class Terms:
    """A query as the word match reads it: patterns that must match, and ones that must not,
    each with the piece of text LIKE can narrow the rows with."""

    required: tuple[tuple[re.Pattern[str], str], ...]
    excluded: tuple[re.Pattern[str], ...]


def parse_terms(query: str) -> Terms:
    """Words (stemmed), "quoted phrases" and -excluded words of ``query``."""
    required: list[tuple[re.Pattern[str], str]] = []
    excluded: list[re.Pattern[str]] = []
    for match in _TOKEN.finditer(query):
        minus = bool(match.group(1) or match.group(3))
        quoted = match.group(2) is not None
        words = _WORD.findall(match.group(2) if quoted else match.group(4))
        if quoted and len(words) > 1:
            pattern = r"\b" + r"\W+".join(re.escape(w) for w in words) + r"\b"
            needle = max(words, key=len)
            patterns = [(re.compile(pattern, re.IGNORECASE), needle)]
        else:
            patterns = [(_stem_pattern(w), crude_stem(w)) for w in words]
        for pattern_and_needle in patterns:
            if minus:
                excluded.append(pattern_and_needle[0])
            else:
                required.append(pattern_and_needle)
    return Terms(tuple(required[:MAX_TERMS]), tuple(excluded[:MAX_TERMS]))


def _stem_pattern(word: str) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(crude_stem(word))}\w*", re.IGNORECASE)


def _word_match(
    queryset: QuerySet[Any], kind: str, query: str, offset: int, size: int
) -> list[Row]:
    """One page of ``kind`` whose texts hold every term of ``query``, ranked in Python among
    at most ``CANDIDATES`` of the newest rows LIKE lets through (one query)."""
    terms = parse_terms(query)
    if not terms.required:
        return []
    fields = _FIELDS[kind]
    for _, needle in terms.required:
        anywhere = Q()
        for name, _ in fields:
            anywhere |= Q(**{f"{name}__icontains": needle})
        queryset = queryset.filter(anywhere)
    scored = []
    for row in queryset.order_by("-pk")[:CANDIDATES]:
        texts = [(getattr(row, name), weight) for name, weight in fields]
        score = _score(texts, terms)
        if score:
            scored.append((score, row))
    scored.sort(key=lambda pair: (-pair[0], pair[1].pk))
    patterns = [pattern for pattern, _ in terms.required]
    found = []
    for _, row in scored[offset : offset + size + 1]:
        source = _SNIPPET_TEXT[kind](row)
        snippet, first = highlight(source, patterns)
        found.append((row, snippet, first))
    return found


def _score(texts: Sequence[tuple[str, int]], terms: Terms) -> int:
    """How well the texts match (0: not at all, or an excluded word is there)."""
    if any(pattern.search(text) for pattern in terms.excluded for text, _ in texts):
        return 0
    score = 0
    for pattern, _ in terms.required:
        found = sum(weight * len(pattern.findall(text)) for text, weight in texts)
        if not found:
            return 0
        score += found
    return score


_SNIPPET_TEXT: dict[str, Callable[[Any], str]] = {
    TEXT: lambda paragraph: paragraph.text,
    AMENDMENTS: lambda amendment: f"{amendment.reason} … {amendment.proposed_text}",
    COMMENTS: lambda comment: comment.body,
}


def highlight(
    text: str, patterns: Iterable[re.Pattern[str]], *, whole: bool = False
) -> tuple[SafeString, int | None]:
    """A snippet of ``text`` around its first match (or all of it, ``whole``), escaped, with
    every match in it marked; and where the first match begins (None: nowhere, and the snippet
    is the text's start)."""
    spans = sorted(m.span() for pattern in patterns for m in pattern.finditer(text) if m.group())
    first = spans[0][0] if spans else None
    begin = 0 if whole or first is None or first < 60 else text.rfind(" ", 0, first - 60) + 1
    end = len(text) if whole else min(len(text), begin + _SNIPPET_CHARS)
    if end < len(text):
        end = max(text.rfind(" ", begin, end), max(first or 0, begin) + 1)
    pieces = ["… "] if begin else []
    cursor = begin
    for low, high in spans:
        if low < cursor or low >= end:
            continue
        pieces += [escape(text[cursor:low]), f"<mark>{escape(text[low:high])}</mark>"]
        cursor = high
    pieces.append(escape(text[cursor:end]) if cursor < end else "")
    if end < len(text):
        pieces.append(" …")
    return mark_safe("".join(str(piece) for piece in pieces)), first  # noqa: S308  # nosec B308 B703


# --- the results ----------------------------------------------------------------------------


def _text_hit(paragraph: Paragraph, snippet: SafeString, offset: int | None) -> TextHit:
    label = str(paragraph.ref_number) if paragraph.ref_number else None
    citation = str(paragraph_citation(paragraph, label))
    url = f"{paragraph.chapter.get_absolute_url()}#{line_anchor(paragraph, offset)}"
    return TextHit(paragraph, citation[:1].upper() + citation[1:], url, snippet)


def line_anchor(paragraph: Paragraph, offset: int | None) -> str:
    """The chapter page's anchor for character ``offset`` of the paragraph's text: its line
    (``L124``, in the reference numbering), else the paragraph (or the note)."""
    if paragraph.kind == Paragraph.Kind.FOOTNOTE:
        return f"fn-{paragraph.footnote_number}"
    width = paragraph.chapter.manifesto.line_width
    labels = paragraph_lines(paragraph, width).labels
    lines = break_lines(paragraph.text, width)
    if offset is None or len(labels) != len(lines):
        return paragraph.anchor
    label = ""
    for line, line_label in zip(lines, labels, strict=True):
        if line.start <= offset:
            label = line_label
    return f"L{label}" if label else paragraph.anchor


def _amendment_hit(amendment: Amendment, snippet: SafeString, _: int | None) -> AmendmentHit:
    return AmendmentHit(amendment, amendment.get_absolute_url(), snippet)


def _comment_hit(comment: Comment, snippet: SafeString, _: int | None) -> CommentHit:
    target: Model | None = comment.amendment if comment.amendment_id else comment.paragraph
    page = _comment_page(target)
    return CommentHit(comment, f"{page}#comment-{comment.pk}", snippet)


def _comment_page(target: Model | None) -> str:
    if isinstance(target, Amendment):
        return reverse("amendments:detail", args=[target.pk])
    if isinstance(target, Paragraph):
        return reverse("manifesto:paragraph", args=[target.chapter.slug, target.key])
    return reverse("manifesto:index")


_HITS: dict[str, Callable[[Any, SafeString, int | None], Hit]] = {
    TEXT: _text_hit,
    AMENDMENTS: _amendment_hit,
    COMMENTS: _comment_hit,
}
