"""The main part of the paragraph page and of the amendment page, rendered once and kept in the
cache (common/fragments.py) under a key that is a stamp of everything it shows.

The stamp is read in one small written-out query instead of the pages' own (the rows,
their people and their counts, which cost more to build and render than to stamp): the
chapter page's stamp (amendments/selectors.py: the newest history rows of the chapter's
paragraphs, amendments and paragraph comments, of its chapters and Manifesto), the newest
history rows of what else the part shows (an amendment's comments, the recommendations),
the supports as their number and newest id (a support is added or taken back, never
changed: any change moves one or the other), and the name, username and role of every
person the part can show (they have no history). What depends on the viewer (who they are,
their role, whether they follow) and on the clock (whether the round takes proposals,
supports and comments, whether the recommendations are published yet) is in the key as what
this viewer is shown now. A change to any of them is a different key, so a part is never
stale and no service has to clear anything.

The part's forms carry a placeholder for the CSRF token, replaced with the viewer's own
token each time the part is served: a cached part holds no one's token.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.db import connection
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User
from amendments import selectors
from amendments.models import Amendment, Recommendation
from amendments.recommendations import recommendations_published
from common import clock
from common.fragments import cached_fragments, fragment_key
from manifesto.models import Chapter
from manifesto.rounds import chapter_round, round_shown

# Raise it when Python code a part is rendered with changes what it prints (a template tag or
# filter, a form's widgets), so that a shared cache (CACHE_URL) serves no part of the code before.
READING_VERSION = 1
_LABELS = repr(
    (
        Amendment.Status.choices,
        Amendment.Kind.choices,
        Recommendation.Kind.choices,
        Recommendation.Answer.choices,
        User.Role.choices,
    )
)
# What {% csrf_token %} prints with the placeholder as the token: the quotes around it are
# escaped in anything a person wrote, so only the tag itself can print this.
CSRF_PLACEHOLDER = "reading-cache-csrf-token"
_PLACEHOLDER_INPUT = format_html(
    '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', CSRF_PLACEHOLDER
)

PARAGRAPH_TEMPLATES = (
    "manifesto/_partials/paragraph_title.html",
    "manifesto/_partials/paragraph_page.html",
    "manifesto/_partials/reference_note.html",
    "manifesto/_partials/paragraph_text.html",
    "amendments/_partials/follow_button.html",
    "amendments/_partials/amendment_row.html",
    "amendments/_partials/status.html",
    "amendments/_partials/word_change.html",
    "amendments/_partials/delta.html",
    "_partials/person.html",
    "amendments/_partials/recommendation_line.html",
    "amendments/_partials/recommendation_text.html",
    "amendments/_partials/pagination.html",
    "amendments/_partials/thread.html",
    "amendments/_partials/comment.html",
)


AMENDMENT_TEMPLATES = (
    "amendments/_partials/detail_title.html",
    "amendments/_partials/detail_page.html",
    "amendments/_partials/status.html",
    "amendments/_partials/word_change.html",
    "amendments/_partials/delta.html",
    "_partials/person.html",
    "amendments/_partials/citation.html",
    "amendments/_partials/amendment_state.html",
    "amendments/_partials/conflict_collisions.html",
    "amendments/_partials/conflict_remedy.txt",
    "amendments/_partials/diff_legend.html",
    "amendments/_partials/recommendation_panel.html",
    "amendments/_partials/recommendation.html",
    "_partials/form_fields.html",
    "amendments/_partials/decision_panel.html",
    "amendments/_partials/thread.html",
    "amendments/_partials/comment.html",
    "amendments/_partials/follow_button.html",
)

# The stamps' queries, written out: the ORM spends longer compiling queries of this shape than
# PostgreSQL running them. Every value is a parameter; the table names are the models' own
# (tests/amendments/test_reading_cache.py checks them). The people a part can show are the
# users ``u`` that its condition (``*_PEOPLE_SQL``) picks.
#
# The viewer's unread notices, which the site header shows (amendments/templatetags/notices.py
# reads them from the request instead of asking again); not part of any key.
_UNREAD = (
    "(SELECT COUNT(*) FROM amendments_notification n WHERE n.recipient_id = %(u)s "
    "AND n.read_at IS NULL)"
)
# The paragraph page: whether the viewer follows it, the supports of its amendments (how
# many, the newest id), the newest history row of their recommendations, the chapter's
# release; and the people it can show.
PARAGRAPH_STAMP_SQL = (
    "(SELECT COUNT(*) FROM amendments_follow f WHERE f.paragraph_id = %(p)s "
    "AND f.user_id = %(u)s AND f.active), "
    # How many and the newest, from the index on (amendment_id, id) alone.
    "(SELECT COUNT(*) || '@' || COALESCE(MAX(s.id), 0) FROM amendments_support s "
    "JOIN amendments_amendment a ON a.id = s.amendment_id WHERE a.paragraph_id = %(p)s), "
    "(SELECT h.history_id || '@' || h.history_date FROM amendments_historicalrecommendation h "
    "JOIN amendments_amendment a ON a.id = h.amendment_id WHERE a.paragraph_id = %(p)s "
    "ORDER BY h.history_id DESC LIMIT 1), "
    "(SELECT r.published_at FROM amendments_recommendationrelease r WHERE r.chapter_id = %(c)s)"
)
PARAGRAPH_PEOPLE_SQL = (
    "u.id IN (SELECT a.author_id FROM amendments_amendment a WHERE a.paragraph_id = %(p)s) "
    "OR u.id IN (SELECT c.author_id FROM amendments_comment c WHERE c.paragraph_id = %(p)s)"
)
# The amendment page: its supports, the newest history rows of its comments and of its
# recommendation, the chapter's release, whether the viewer follows it; and the people it can
# show.
AMENDMENT_STAMP_SQL = (
    "(SELECT COUNT(*) FROM amendments_follow f WHERE f.amendment_id = %(a)s "
    "AND f.user_id = %(u)s AND f.active), "
    "(SELECT COUNT(*) || '@' || COALESCE(MAX(s.id), 0) FROM amendments_support s "
    "WHERE s.amendment_id = %(a)s), "
    "(SELECT h.history_id || '@' || h.history_date FROM amendments_historicalcomment h "
    "WHERE h.amendment_id = %(a)s ORDER BY h.history_id DESC LIMIT 1), "
    "(SELECT h.history_id || '@' || h.history_date FROM amendments_historicalrecommendation h "
    "WHERE h.amendment_id = %(a)s ORDER BY h.history_id DESC LIMIT 1), "
    "(SELECT r.published_at FROM amendments_recommendationrelease r WHERE r.chapter_id = %(c)s)"
)
# One list of ids, so that the few people are read by their key (four IN conditions joined
# by OR had PostgreSQL read every member: 0.5 of the query's 0.8 ms on 2,000 members).
AMENDMENT_PEOPLE_SQL = (
    "u.id IN (SELECT a.author_id FROM amendments_amendment a WHERE a.id = %(a)s "
    "UNION SELECT a.decided_by_id FROM amendments_amendment a WHERE a.id = %(a)s "
    "UNION SELECT s.user_id FROM amendments_support s WHERE s.amendment_id = %(a)s "
    "UNION SELECT c.author_id FROM amendments_comment c WHERE c.amendment_id = %(a)s)"
)


# What the query reads of each person a part can show.
_PERSON = ("u.id", "u.username", "u.display_name", "u.role", "u.is_active", "u.is_superuser")


@lru_cache(maxsize=8)
def _query(stamp_sql: str, people_sql: str, continuous: bool) -> str:
    """One query for the chapter page's stamp, a part's own stamp, the viewer's unread notices
    and the people the part can show: a row for each person (at least one, with no person,
    when there is none), the stamps' values and the count in every row (PostgreSQL and SQLite
    work them out once). ``continuous``: the chapter's lines run on through the Manifesto."""
    chapter_sql = ", ".join(selectors.chapter_stamp_columns(continuous))
    # The parts are this module's and the selectors' constants, every value a parameter.
    return (
        f"SELECT {chapter_sql}, {stamp_sql}, {_UNREAD}, {', '.join(_PERSON)} "  # noqa: S608  # nosec B608
        f"FROM (SELECT 1 AS one) o LEFT JOIN accounts_user u ON {people_sql} ORDER BY u.id"
    )


def _read(
    request: HttpRequest, chapter: Chapter, part: tuple[str, str], params: dict[str, int | None]
) -> tuple[object, ...]:
    """The chapter page's stamp, the part's own stamp (``part``: its values' SQL and the
    condition that picks its people) and its people, in one query."""
    continuous = chapter.manifesto.continuous_line_numbers
    with connection.cursor() as cursor:
        cursor.execute(
            _query(*part, continuous), {**selectors.chapter_stamp_params(chapter), **params}
        )
        rows = cursor.fetchall()
    # Each row: the chapter's values, the part's, the unread count, then a person.
    chapter_width = len(selectors.chapter_stamp_columns(continuous))
    unread = len(rows[0]) - len(_PERSON) - 1
    stamp = tuple(str(value) for value in rows[0][chapter_width:unread])
    people = tuple(tuple(row[unread + 1 :]) for row in rows if row[unread + 1] is not None)
    if isinstance(request.user, User):
        # What the header's tag would ask for (amendments/templatetags/notices.py).
        request._unread_notices = rows[0][unread]  # type: ignore[attr-defined]
    return selectors.chapter_stamp_of(chapter, rows[0][:chapter_width]), stamp, people


_PARAGRAPH_PART = (PARAGRAPH_STAMP_SQL, PARAGRAPH_PEOPLE_SQL)
_AMENDMENT_PART = (AMENDMENT_STAMP_SQL, AMENDMENT_PEOPLE_SQL)


def viewer_key(request: HttpRequest) -> tuple[object, ...] | None:
    """Who is looking, as the cached parts' keys hold it: their id and what their role lets
    them see (None for a visitor)."""
    user = request.user
    return (user.pk, user.is_editor, user.is_admin) if isinstance(user, User) else None


def viewer_stamp(request: HttpRequest, chapter: Chapter) -> tuple[object, ...]:
    """What the part shows differently by viewer and by the clock: who is looking and their
    role, and what the round takes now and whether the recommendations are out."""
    now = clock.now()
    shown = round_shown(chapter_round(chapter), now)
    return (
        viewer_key(request),
        shown.takes_proposals,
        shown.takes_supports,
        shown.takes_comments,
        shown.why_closed,
        recommendations_published(chapter, now),
    )


def paragraph_stamp(
    request: HttpRequest, chapter: Chapter, paragraph_pk: int
) -> tuple[object, ...]:
    """The chapter page's stamp and the paragraph page's part beyond it, with whether the
    viewer follows the paragraph, and the viewer's unread notices for the header (one query)."""
    viewer = request.user.pk if isinstance(request.user, User) else None
    params = {"p": paragraph_pk, "c": chapter.pk, "u": viewer}
    return _read(request, chapter, _PARAGRAPH_PART, params)


def amendment_stamp(
    request: HttpRequest, chapter: Chapter, amendment_pk: int
) -> tuple[object, ...]:
    """The chapter page's stamp and the amendment page's part beyond it, with whether the
    viewer follows the amendment, and the viewer's unread notices for the header (one
    query)."""
    viewer = request.user.pk if isinstance(request.user, User) else None
    params = {"a": amendment_pk, "c": chapter.pk, "u": viewer}
    return _read(request, chapter, _AMENDMENT_PART, params)


def cached_parts(
    request: HttpRequest,
    prefix: str,
    templates: tuple[str, ...],
    rendered: tuple[str, ...],
    shown: tuple[object, ...],
    context: Callable[[], dict[str, Any]],
) -> list[SafeString]:
    """The parts rendered from the templates named in ``rendered`` (all of them read from
    ``templates``), from the cache under a key of ``shown``, or rendered with ``context()``
    (called once, only on a miss) and kept; the CSRF token put in for this viewer."""
    keys = [
        fragment_key(f"{prefix}:{name}", templates, shown, READING_VERSION, _LABELS)
        for name in rendered
    ]
    made: dict[str, Any] = {}

    def render(i: int) -> str:
        if not made:
            made.update(context(), csrf_token=CSRF_PLACEHOLDER)
        return render_to_string(rendered[i], made, request=request)

    return [_with_token(request, part) for part in cached_fragments(keys, render)]


def _with_token(request: HttpRequest, part: SafeString) -> SafeString:
    if _PLACEHOLDER_INPUT not in part:
        return part
    real = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
    # Both are the tag's own output around a token of letters and digits.
    return mark_safe(part.replace(_PLACEHOLDER_INPUT, real))  # noqa: S308  # nosec B308 B703
