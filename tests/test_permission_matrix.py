"""The permission matrix: every URL of the app, as every kind of visitor, gets exactly what
docs/permissions.md says.

The matrix has one home, the table in docs/permissions.md; this module parses it, so the page
people read is the rule the tests enforce. This module only knows how to fill in each URL (its
objects and a valid form body). A URL pattern missing from the table fails
`test_every_url_is_in_the_matrix`, naming it.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.unsubscribe import unsubscribe_token
from amendments.models import Amendment, Comment, Notification, Recommendation
from amendments.services.deciding import amendment_mark_duplicate, amendment_reject
from amendments.services.discussion import comment_post
from amendments.services.paragraphs import paragraph_edit
from amendments.services.proposing import support_add
from amendments.services.recommending import recommendation_set, recommendations_publish
from amendments.services.rounds import chapter_round_set
from manifesto.models import Chapter, Paragraph
from manifesto.selectors import latest_version
from manifesto.services import chapter_import
from manifesto.staging import stage_upload
from tests.amendments.conftest import propose
from tests.conftest import PASSWORD, make_user

MATRIX_PAGE = Path(__file__).resolve().parent.parent / "docs" / "permissions.md"
ACTORS = ("anonymous", "member", "author", "other member", "chair", "editor", "admin")
OUTCOMES = {"200", "302", "403", "404", "405", "login", "admin login"}
REFUSALS = {"login", "admin login", "403", "404", "405"}
NEW_PASSWORD = "a brand new passphrase, 42 words long"
SIGNUP = "accounts.signup"  # the salt of sign-up links


# --- the matrix, read from the docs ----------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of the table: a URL, a method and what each actor gets."""

    name: str
    path: str
    method: str
    expected: dict[str, str] = field(hash=False)

    def __str__(self) -> str:
        return f"{self.method} {self.name}"


def _cells(line: str) -> list[str]:
    return [cell.strip().strip("`").strip() for cell in line.strip().strip("|").split("|")]


def read_matrix(page: Path = MATRIX_PAGE) -> list[Row]:
    """The rows of the table whose header starts with "URL name" (raises on a malformed row)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if _cells(line)[:1] == ["URL name"])
    header = _cells(lines[start])
    if header != ["URL name", "Path", "Method", *ACTORS]:
        raise ValueError(f"{page.name}: the matrix's columns are {header}")
    rows: list[Row] = []
    for number, line in enumerate(lines[start + 2 :], start=start + 3):
        if not line.startswith("|"):
            break
        name, path, method, *outcomes = _cells(line)
        bad = [cell for cell in outcomes if cell not in OUTCOMES]
        if len(outcomes) != len(ACTORS) or bad or method not in ("GET", "POST"):
            raise ValueError(f"{page.name} line {number}: cannot read {line!r}")
        rows.append(Row(name, path, method, dict(zip(ACTORS, outcomes, strict=True))))
    twice = {str(row) for row in rows if sum(str(other) == str(row) for other in rows) > 1}
    if twice:
        raise ValueError(f"{page.name}: these rows appear twice: {sorted(twice)}")
    return rows


MATRIX = read_matrix()


# --- the URLs the project routes ---------------------------------------------------------------


def project_urls(
    resolver: URLResolver | None = None, prefix: str = "/", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    """(namespaced name, path) of every URL pattern, recursing into includes; the Django admin
    is one entry, ``admin:index``."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                yield "admin:index", route
                continue
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from project_urls(entry, route, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name or f"(a pattern without a name: {route})", route


# --- the objects each URL is about ------------------------------------------------------------


@dataclass
class World:
    """A small imported chapter and the actors' objects, built afresh for every case."""

    users: dict[str, User | None]
    chapter: Chapter
    paragraph: Paragraph  # the one the amendment changes
    edited: Paragraph  # edited once by an editor, so that it has a version to revert to
    first_version_id: int
    amendment: Amendment  # pending, by the author, supported by the other member
    decided: Amendment  # rejected, by the author: what an admin may reopen
    duplicate: Amendment  # by the author, marked as a duplicate of ``amendment``
    comment: Comment  # by the author on the amendment; the other member replied to it

    @property
    def author(self) -> User:
        author = self.users["author"]
        assert author is not None
        return author

    def seen_version(self) -> int:
        return int(latest_version(self.paragraph).history_id)


PARAGRAPHS = (
    "The first paragraph says something about the revolution, the problems it faced and the "
    "people who carried it through the first hard winter.",
    "The second paragraph says more about the war, the famine and the years of the civil war, "
    "and about what they did to the hopes of the revolution.",
    "The third paragraph closes the chapter with a word on the future and on what a democratic "
    "socialism should learn from all of it.",
)
CHAPTER_TEXT = "\n\n".join(("Permissions", "Published: September 2020", *PARAGRAPHS)).encode()


@dataclass(frozen=True)
class Route:
    """How to fill in one URL: its kwargs and the body of a valid POST, from the world."""

    kwargs: Callable[[World], dict[str, Any]] = lambda world: {}
    data: Callable[[World], dict[str, Any]] = lambda world: {}


class _Upload(SimpleUploadedFile):
    """A file the test client can send twice (the CSRF test posts the same body twice)."""

    def read(self, *args: Any) -> bytes:
        if not args:
            self.seek(0)
        return super().read(*args)


def _staged(world: World) -> dict[str, Any]:
    data = b"# A chapter\n\nIts only paragraph.\n"
    return {"token": stage_upload(data=data, user_id=world.users["editor"].pk, options={})}


def _chapter(world: World) -> dict[str, Any]:
    return {"slug": world.chapter.slug}


def _paragraph(world: World) -> dict[str, Any]:
    return {"slug": world.chapter.slug, "key": world.paragraph.key}


def _edited(world: World) -> dict[str, Any]:
    return {"slug": world.chapter.slug, "key": world.edited.key}


def _amendment(world: World) -> dict[str, Any]:
    return {"pk": world.amendment.pk}


def _comment(world: World) -> dict[str, Any]:
    return {"pk": world.comment.pk}


def _reworded(world: World) -> str:
    # Same number of words, so that accepting it keeps the chapter within its limit.
    return world.paragraph.text.replace("hard winter", "cold winter")


def in_congress(world: World) -> dict[str, Any]:
    """The chapter, moved to its congress phase (votes are recorded only then)."""
    chapter_round_set(
        chapter=world.chapter,
        editor=world.users["editor"],
        phase="congress",
        closes_at=None,
        reason="Congress day.",
    )
    return _chapter(world)


def _vote_on_amendment(world: World) -> dict[str, Any]:
    in_congress(world)
    return _amendment(world)


def _recommended(world: World) -> dict[str, Any]:
    """The amendment, with a published recommendation its author may answer."""
    if not Recommendation.objects.filter(amendment=world.amendment).exists():
        editor = world.users["editor"]
        recommendation_set(amendment=world.amendment, editor=editor, kind="reject", reason="No.")
        recommendations_publish(chapter=world.chapter, editor=editor)
    return {"pk": world.amendment.pk}


def _batch(world: World) -> dict[str, Any]:
    return {"ids": [world.amendment.pk], "action": "accept"}


def _reset_link(world: World) -> dict[str, Any]:
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(world.author.pk)),
        "token": default_token_generator.make_token(world.author),
    }


def _signup_link(world: World) -> dict[str, Any]:
    return {"token": signing.dumps({"email": "newcomer@example.org", "code": ""}, salt=SIGNUP)}


ROUTES: dict[str, Route] = {
    "manifesto:index": Route(),
    "manifesto:export": Route(),
    "manifesto:chapter": Route(_chapter),
    "manifesto:paragraph": Route(_paragraph),
    "manifesto:history": Route(_paragraph),
    "manifesto:compare": Route(_chapter),
    "manifesto:milestone_add": Route(_chapter, lambda w: {"name": "Congress draft"}),
    "amendments:log": Route(_chapter),
    # The Excel list: the PDF booklet has its own tests, and this runs for every actor.
    "amendments:chapter_pack": Route(_chapter, lambda world: {"format": "list-xlsx"}),
    "amendments:manifesto_pack": Route(data=lambda world: {"format": "list-xlsx"}),
    "amendments:detail": Route(_amendment),
    "amendments:list": Route(),
    "amendments:list_csv": Route(),
    "amendments:list_xlsx": Route(),
    "amendments:mine": Route(),
    "amendments:search": Route(),
    "amendments:propose": Route(
        _paragraph,
        lambda w: {
            "kind": "replace",
            "title": "A colder winter",
            "text": _reworded(w),
            "reason": "It was cold.",
            "seen_version": w.seen_version(),
        },
    ),
    "amendments:preview": Route(_paragraph, lambda w: {"kind": "replace", "text": _reworded(w)}),
    "amendments:edit": Route(
        _amendment,
        lambda w: {
            "title": "A colder winter",
            "text": _reworded(w),
            "reason": "It was cold.",
            "seen_version": w.seen_version(),
        },
    ),
    "amendments:withdraw": Route(_amendment),
    "amendments:support": Route(_amendment),
    "amendments:comment_amendment": Route(_amendment, lambda w: {"body": "I agree."}),
    "amendments:comment_paragraph": Route(_paragraph, lambda w: {"body": "Well put."}),
    "amendments:comment_change": Route(_comment, lambda w: {"body": "I agree, on reflection."}),
    "amendments:comment_hide": Route(_comment, lambda w: {"reason": "Off topic."}),
    "amendments:queue": Route(),
    "amendments:batch": Route(data=_batch),
    "amendments:import": Route(
        data=lambda w: {"file": _Upload("c.md", b"# A chapter\n\nIts only paragraph.\n")}
    ),
    # The token is the editor's own upload: another user (the admin too) gets 404 for it.
    "amendments:import_preview": Route(_staged, lambda w: {"action": "cancel"}),
    "amendments:accept": Route(_amendment),
    "amendments:accept_preview": Route(_amendment),
    "amendments:accept_with_changes": Route(
        _amendment,
        lambda w: {
            "text": _reworded(w).replace("first", "opening"),
            "reason": "Tighter.",
            "seen_version": w.seen_version(),
        },
    ),
    "amendments:reject": Route(_amendment, lambda w: {"reject-reason": "Off topic."}),
    "amendments:duplicate": Route(
        _amendment, lambda w: {"duplicate_of": w.decided.pk, "confirmed": "yes"}
    ),
    "amendments:unmark_duplicate": Route(
        lambda w: {"pk": w.duplicate.pk}, lambda w: {"reason": "It changes another passage."}
    ),
    "amendments:reopen": Route(
        lambda w: {"pk": w.decided.pk}, lambda w: {"reason": "Congress asked again."}
    ),
    "amendments:revert": Route(
        _edited, lambda w: {"version": w.first_version_id, "reason": "The cut went too far."}
    ),
    "amendments:limit": Route(
        _chapter, lambda w: {"word_limit": 500, "tolerance_percent": 5, "reason": "Congress."}
    ),
    "amendments:manifesto_limit": Route(
        data=lambda w: {"word_limit": 50000, "count_footnotes": "", "reason": "Congress."}
    ),
    "amendments:numbering": Route(
        data=lambda w: {"line_width": w.chapter.manifesto.line_width, "reason": "Congress."}
    ),
    "amendments:rounds": Route(
        data=lambda w: {
            "phase": "open",
            "time_zone": "Europe/London",
            "minimum_supporters": 0,
            "supports_open_in_review": "on",
            "comments_open_in_review": "on",
            "reason": "Congress.",
        }
    ),
    "amendments:chapter_round": Route(
        _chapter, lambda w: {f"c{w.chapter.pk}-phase": "open", f"c{w.chapter.pk}-reason": "Mine."}
    ),
    "amendments:congress": Route(in_congress),
    "amendments:congress_floor": Route(in_congress, lambda w: {"amendment": w.amendment.pk}),
    "amendments:vote": Route(
        _vote_on_amendment,
        lambda w: {
            f"v{w.amendment.pk}-result": "lost",
            f"v{w.amendment.pk}-votes_for": 10,
            f"v{w.amendment.pk}-votes_against": 20,
            f"v{w.amendment.pk}-abstentions": 1,
        },
    ),
    "amendments:projector": Route(_chapter),
    "amendments:projector_now": Route(_chapter),
    "amendments:protocol": Route(_chapter),
    "amendments:protocol_html": Route(_chapter),
    "amendments:protocol_docx": Route(_chapter),
    "amendments:protocol_pdf": Route(_chapter),
    "amendments:reference": Route(
        _chapter,
        lambda w: {"milestone": w.chapter.reference_milestone_id, "reason": "Congress."},
    ),
    "amendments:recommend": Route(
        _amendment, lambda w: {"kind": "refer", "refer_to": "The next congress.", "reason": ""}
    ),
    "amendments:recommendation_answer": Route(
        _recommended, lambda w: {"answer": "disagree", "comment": "It needs a vote."}
    ),
    "amendments:recommendations_publish": Route(_chapter, lambda w: {"publish_at": ""}),
    "amendments:voting_list": Route(_chapter),
    "amendments:voting_list_html": Route(_chapter),
    "amendments:voting_list_csv": Route(_chapter),
    "amendments:notifications": Route(),
    "amendments:notifications_read": Route(),
    "amendments:notification_open": Route(
        lambda w: {"pk": Notification.objects.filter(recipient=w.author).order_by("pk")[0].pk}
    ),
    "amendments:follow_chapter": Route(_chapter, lambda w: {"follow": "1"}),
    "amendments:follow_paragraph": Route(_paragraph, lambda w: {"follow": "1"}),
    "amendments:follow_amendment": Route(_amendment, lambda w: {"follow": "0"}),
    "accounts:unsubscribe": Route(lambda w: {"token": unsubscribe_token(w.author)}),
    "accounts:login": Route(data=lambda w: {"username": w.author.username, "password": PASSWORD}),
    "accounts:logout": Route(),
    "accounts:signup": Route(data=lambda w: {"email": "newcomer@example.org"}),
    "accounts:signup_sent": Route(),
    "accounts:signup_finish": Route(
        _signup_link,
        lambda w: {
            "username": "newcomer",
            "display_name": "New Comer",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    ),
    "accounts:profile": Route(
        data=lambda w: {"display_name": "Renamed", "email": "renamed@example.org"}
    ),
    "accounts:password_change": Route(
        data=lambda w: {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        }
    ),
    "accounts:password_change_done": Route(),
    "accounts:password_reset": Route(data=lambda w: {"email": w.author.email}),
    "accounts:password_reset_done": Route(),
    "accounts:password_reset_confirm": Route(_reset_link),
    "accounts:password_reset_complete": Route(),
    "admin:index": Route(),
}


@pytest.fixture(autouse=True)
def _settings_for_authorisation(settings) -> None:  # type: ignore[no-untyped-def]
    # Authorisation only: no rate limits, no invitation codes, and passwords hashed fast
    # (the actors are created after this, once per case).
    settings.RATELIMIT_ENABLE = False
    settings.SIGNUP_REQUIRES_INVITATION = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(member, other_member, editor, admin_user) -> World:  # type: ignore[no-untyped-def]
    return build_world(member, other_member, editor, admin_user)


def build_world(member, other_member, editor, admin_user) -> World:  # type: ignore[no-untyped-def]
    """The world, from the named actors (tests/security/test_form_limits.py uses it too)."""
    users: dict[str, User | None] = {
        "anonymous": None,
        "member": make_user("carol", display_name="Carol Member"),
        "author": member,
        "other member": other_member,
        "chair": make_user("chris", role="chair", display_name="Chris Chair"),
        "editor": editor,
        "admin": admin_user,
    }
    chapter = chapter_import(data=CHAPTER_TEXT, slug="permissions")
    first, second, third = chapter.paragraphs.order_by("position")
    first_version_id = latest_version(second).history_id
    edited = paragraph_edit(
        paragraph=second,
        editor=editor,
        text="The second paragraph says more about the war.",
        reason="Shorter.",
    )
    amendment = propose(member, first, first.text.replace("hard winter", "long winter"))
    support_add(amendment=amendment, user=other_member)
    comment = comment_post(author=member, body="Please support this.", amendment=amendment)
    comment_post(author=other_member, body="I do.", amendment=amendment, parent=comment)
    decided = propose(member, third, third.text.replace("a word", "one word"))
    amendment_reject(amendment=decided, editor=editor, reason="Not now.")
    duplicate = propose(member, third, third.text.replace("the future", "what comes"))
    amendment_mark_duplicate(amendment=duplicate, editor=editor, duplicate_of=amendment)
    return World(
        users, chapter, first, edited, first_version_id, amendment, decided, duplicate, comment
    )


# --- asking and checking ----------------------------------------------------------------------


def _client(user: User | None, *, enforce_csrf_checks: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf_checks, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _send(client: Client, row: Row, url: str, data: dict[str, Any]) -> HttpResponse:
    if row.method == "POST":
        return client.post(url, data)  # type: ignore[return-value]
    return client.get(url)  # type: ignore[return-value]


def _database_state() -> dict[str, int]:
    """The number of rows of every model of the app, history included: any write shows."""
    return {
        model._meta.label: model._default_manager.count()
        for label in ("accounts", "amendments", "manifesto")
        for model in apps.get_app_config(label).get_models()
    }


def _check(response: HttpResponse, expected: str, *, case: str, url: str) -> None:
    status = response.status_code
    exc_info = getattr(response, "exc_info", None)
    if status >= 500 or exc_info:
        error = exc_info[1] if exc_info else None
        pytest.fail(f"{case}: {url} answered {status} ({error!r}); expected {expected}")
    location = response.get("Location", "")
    target = urlsplit(location)
    login_pages = {reverse("accounts:login"): "login", reverse("admin:login"): "admin login"}
    got = login_pages.get(target.path, "302") if status == 302 else str(status)
    assert got == expected, f"{case}: {url} answered {status} {location}; expected {expected}"
    if got in ("login", "admin login"):
        assert parse_qs(target.query).get("next") == [url], f"{case}: {location} loses the URL"


def _url(row: Row, world: World) -> str:
    return reverse(row.name, kwargs=ROUTES[row.name].kwargs(world))


# --- the tests ---------------------------------------------------------------------------------


def matrix_problems(routed: list[tuple[str, str]], matrix: list[Row]) -> list[str]:
    """What keeps the matrix from covering exactly the routed URLs (empty when it does)."""
    paths = dict(routed)
    names = [name for name, _ in routed]
    in_matrix = {row.name: row.path for row in matrix}
    with_get = {row.name for row in matrix if row.method == "GET"}
    problems = [
        f"URL name used twice: {name}" for name in sorted(set(names)) if names.count(name) > 1
    ]
    problems += [
        f"{name} ({paths[name]}) is not in the permission matrix in docs/permissions.md: "
        "add a row for each of its methods, saying what every actor gets"
        for name in names
        if name not in in_matrix
    ]
    problems += [
        f"docs/permissions.md has a row for {name}, which no longer exists"
        for name in sorted(set(in_matrix) - set(paths))
    ]
    problems += [
        f"docs/permissions.md shows {name} at {in_matrix[name]}, but it is routed at {paths[name]}"
        for name in names
        if name in in_matrix and in_matrix[name] != paths[name]
    ]
    problems += [
        f"{name} needs a GET row in docs/permissions.md (even if 405)"
        for name in sorted(set(in_matrix) - with_get)
    ]
    problems += [
        f"ROUTES in {Path(__file__).name} does not say how to fill in {name}"
        for name in sorted(set(in_matrix) - set(ROUTES))
    ]
    problems += [
        f"ROUTES in {Path(__file__).name} has a stale entry {name}"
        for name in sorted(set(ROUTES) - set(in_matrix))
    ]
    return problems


def test_every_url_is_in_the_matrix() -> None:
    problems = matrix_problems(list(project_urls()), MATRIX)
    assert not problems, "\n".join(problems)


def _ok(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse()


def test_a_new_url_fails_until_it_is_in_the_matrix() -> None:
    urlconf = types.ModuleType("urls_with_one_more")
    urlconf.urlpatterns = [  # type: ignore[attr-defined]
        path("", include("desk.urls")),
        path("extra/", include(([path("<int:pk>/thing/", _ok, name="thing")], "extra"))),
    ]
    problems = matrix_problems(list(project_urls(get_resolver(urlconf))), MATRIX)
    assert (
        "extra:thing (/extra/<int:pk>/thing/) is not in the permission matrix in "
        "docs/permissions.md: add a row for each of its methods, saying what every actor gets"
    ) in problems


def test_the_matrix_reader_refuses_an_unknown_cell(tmp_path: Path) -> None:
    page = tmp_path / "permissions.md"
    header = "| URL name | Path | Method | " + " | ".join(ACTORS) + " |"
    page.write_text(
        f"{header}\n|---|\n| `manifesto:index` | `/` | GET | 200 | 200 | ok | 200 | 200 | 200 |\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="cannot read"):
        read_matrix(page)


CASES = [
    pytest.param(row, actor, id=f"{row.name} {row.method} {actor}")
    for row in MATRIX
    for actor in ACTORS
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "actor"), CASES)
def test_each_actor_gets_what_the_matrix_says(row: Row, actor: str, world: World) -> None:
    client = _client(world.users[actor])  # logging in first: a reset link made before is void
    url = _url(row, world)
    expected = row.expected[actor]
    before = _database_state()
    response = _send(client, row, url, ROUTES[row.name].data(world))
    _check(response, expected, case=f"{row} as {actor}", url=url)
    if row.method == "GET" or expected in REFUSALS:
        assert _database_state() == before, f"{row} as {actor} ({expected}) changed the database"


# RFC 8058's one-click unsubscribe is POSTed by mail programs without a token; the signed token
# in its URL guards it instead (docs/permissions.md, tests/accounts/test_unsubscribe.py).
CSRF_EXEMPT = {"accounts:unsubscribe"}
CSRF_CASES = [
    pytest.param(row, actor, id=f"{row.name} POST {actor}")
    for row in MATRIX
    if row.method == "POST" and row.name not in CSRF_EXEMPT
    for actor in ACTORS
    if row.expected[actor] != "403"
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "actor"), CSRF_CASES)
def test_a_post_without_the_csrf_token_is_refused(row: Row, actor: str, world: World) -> None:
    """A forged POST carries the visitor's cookies but not the token: 403, and nothing changes.
    The same POST with the token then gets what the matrix says, so the 403 was the token's."""
    client = _client(world.users[actor], enforce_csrf_checks=True)
    client.get(reverse("accounts:password_reset"))  # a page with a form sets the CSRF cookie
    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    url = _url(row, world)
    data = ROUTES[row.name].data(world)
    before = _database_state()
    forged = client.post(url, data)
    assert forged.status_code == 403, f"{row} as {actor} without a CSRF token: {forged}"
    assert _database_state() == before, f"{row} as {actor}: a forged POST changed the database"
    genuine = client.post(url, {**data, "csrfmiddlewaretoken": token})
    _check(genuine, row.expected[actor], case=f"{row} as {actor} with the token", url=url)  # type: ignore[arg-type]


MISSING_OBJECT = {
    "pk": 999_999,
    "slug": "no-such-chapter",
    "key": 999_999,
    "uidb64": urlsafe_base64_encode(b"999999"),
    "token": "no-such-token",
}
# A reset link naming an unknown user shows the "invalid link" page, like any spoilt link.
# A sign-up link is for visitors: a logged-in admin is sent to the index before it is read.
WHEN_MISSING = {"accounts:password_reset_confirm": "200", "accounts:signup_finish": "302"}
UNKNOWN_OBJECT_CASES = [
    pytest.param(row, id=str(row))
    for row in MATRIX
    if "<" in row.path
    and row.expected["admin"] != "405"  # the method is refused before the object is looked up
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", UNKNOWN_OBJECT_CASES)
def test_an_unknown_object_is_404_never_500(row: Row, world: World) -> None:
    client = _client(world.users["admin"])
    kwargs = {name: MISSING_OBJECT[name] for name in ROUTES[row.name].kwargs(world)}
    url = reverse(row.name, kwargs=kwargs)
    before = _database_state()
    response = _send(client, row, url, ROUTES[row.name].data(world))
    _check(response, WHEN_MISSING.get(row.name, "404"), case=f"{row} as admin, unknown", url=url)
    assert _database_state() == before
