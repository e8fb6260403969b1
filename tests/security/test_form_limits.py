"""Every form the desk shows, found on its pages, sent what a person (or a script) can type.

The forms are not listed by hand: each page in PAGES is fetched as the actor who sees it, and
every POST form on it is read from the HTML, with its fields and their ``maxlength``, the way a
browser reads it. ``test_every_form_is_found`` proves that the pages hold a form for every POST
row of the permission matrix (docs/permissions.md), so a new form is exercised as soon as it
is routed. Then, for every text field of every form:

- a value one character over its ``maxlength``, written with CR LF line breaks as a browser
  sends them, is refused; the refusal names the limit; the form comes back with the text
  (its line breaks counted as one, as the browser counted them); nothing is stored;
- a value exactly at the limit, written the same way, is not refused for its length (the
  browser allowed it, so must the server);
- a NUL character is removed and reported, and the form comes back with the rest of the text.

Every hidden field a page fills in is sent altered (``test_a_tampered_hidden_field_...``): the
form is refused with a message, comes back filled in, and nothing is stored.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import resolve, reverse
from django.utils.http import urlsafe_base64_encode

from amendments.services.discussion import comment_post
from manifesto.selectors import latest_version
from manifesto.staging import stage_upload
from tests.test_permission_matrix import (
    MATRIX,
    NEW_PASSWORD,
    ROUTES,
    World,
    _recommended,
    build_world,
    in_congress,
)
from tests.textcore.export_fixtures import parse_html

pytestmark = pytest.mark.django_db

TEXT_INPUTS = {"text", "email", "password", "search", "url", "tel"}
# Posted by static/js/propose.js with the propose and edit forms' own fields, not by a form.
POSTED_BY_SCRIPTS = {"amendments:preview"}
NUL_REPORTED = "NUL character (U+0000)"


@pytest.fixture
def world(member, other_member, editor, admin_user) -> World:  # type: ignore[no-untyped-def]
    """The permission matrix's world: a chapter, its actors and their objects."""
    return build_world(member, other_member, editor, admin_user)


@pytest.fixture(autouse=True)
def _fast_and_open(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SIGNUP_REQUIRES_INVITATION = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- the pages, and the forms read from them ---------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A page that holds forms: who sees it, its address, and how it is reached."""

    actor: str
    url: Callable[[World], str]
    post: Callable[[World], dict[str, Any]] | None = None  # reached by sending a form
    follow: bool = False


def _detail(world: World) -> str:
    return world.amendment.get_absolute_url()


def _named(name: str, kwargs: Callable[[World], dict[str, Any]] | None = None) -> Callable:  # type: ignore[type-arg]
    return lambda w: reverse(name, kwargs=kwargs(w) if kwargs else None)


def _paragraph(w: World) -> dict[str, Any]:
    return {"slug": w.chapter.slug, "key": w.paragraph.key}


def _signup_link() -> str:
    from django.core import signing

    from accounts.services import _SIGNUP_SALT

    token = signing.dumps({"email": "newcomer@example.org", "code": ""}, salt=_SIGNUP_SALT)
    return reverse("accounts:signup_finish", args=[token])


def _reset_link(w: World) -> str:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes

    uid = urlsafe_base64_encode(force_bytes(w.author.pk))
    return reverse(
        "accounts:password_reset_confirm",
        args=[uid, default_token_generator.make_token(w.author)],
    )


def _unsubscribe_link(w: World) -> str:
    from accounts.unsubscribe import unsubscribe_token

    return reverse("accounts:unsubscribe", args=[unsubscribe_token(w.author)])


PAGES: dict[str, Page] = {
    "propose": Page("author", _named("amendments:propose", _paragraph)),
    "edit": Page("author", _named("amendments:edit", lambda w: {"pk": w.amendment.pk})),
    "amendment, its author": Page("author", _detail),
    "amendment, a supporter": Page("other member", _detail),
    "amendment, an editor": Page("editor", _detail),
    "decided amendment, an admin": Page("admin", lambda w: w.decided.get_absolute_url()),
    "paragraph": Page("author", lambda w: w.paragraph.get_absolute_url()),
    "accept with changes": Page(
        "editor", _named("amendments:accept_with_changes", lambda w: {"pk": w.amendment.pk})
    ),
    "edit a comment": Page(
        "author", _named("amendments:comment_change", lambda w: {"pk": w.comment.pk})
    ),
    "hide a comment": Page(
        "editor", _named("amendments:comment_hide", lambda w: {"pk": w.comment.pk})
    ),
    "withdraw": Page("author", _named("amendments:withdraw", lambda w: {"pk": w.amendment.pk})),
    "confirm a duplicate": Page(
        "editor",
        lambda w: (
            reverse("amendments:duplicate", args=[w.amendment.pk]) + f"?duplicate_of={w.decided.pk}"
        ),
    ),
    "a duplicate, an editor": Page("editor", lambda w: w.duplicate.get_absolute_url()),
    "review queue": Page("editor", _named("amendments:queue")),
    "recommend": Page("editor", _named("amendments:recommend", lambda w: {"pk": w.amendment.pk})),
    "publish recommendations": Page(
        "editor", _named("amendments:recommendations_publish", lambda w: {"slug": w.chapter.slug})
    ),
    "a published recommendation, its proposer": Page(
        "author", lambda w: reverse("amendments:detail", kwargs=_recommended(w))
    ),
    "import a chapter": Page("editor", _named("amendments:import")),
    "preview an import": Page(
        "editor",
        lambda w: reverse(
            "amendments:import_preview",
            args=[
                stage_upload(
                    data=b"# A chapter\n\nIts text.\n", user_id=w.users["editor"].pk, options={}
                )
            ],
        ),
    ),
    "preview an acceptance": Page(
        "editor", _named("amendments:accept_preview", lambda w: {"pk": w.amendment.pk})
    ),
    "preview accepting together": Page(
        "editor",
        _named("amendments:batch"),
        post=lambda w: {"ids": [w.amendment.pk], "action": "accept"},
    ),
    "confirm a rejection": Page(
        "editor",
        _named("amendments:batch"),
        post=lambda w: {"ids": [w.amendment.pk], "action": "reject"},
    ),
    "paragraph history": Page(
        "editor",
        _named("manifesto:history", lambda w: {"slug": w.chapter.slug, "key": w.edited.key}),
    ),
    "chapter word limit": Page(
        "editor", _named("amendments:limit", lambda w: {"slug": w.chapter.slug})
    ),
    "Manifesto word limit": Page("editor", _named("amendments:manifesto_limit")),
    "line numbering": Page("editor", _named("amendments:numbering")),
    "rounds and deadlines": Page("editor", _named("amendments:rounds")),
    "congress pack": Page(
        "member", _named("amendments:chapter_pack", lambda w: {"slug": w.chapter.slug})
    ),
    "Manifesto's congress pack": Page("member", _named("amendments:manifesto_pack")),
    "congress": Page("editor", _named("amendments:congress", in_congress)),
    "notifications": Page("author", _named("amendments:notifications")),
    "unsubscribe": Page("anonymous", lambda w: _unsubscribe_link(w)),
    "a chapter's reference text": Page(
        "editor", _named("amendments:reference", lambda w: {"slug": w.chapter.slug})
    ),
    "chapter": Page("editor", lambda w: w.chapter.get_absolute_url()),
    "log in": Page("anonymous", _named("accounts:login")),
    "sign up": Page("anonymous", _named("accounts:signup")),
    "finish signing up": Page("anonymous", lambda w: _signup_link()),
    "profile": Page("author", _named("accounts:profile")),
    "change password": Page("author", _named("accounts:password_change")),
    "reset password": Page("anonymous", _named("accounts:password_reset")),
    "set a new password": Page("anonymous", _reset_link, follow=True),
    # The Django admin: one row of the matrix (admin:index), many forms.
    "admin: a paragraph": Page(
        "admin", lambda w: reverse("admin:manifesto_paragraph_change", args=[w.paragraph.pk])
    ),
    "admin: a chapter": Page(
        "admin", lambda w: reverse("admin:manifesto_chapter_change", args=[w.chapter.pk])
    ),
    "admin: the Manifesto": Page(
        "admin",
        lambda w: reverse("admin:manifesto_manifesto_change", args=[w.chapter.manifesto_id]),
    ),
    "admin: a new milestone": Page("admin", _named("admin:manifesto_milestone_add")),
    "admin: a member": Page(
        "admin", lambda w: reverse("admin:accounts_user_change", args=[w.author.pk])
    ),
    "admin: a new user": Page("admin", _named("admin:accounts_user_add")),
    "admin: a member's password": Page(
        "admin", lambda w: reverse("admin:auth_user_password_change", args=[w.author.pk])
    ),
    "admin: a new invitation": Page("admin", _named("admin:accounts_invitation_add")),
}
# Not texts of a form: the admin's date and time boxes (a value that is no date or time is
# refused as such) and the invisible username box its password page has for password
# managers, which no form reads.
NOT_TEXT_CLASSES = {"vDateField", "vTimeField", "hidden"}


@dataclass
class Field:
    name: str
    kind: str  # an input's type, "textarea" or "select"
    value: str = ""
    maxlength: int | None = None
    checked: bool = True
    classes: frozenset[str] = frozenset()

    @property
    def typed(self) -> bool:
        """A text a person types (a hidden field is the page's own)."""
        is_text = self.kind in TEXT_INPUTS or self.kind == "textarea"
        return is_text and not self.classes & NOT_TEXT_CLASSES


@dataclass
class Form:
    path: str
    url_name: str
    fields: list[Field] = field(default_factory=list)
    button: tuple[str, str] | None = None

    def __str__(self) -> str:
        return f"{self.url_name} ({', '.join(f.name for f in self.fields)})"

    def named(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def read_forms(html: str, page_path: str) -> list[Form]:
    """The POST forms of a page, as a browser reads them (html5lib)."""
    forms = []
    for element in parse_html(html).iter("form"):
        if (element.get("method") or "get").lower() != "post":
            continue
        path = urlsplit(urljoin(page_path, element.get("action") or page_path)).path
        form = Form(path, _url_name(path))
        buttons: list[tuple[str, str, str]] = []
        for control in element.iter():
            name = control.get("name")
            kind = (control.get("type") or "text").lower()
            if control.tag in ("button", "input") and kind == "submit":
                if name:
                    buttons.append((name, control.get("value") or "", control.get("class") or ""))
            elif not name or name == "csrfmiddlewaretoken":
                continue
            elif control.tag == "input":
                limit = control.get("maxlength")
                form.fields.append(
                    Field(
                        name,
                        kind,
                        control.get("value") or "",
                        int(limit) if limit else None,
                        kind not in ("radio", "checkbox") or control.get("checked") is not None,
                        frozenset((control.get("class") or "").split()),
                    )
                )
            elif control.tag == "textarea":
                limit = control.get("maxlength")
                form.fields.append(
                    Field(name, "textarea", control.text or "", int(limit) if limit else None)
                )
            elif control.tag == "select":
                options = list(control.iter("option"))
                chosen = [o for o in options if o.get("selected") is not None]
                if control.get("multiple") is None:
                    chosen = chosen or options[:1]
                form.fields += [Field(name, "select", o.get("value") or "") for o in chosen]
        # The button a person presses to send it: the primary one, else the first.
        chosen = [b for b in buttons if "primary" in b[2]] or buttons
        form.button = (chosen[0][0], chosen[0][1]) if chosen else None
        forms.append(form)
    return forms


def _url_name(path: str) -> str:
    match = resolve(path)
    return f"{match.namespace}:{match.url_name}" if match.namespace else str(match.url_name)


def _matrix_row(url_name: str) -> str:
    # The Django admin is one row of the matrix.
    return "admin:index" if url_name.startswith("admin:") else url_name


@dataclass
class Visit:
    """A page fetched as its actor: the client (kept, for its session) and the forms on it."""

    client: Client
    path: str
    forms: list[Form]


def visit(page: Page, world: World) -> Visit:
    client = Client()
    user = world.users[page.actor]
    if user is not None:
        client.force_login(user)
    url = page.url(world)
    if page.post is not None:
        response = client.post(url, page.post(world))
    else:
        response = client.get(url, follow=page.follow)
    assert response.status_code == 200, (url, response.status_code)
    path = response.request["PATH_INFO"]
    return Visit(client, path, read_forms(response.content.decode(), path))


# --- sending a form ----------------------------------------------------------------------------


def _valid_data(form: Form, world: World) -> dict[str, list[str]]:
    """What the form sends as the page filled it in, with the typed fields made valid."""
    data: dict[str, list[str]] = {}
    for control in form.fields:
        if control.checked:
            data.setdefault(control.name, []).append(control.value)
    valid = ROUTES[form.url_name].data(world) if form.url_name in ROUTES else {}
    chosen = {f.name for f in form.fields if f.kind != "hidden"}  # what a person fills in
    for name, value in valid.items():
        if name in chosen:
            data[name] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    for control in form.fields:
        if control.kind == "password" and not data.get(control.name, [""])[0]:
            data[control.name] = [NEW_PASSWORD]
    if form.button:
        data[form.button[0]] = [form.button[1]]
    return data


def stored() -> dict[str, list[dict[str, Any]]]:
    """Every row of the desk's models, history included."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for label in ("accounts", "amendments", "manifesto")
        for model in apps.get_app_config(label).get_models()
    }


def _holds_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


@dataclass
class Answer:
    status: int
    page: str
    forms: list[Form]
    location: str
    stored_before: dict[str, Any]
    stored_after: dict[str, Any]


@contextmanager
def _undone() -> Iterator[None]:
    # Each sending starts from the same world: whatever one stores is rolled back.
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def send(visit: Visit, form: Form, data: dict[str, list[str]]) -> Answer:
    # The cookies go back as they were too: a session a rolled-back request made is gone.
    cookies = copy.deepcopy(visit.client.cookies)
    cookies.pop("messages", None)
    with _undone():
        before = stored()
        response = visit.client.post(form.path, data)
        after = stored()
    messages = visit.client.cookies.get("messages")
    visit.client.cookies = cookies
    if messages is not None:  # for the page the answer sends the browser to
        visit.client.cookies["messages"] = messages.value
    page = response.content.decode() if response.status_code == 200 else ""
    return Answer(
        response.status_code,
        page,
        read_forms(page, form.path) if page else [],
        response.get("Location", ""),
        before,
        after,
    )


def _shown_value(answer: Answer, form: Form, name: str) -> list[str]:
    return [
        control.value
        for again in answer.forms
        if again.url_name == form.url_name
        for control in again.fields
        if control.name == name
    ]


# --- values ------------------------------------------------------------------------------------

PROSE = "The desk keeps every word a member writes. "


def text_of_length(length: int, *, line_break: str = "") -> str:
    """Prose of exactly ``length`` characters once each line break counts as one, with
    ``line_break`` (CR LF, as a browser sends a textarea) between lines."""
    unit = PROSE.strip() + ("\n" if line_break else " ")
    text = (unit * (length // len(unit) + 1))[:length]
    if text[-1].isspace():
        text = text[:-1] + "x"
    return text.replace("\n", line_break) if line_break else text


def email_of_length(length: int) -> str:
    """A valid e-mail address of exactly ``length`` characters."""
    local = "m" * min(64, length - 12)
    rest = length - len(local) - len("@.org")
    labels = []
    while rest > 0:
        label = min(63, rest)
        labels.append("d" * label)
        rest -= label + 1
    domain = ".".join(labels)[: length - len(local) - len("@.org")]
    return f"{local}@{domain.rstrip('.')}.org"


def typed_value(control: Field, length: int) -> str:
    if control.kind == "email":
        return email_of_length(length)
    if control.name == "username":
        return "u" * length
    if control.kind == "textarea":
        return text_of_length(length, line_break="\r\n")
    return text_of_length(length)


def test_the_generated_values_have_the_length_they_claim() -> None:
    for length in (1, 80, 120, 254, 255, 300, 3000, 5001):
        assert len(text_of_length(length)) == length
        with_breaks = text_of_length(length, line_break="\r\n")
        assert len(with_breaks.replace("\r\n", "\n")) == length
        assert ("\r\n" in with_breaks) == (length > len(PROSE))
    for length in (40, 100, 254, 255):
        address = email_of_length(length)
        assert len(address) == length and "@" in address and ".." not in address


# --- the tests ---------------------------------------------------------------------------------


def test_every_form_is_found(world: World) -> None:
    posted = {form.url_name for page in PAGES.values() for form in visit(page, world).forms}
    # The POST rows somebody may use (not only refused or sent to log in).
    post_rows = {
        row.name
        for row in MATRIX
        if row.method == "POST" and set(row.expected.values()) - {"405", "login"}
    }
    missing = post_rows - posted - POSTED_BY_SCRIPTS
    assert not missing, f"no page in PAGES holds a form for {sorted(missing)}: add the page"
    unknown = {_matrix_row(name) for name in posted} - {row.name for row in MATRIX}
    assert not unknown, f"forms post to URLs not in docs/permissions.md: {sorted(unknown)}"


PAGE_CASES = [pytest.param(name, id=name) for name in PAGES]


@pytest.mark.parametrize("page_name", PAGE_CASES)
def test_every_text_field_is_limited_as_the_browser_counts(page_name: str, world: World) -> None:
    seen = visit(PAGES[page_name], world)
    problems: list[str] = []
    for form in seen.forms:
        for control in form.fields:
            if control.typed:
                problems += _check_limit(seen, form, control, world)
    assert not problems, "\n".join(problems)


def _check_limit(seen: Visit, form: Form, control: Field, world: World) -> list[str]:
    where = f"{form.url_name} field {control.name!r}"
    limit = control.maxlength
    if limit is None:
        return [f"{where} has no maxlength: the browser would let any length through"]
    problems = []
    over = typed_value(control, limit + 1)
    answer = send(seen, form, _valid_data(form, world) | {control.name: [over]})
    named = f"is {limit + 1:,} characters; the maximum is {limit:,}."
    if answer.status != 200:
        problems.append(f"{where}: {limit + 1} characters answered {answer.status}, not the form")
    elif named not in answer.page:
        problems.append(f"{where}: over the limit, the page does not say “… {named}”")
    if control.kind != "password":  # a password box is never filled in again, by design
        shown = _shown_value(answer, form, control.name)
        if over.replace("\r\n", "\n") not in shown:
            problems.append(f"{where}: the form came back without the text ({len(shown)} boxes)")
    if answer.stored_after != answer.stored_before:
        problems.append(f"{where}: a refused text changed the database")
    at_limit = send(
        seen, form, _valid_data(form, world) | {control.name: [typed_value(control, limit)]}
    )
    if at_limit.status >= 500 or "characters; the maximum is" in at_limit.page:
        problems.append(f"{where}: {limit} characters (CR LF line breaks) refused for length")
    return problems


@pytest.mark.parametrize("page_name", PAGE_CASES)
def test_a_nul_in_any_field_comes_back_without_it(page_name: str, world: World) -> None:
    seen = visit(PAGES[page_name], world)
    problems: list[str] = []
    for form in seen.forms:
        for control in form.fields:
            where = f"{form.url_name} field {control.name!r} ({control.kind})"
            data = _valid_data(form, world)
            typed = "Before\x00after" if control.typed else (control.value or "1") + "\x00"
            answer = send(seen, form, data | {control.name: [typed]})
            if _holds_nul(answer.stored_after):
                problems.append(f"{where}: a NUL was stored")
            if not control.typed:
                continue  # a hidden field or a choice: refused or ignored, never stored
            if answer.status != 200 or NUL_REPORTED not in answer.page:
                problems.append(f"{where}: answered {answer.status} without saying why")
            if control.kind != "password" and "Beforeafter" not in _shown_value(
                answer, form, control.name
            ):
                problems.append(f"{where}: the form came back without the text")
            if answer.stored_after != answer.stored_before:
                problems.append(f"{where}: a refused form changed the database")
    assert not problems, "\n".join(problems)


# --- tampered hidden fields ---------------------------------------------------------------------

SEEN_VERSION_SAYS = "is not one of its own"
NOT_IN_THREAD = "is not in this discussion"
NOT_THIS_PARAGRAPHS = "That version does not belong to this paragraph."
NOT_THE_QUEUES = "are not ones the queue sets"
PREVIEW_ALTERED = "what the preview showed is not as the preview wrote it"
PREVIEW_OUTDATED = "changed after you saw the preview"


@dataclass(frozen=True)
class Tampering:
    """One hidden field of one page's form, the values that page never sends with what the
    answer must say, and how it answers: 200 (the form again, filled in) or 302 (a message
    on the page the form was on, for a form with nothing typed in it)."""

    page: str
    url_name: str
    name: str
    values: Callable[[World], list[tuple[str, str]]]
    status: int = 200

    def __str__(self) -> str:
        return f"{self.page}: {self.url_name} {self.name}"


def _versions_not_of_the_paragraph(world: World) -> list[tuple[str, str]]:
    elsewhere = str(latest_version(world.edited).history_id)  # another paragraph's version
    return [(value, SEEN_VERSION_SAYS) for value in ("abc", "0", "999999", elsewhere)]


def _parents_elsewhere(world: World, elsewhere: int) -> list[tuple[str, str]]:
    return [(value, NOT_IN_THREAD) for value in ("abc", "999999", str(elsewhere))]


def _comment_on_another_amendment(world: World) -> int:
    return comment_post(author=world.author, body="Elsewhere.", amendment=world.decided).pk


def _follow_values(w: World) -> list[tuple[str, str]]:
    return [(v, "neither to follow nor to stop following") for v in ("2", "yes", "")]


TAMPERINGS = [
    *(
        Tampering(page, f"amendments:follow_{what}", "follow", _follow_values, status=302)
        for page, what in (
            ("chapter", "chapter"),
            ("paragraph", "paragraph"),
            ("amendment, a supporter", "amendment"),
        )
    ),
    Tampering(
        "confirm a duplicate",
        "amendments:duplicate",
        "duplicate_of",
        lambda w: [
            ("abc", "Enter a whole number"),
            ("0", "There is no amendment with that number"),
            (str(w.amendment.pk), "cannot duplicate itself"),
            ("99999999", "There is no amendment #99999999"),
        ],
    ),
    Tampering(
        "confirm a duplicate",
        "amendments:duplicate",
        "confirmed",
        lambda w: [("no", "Yes, mark"), ("", "Yes, mark")],
    ),
    Tampering("propose", "amendments:propose", "seen_version", _versions_not_of_the_paragraph),
    Tampering("recommend", "amendments:recommend", "seen_version", _versions_not_of_the_paragraph),
    Tampering("edit", "amendments:edit", "seen_version", _versions_not_of_the_paragraph),
    Tampering(
        "edit",
        "amendments:edit",
        "kind",
        lambda w: [(v, "kind of change cannot be changed") for v in ("delete", "insert", "x")],
    ),
    Tampering(
        "accept with changes",
        "amendments:accept_with_changes",
        "seen_version",
        _versions_not_of_the_paragraph,
    ),
    Tampering(
        "amendment, its author",
        "amendments:comment_amendment",
        "parent",
        lambda w: _parents_elsewhere(w, _comment_on_another_amendment(w)),
    ),
    Tampering(
        "paragraph",
        "amendments:comment_paragraph",
        "parent",
        lambda w: _parents_elsewhere(w, w.comment.pk),  # a comment on the amendment
    ),
    Tampering(
        "amendment, a supporter",
        "amendments:support",
        "support",
        lambda w: [(v, "neither adds nor withdraws") for v in ("add-twice", "")],
        status=302,
    ),
    Tampering(
        "paragraph history",
        "amendments:revert",
        "version",
        lambda w: [
            ("abc", "Choose a version to restore."),
            ("999999", NOT_THIS_PARAGRAPHS),
            (str(latest_version(w.paragraph).history_id), NOT_THIS_PARAGRAPHS),
        ],
    ),
    Tampering(
        "review queue",
        "amendments:batch",
        "query",
        lambda w: [
            (v, NOT_THE_QUEUES) for v in ("evil=1", "sort=drop", "chapter=x&next=//evil.example")
        ],
        status=302,
    ),
    Tampering(
        "confirm a rejection",
        "amendments:batch",
        "query",
        lambda w: [("evil=1", NOT_THE_QUEUES)],
    ),
    Tampering(
        "confirm a rejection",
        "amendments:batch",
        "ids",
        lambda w: [
            ("abc", "not a number"),
            ("999999", "there is no amendment #999999"),
            (str(10**30), f"there is no amendment #{10**30}"),
        ],
    ),
    Tampering(
        "confirm a rejection",
        "amendments:batch",
        "action",
        lambda w: [(v, "Choose what to do with the ticked amendments.") for v in ("x", "")],
    ),
    Tampering(
        "preview an acceptance",
        "amendments:accept",
        "seen",
        lambda w: [
            ("p1:x", PREVIEW_ALTERED),
            ("a1:" + "z" * 20, PREVIEW_ALTERED),
            (f"p{w.amendment.paragraph_id}:1 a{w.amendment.pk}:{'0' * 20}", PREVIEW_OUTDATED),
        ],
    ),
    *(
        Tampering(
            "preview accepting together",
            "amendments:batch",
            name,
            lambda w, values=values: values,  # type: ignore[misc]
            status=302,
        )
        for name, values in (
            ("seen", [("p1:x", PREVIEW_ALTERED), ("", PREVIEW_ALTERED)]),
            ("ids", [("abc", "not a number"), ("999999", "there is no amendment #999999")]),
            ("action", [("x", "Choose what to do with the ticked amendments.")]),
            ("confirmed", [("no", "the rejection was not confirmed")]),
            ("query", [("evil=1", NOT_THE_QUEUES)]),
        )
    ),
    Tampering(
        "confirm a rejection",
        "amendments:batch",
        "confirmed",
        lambda w: [(v, "the rejection was not confirmed") for v in ("no", "YES")],
    ),
]


def test_every_hidden_field_is_tampered_with(world: World) -> None:
    hidden = {
        (form.url_name, control.name)
        for page in PAGES.values()
        for form in visit(page, world).forms
        for control in form.fields
        # The admin's "initial-…" fields are Django's: they only tell it whether a value changed.
        if control.kind == "hidden" and not form.url_name.startswith("admin:")
    }
    # The log-in page's "next" is Django's: an address off the site is not followed, and
    # tests/accounts/test_accounts.py checks that the member is told.
    hidden.discard(("accounts:login", "next"))
    tested = {(t.url_name, t.name) for t in TAMPERINGS}
    assert hidden <= tested, f"hidden fields nobody tampers with: {sorted(hidden - tested)}"


@pytest.mark.parametrize("tampering", TAMPERINGS, ids=str)
def test_a_tampered_hidden_field_is_refused_and_the_form_comes_back(
    tampering: Tampering, world: World
) -> None:
    seen = visit(PAGES[tampering.page], world)
    # The form with the field (a reply form, say); a form without it gets it added, as a
    # script would (the paragraph's discussion has no comment to reply to yet).
    forms = [f for f in seen.forms if f.url_name == tampering.url_name]
    form = next((f for f in forms if any(c.name == tampering.name for c in f.fields)), forms[0])
    typed = {c.name: f"My words for {c.name}, kept." for c in form.fields if c.kind == "textarea"}
    for value, says in tampering.values(world):
        data = _valid_data(form, world) | {name: [text] for name, text in typed.items()}
        answer = send(seen, form, data | {tampering.name: [value]})
        case = f"{tampering.name}={value!r}"
        assert answer.stored_after == answer.stored_before, f"{case}: something was stored"
        assert answer.status == tampering.status, f"{case}: answered {answer.status}"
        if answer.status == 302:
            messages = [str(m) for m in seen.client.get(answer.location).context["messages"]]
            assert any(says in message for message in messages), (case, messages)
            continue
        assert says in answer.page, f"{case}: the page does not say “{says}”"
        for name, text in typed.items():
            assert text in _shown_value(answer, form, name), f"{case}: {name} came back empty"


def test_after_a_refused_version_the_form_starts_from_todays(world: World) -> None:
    seen = visit(PAGES["propose"], world)
    form = next(f for f in seen.forms if f.url_name == "amendments:propose")
    data = _valid_data(form, world) | {"seen_version": ["999999"]}
    answer = send(seen, form, data)
    today = str(latest_version(world.paragraph).history_id)
    assert _shown_value(answer, form, "seen_version") == [today]
    assert send(seen, form, data | {"seen_version": [today]}).status == 302
