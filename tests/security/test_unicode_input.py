"""Unicode edge cases and text pasted from word processors, through the forms and services.

Each input is stored and shown faithfully, or refused with a clear message; never a server
error. NUL characters and lone surrogates cannot be stored by PostgreSQL (and a lone surrogate
not by SQLite either), so they are refused on both; this module runs on both in CI.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from amendments.models import Amendment, Comment
from amendments.services.discussion import comment_post
from amendments.services.proposing import amendment_edit, amendment_propose
from desk.security import NUL_REFUSAL
from manifesto.models import Milestone
from manifesto.services import milestone_create
from tests.amendments.conftest import propose
from tests.conftest import client_for
from tests.textcore.export_fixtures import parse_html
from textcore.words import count_words

pytestmark = pytest.mark.django_db

# name: (text, the words the desk counts in it)
UNICODE_CASES = {
    "right-to-left": ("الاشتراكية والديمقراطية — שלום עולם", 4),
    "bidi controls": ("abc \u202egnirts desrever\u202c and \u2067isolate\u2069", 5),
    "combining marks": ("Ze\u0301ro Z\u0335\u0321\u0322a\u0336\u031b\u0317lgo cafe\u0301", 3),
    "zero-width": ("zero\u200bwidth\u200cnon\u200djoiner\u2060word\ufeffjoiner", 1),
    "emoji": ("✊🏽 👩🏽‍🔬 👨‍👩‍👧‍👦 🇬🇧 1️⃣", 1),
    "astral and CJK": ("𝕳𝖊𝖑𝖑𝖔 社会主义 𠜎𠜱", 3),
    "smart quotes": ("“quoted” ‘single’ don’t – en — em … ellipsis", 6),
    "odd spaces": ("non\u00a0breaking thin\u2009space ideographic\u3000space soft\u00adhyphen", 7),
    "control characters": ("bell\x07 escape\x1b delete\x7f", 3),
}


# What a one-line title keeps of each case: direction controls and invisible characters go
# (the emoji's joiners and selectors do visible work and stay).
TITLE_KEEPS = {
    "bidi controls": "abc gnirts desrever and isolate",
    "zero-width": "zerowidthnonjoinerwordjoiner",
    "odd spaces": "non\u00a0breaking thin\u2009space ideographic\u3000space softhyphen",
    "control characters": "bell escape delete",
}


def _propose_url(paragraph) -> str:  # type: ignore[no-untyped-def]
    return reverse("amendments:propose", args=[paragraph.chapter.slug, paragraph.key])


def _post_proposal(client: Client, paragraph, **fields: str):  # type: ignore[no-untyped-def]
    data = {
        "kind": "replace",
        "title": "A title",
        "text": paragraph.text + " More.",
        "reason": "Why",
    }
    return client.post(_propose_url(paragraph), data | fields)


@pytest.mark.parametrize("case", UNICODE_CASES, ids=str)
def test_unicode_is_stored_and_shown_faithfully(member, other_member, p5, case: str) -> None:
    text, words = UNICODE_CASES[case]
    client = client_for(member)
    response = _post_proposal(
        client, p5, title=f"Title: {text}", text=f"{p5.text} {text}", reason=f"Reason: {text}"
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    amendment = Amendment.objects.get()
    title = f"Title: {TITLE_KEEPS.get(case, text)}"
    assert amendment.title == title
    assert amendment.reason == f"Reason: {text}"
    assert amendment.proposed_text == f"{p5.text} {text}"
    assert amendment.word_delta == words

    comment = client_for(other_member).post(
        reverse("amendments:comment_amendment", args=[amendment.pk]), {"body": text}
    )
    assert comment.status_code == 302
    assert Comment.objects.get().body == text

    page = client.get(amendment.get_absolute_url()).content.decode()
    assert escape(title) in page and escape(f"Reason: {text}") in page
    root = parse_html(page)
    diff = next(el for el in root.iter() if el.get("data-testid") == "diff-as-written")
    comments = [el for el in root.iter() if el.get("class") == "comment__body"]
    # html5lib reads the page as a browser does; the text comes back as it was written.
    assert text in "".join(diff.itertext())
    assert [" ".join(el.itertext()).strip() for el in comments] == [text]


def test_text_pasted_from_a_word_processor(member, p5) -> None:
    pasted = (
        "“Smart quotes”\u00a0and\u00a0non-breaking spaces, a soft\u00adhyphen,\r\n"
        "Windows line ends,\rold Mac ones,\u2028a line separator,\u2029a paragraph one,"
        "\x0bWord's manual break,\x0ca form feed,\x85a next line\t\tand tabs."
    )
    response = _post_proposal(client_for(member), p5, text=f"{p5.text}\r\n\r\n{pasted}\r\n")
    assert response.status_code == 302, response.content.decode()[:2000]
    amendment = Amendment.objects.get()
    # One paragraph: every line break became one space, everything else is kept verbatim.
    assert amendment.proposed_text == p5.text + " " + (
        "“Smart quotes”\u00a0and\u00a0non-breaking spaces, a soft\u00adhyphen, "
        "Windows line ends, old Mac ones, a line separator, a paragraph one, "
        "Word's manual break, a form feed, a next line\t\tand tabs."
    )
    assert amendment.word_delta == 30


SPOOFED_TITLE = "Fix a typo \u202eecnetnes eht fo dne eht ta"  # reads "…at the end of the sentence"


def test_a_title_cannot_turn_itself_around(member, p5) -> None:
    # A right-to-left override made the title render as different words.
    response = _post_proposal(client_for(member), p5, title=SPOOFED_TITLE)
    assert response.status_code == 302
    amendment = Amendment.objects.get()
    assert amendment.title == "Fix a typo ecnetnes eht fo dne eht ta"


@pytest.mark.parametrize("invisible", ["\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u2066"])
def test_titles_lose_invisible_characters_in_the_service_and_when_edited(
    member, p5, invisible: str
) -> None:
    amendment = amendment_propose(
        author=member,
        paragraph=p5,
        kind="replace",
        title=f"Name{invisible} the toll{invisible}",
        text=p5.text + " More.",
        reason="Why",
    )
    assert amendment.title == "Name the toll"
    edited = amendment_edit(
        amendment=amendment,
        user=member,
        title=f"{invisible}Name\u202e the famine",
        text=p5.text + " More.",
        reason="Why",
    )
    assert edited.title == "Name the famine"


def test_a_milestone_name_cannot_turn_itself_around(editor, p5) -> None:
    milestone = milestone_create(
        chapter=p5.chapter, editor=editor, name="Congress\u200b draft \u202e(final)"
    )
    assert milestone.name == "Congress draft (final)"
    with pytest.raises(ValidationError) as refused:
        milestone_create(chapter=p5.chapter, editor=editor, name="Congress draft\u2060 (final)")
    assert "already has a milestone called “Congress draft (final)”" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        milestone_create(chapter=p5.chapter, editor=editor, name="\u202e\u200b")
    assert "Give the milestone a name" in str(refused.value)


@pytest.mark.parametrize("line_break", ["\n", "\r", "\r\n", "\u2028", "\u2029", "\x85"])
def test_a_title_is_one_line(member, p5, line_break: str) -> None:
    response = _post_proposal(client_for(member), p5, title=f"First{line_break}Second")
    assert response.status_code == 200
    assert "Keep the title to one line" in response.content.decode()
    assert not Amendment.objects.exists()


@pytest.mark.parametrize("invisible", ["\u200b", "\u00ad", "\u200e\u200f", "\ufeff", " \u3000 "])
def test_invisible_text_counts_as_empty(member, p5, invisible: str) -> None:
    client = client_for(member)
    response = _post_proposal(client, p5, title=invisible, text=invisible, reason=invisible)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Give the amendment a short title" in page
    assert "Say why" in page
    assert "The replacement is empty" in page
    comment = client.post(
        reverse("amendments:comment_paragraph", args=[p5.chapter.slug, p5.key]),
        {"body": invisible},
        follow=True,
    )
    assert "Write something before posting." in comment.content.decode()
    assert not Amendment.objects.exists() and not Comment.objects.exists()


# --- NUL characters -------------------------------------------------------------------------


def _nul_requests(member, editor, admin_user, p5) -> list[tuple[Any, str, str, dict[str, str]]]:  # type: ignore[no-untyped-def]
    """(who, method, address, data) for every way a NUL could come in."""
    amendment = propose(member, p5)
    comment = comment_post(author=member, body="Hello", amendment=amendment)
    slug, key = p5.chapter.slug, p5.key
    nul = "before\x00after"
    return [
        (member, "post", _propose_url(p5), {"kind": "replace", "title": nul, "text": "x"}),
        (member, "post", _propose_url(p5), {"kind": "replace", "title": "T", "text": nul}),
        (member, "post", _propose_url(p5), {"kind": "replace", "reason": nul}),
        (member, "post", reverse("amendments:edit", args=[amendment.pk]), {"text": nul}),
        (member, "post", reverse("amendments:preview", args=[slug, key]), {"text": nul}),
        (
            member,
            "post",
            reverse("amendments:comment_amendment", args=[amendment.pk]),
            {"body": nul},
        ),
        (member, "post", reverse("amendments:comment_paragraph", args=[slug, key]), {"body": nul}),
        (member, "post", reverse("amendments:comment_change", args=[comment.pk]), {"body": nul}),
        (member, "post", reverse("accounts:profile"), {"display_name": nul, "email": "a@b.org"}),
        (None, "post", reverse("accounts:login"), {"username": nul, "password": "x"}),
        (None, "post", reverse("accounts:signup"), {"email": "a@b.org", "invitation_code": nul}),
        (editor, "post", reverse("amendments:accept", args=[amendment.pk]), {"reason": nul}),
        (editor, "post", reverse("amendments:reject", args=[amendment.pk]), {"reject-reason": nul}),
        (editor, "post", reverse("amendments:comment_hide", args=[comment.pk]), {"reason": nul}),
        (editor, "post", reverse("manifesto:milestone_add", args=[slug]), {"name": nul}),
        (editor, "post", reverse("amendments:limit", args=[slug]), {"reason": nul}),
        (
            editor,
            "post",
            reverse("amendments:revert", args=[slug, key]),
            {"version": "1", "reason": nul},
        ),
        (editor, "post", reverse("amendments:batch"), {"ids": str(amendment.pk), "query": nul}),
        (
            editor,
            "post",
            reverse("amendments:accept_with_changes", args=[amendment.pk]),
            {"text": nul},
        ),
        (admin_user, "post", reverse("amendments:reopen", args=[amendment.pk]), {"reason": nul}),
        (editor, "get", reverse("amendments:queue"), {"author": nul}),
        (editor, "get", reverse("amendments:queue"), {"chapter": nul}),
        (None, "get", reverse("amendments:list"), {"author": nul}),
        (member, "get", reverse("amendments:list"), {"chapter": nul, "mine": "1"}),
        (None, "get", reverse("amendments:list_csv"), {"paragraph": nul}),
        (None, "get", reverse("amendments:list_xlsx"), {"lines": nul}),
        (None, "get", reverse("manifesto:export"), {"chapter": nul}),
        (None, "get", reverse("manifesto:export"), {"at": f"milestone:{nul}"}),
        (
            None,
            "get",
            reverse("manifesto:export"),
            {"since": f"milestone:{nul}", "format": "changes-html"},
        ),
        (None, "get", reverse("manifesto:index"), {nul: "key"}),
        (None, "get", f"/chapters/{slug}/p/{key}/%00/", {}),
        (admin_user, "get", reverse("admin:amendments_amendment_changelist"), {"q": nul}),
        (admin_user, "get", reverse("admin:manifesto_paragraph_changelist"), {"q": nul}),
        (
            admin_user,
            "post",
            reverse("admin:accounts_user_change", args=[member.pk]),
            {"display_name": nul},
        ),
    ]


def test_a_nul_character_in_an_address_is_refused_with_a_clear_page(
    member, editor, admin_user, p5
) -> None:
    requests = [r for r in _nul_requests(member, editor, admin_user, p5) if r[1] == "get"]
    before = _snapshot()
    for user, _, url, data in requests:
        client = client_for(user)
        client.raise_request_exception = False
        response = client.get(url, data)
        assert response.status_code == 400, (url, data, response.status_code)
        assert escape(NUL_REFUSAL) in response.content.decode(), url
    assert _snapshot() == before


# Our forms remove the NUL and say so; Django's own admin forms refuse it in their words.
NUL_ANSWERS = ("NUL character (U+0000)", "Null characters are not allowed.")


def test_a_nul_character_in_a_form_is_answered_with_the_form_not_a_bare_400(
    member, editor, admin_user, p5
) -> None:
    requests = [r for r in _nul_requests(member, editor, admin_user, p5) if r[1] == "post"]
    before = _snapshot()
    for user, _, url, data in requests:
        client = client_for(user)
        response = client.post(url, data)
        if response.status_code == 302:  # a form of hidden fields only: a message, and back
            answer = " ".join(str(m) for m in client.get(response["Location"]).context["messages"])
        else:
            answer = response.content.decode()
            # The page's own form comes back (the live preview, a fragment, says why it stopped).
            assert response.status_code == (400 if "/preview/" in url else 200), (url, data)
        assert any(said in answer for said in NUL_ANSWERS), (url, data, answer[:300])
        assert "beforeafter" in answer or response.status_code != 200, (url, data)
    assert _snapshot() == before


def _snapshot() -> tuple[object, ...]:
    from accounts.models import User

    return (
        list(
            Amendment.objects.order_by("pk").values_list(
                "pk", "status", "title", "proposed_text", "reason"
            )
        ),
        list(Comment.objects.order_by("pk").values_list("pk", "body", "hidden_reason")),
        list(Milestone.objects.order_by("pk").values_list("pk", "name")),
        list(User.objects.order_by("pk").values_list("pk", "display_name")),
        Amendment.history.count(),  # type: ignore[attr-defined]
    )


@pytest.mark.parametrize("bad", ["\x00", "\ud800", "\udfff"], ids=["NUL", "high", "low"])
@pytest.mark.parametrize("field", ["title", "text", "reason"])
def test_the_propose_service_refuses_what_cannot_be_stored(
    member, p5, bad: str, field: str
) -> None:
    # Another caller than our forms (a command, a script) gets a clear refusal, not a
    # database error, on SQLite and PostgreSQL alike.
    values = {"title": "A title", "text": p5.text + " More.", "reason": "Why"}
    values[field] = values[field] + bad + " end"
    with pytest.raises(ValidationError) as refused:
        amendment_propose(author=member, paragraph=p5, kind="replace", **values)
    assert [e.code for e in refused.value.error_dict[field]] == ["unstorable"]
    assert "cannot be stored" in refused.value.message_dict[field][0]
    assert not Amendment.objects.exists()


@pytest.mark.parametrize("bad", ["\x00", "\ud800"], ids=["NUL", "surrogate"])
def test_the_comment_service_refuses_what_cannot_be_stored(member, p5, bad: str) -> None:
    with pytest.raises(ValidationError) as refused:
        comment_post(author=member, body=f"Hello {bad} there", paragraph=p5)
    assert "cannot be stored" in refused.value.message_dict["body"][0]
    assert not Comment.objects.exists()


# --- lone surrogates and invalid UTF-8 ------------------------------------------------------


def test_lone_surrogates_in_a_post_arrive_as_replacement_characters(member, p5) -> None:
    # A browser cannot send a lone surrogate: UTF-8 has no encoding for one. Sent anyway as
    # the bytes ED A0 80 (its would-be encoding), Django decodes the body with errors replaced,
    # so the view sees U+FFFD; the amendment is stored and shown with it, nothing breaks.
    body = "kind=replace&title=ab%ED%A0%80cd&reason=why%FF%FE&text=" + "".join(
        f"%{byte:02X}" for byte in f"{p5.text} More.".encode()
    )
    response = client_for(member).post(
        _propose_url(p5), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 302
    amendment = Amendment.objects.get()
    assert amendment.title == "ab\ufffd\ufffd\ufffdcd"
    assert amendment.reason == "why\ufffd\ufffd"
    page = client_for(member).get(amendment.get_absolute_url())
    assert page.status_code == 200 and "ab\ufffd\ufffd\ufffdcd" in page.content.decode()


def test_a_word_count_of_what_was_stored_matches_the_delta(member, p5) -> None:
    # The word count the page shows and the stored delta agree for every case above.
    text = " ".join(text for text, _ in UNICODE_CASES.values())
    amendment = propose(member, p5, f"{p5.text} {text}")
    assert amendment.word_delta == sum(words for _, words in UNICODE_CASES.values())
    assert amendment.word_delta == count_words(amendment.proposed_text) - count_words(p5.text)


# --- isolation: what people wrote cannot turn the text around it ------------------------------

OVERRIDES = set("\u202a\u202b\u202d\u202e")  # embeddings and overrides, which spill until closed
ISOLATED_BY = ("bdi", "title", "option")  # <title> and <option> text is checked as plain text


def _outside_isolates(text: str) -> list[str]:
    """The overrides in plain ``text`` that are not inside an FSI/LRI/RLI … PDI isolate."""
    depth, loose = 0, []
    for ch in text:
        if ch in "\u2066\u2067\u2068":
            depth += 1
        elif ch == "\u2069":
            depth = max(0, depth - 1)
        elif ch in OVERRIDES and depth == 0:
            loose.append(ch)
    return loose


def _loose_overrides_in_page(html: str) -> list[str]:
    """Text of ``html`` holding an override outside a <bdi> or an element with ``dir``."""
    root = parse_html(html)
    parents = {child: parent for parent in root.iter() for child in parent}

    def isolated(element) -> bool:  # type: ignore[no-untyped-def]
        while element is not None:
            if element.tag == "bdi" or element.get("dir"):
                return True
            if element.tag in ("title", "option"):
                return not _outside_isolates("".join(element.itertext()))
            element = parents.get(element)
        return False

    loose = []
    for element in root.iter():
        for text, holder in ((element.text, element), (element.tail, parents.get(element))):
            if text and OVERRIDES & set(text) and not isolated(holder):
                loose.append(text)
    return loose


def test_a_title_and_a_name_with_an_override_cannot_turn_their_surroundings_around(
    member, editor, p5, django_capture_on_commit_callbacks
) -> None:
    # Stored before titles and names were cleaned, or by a path around the services: a title
    # ending in a right-to-left override, and a name that leaves one open, which reversed
    # "proposed by … on 2 December" on the page, in the queue and in the e-mail subject.
    from accounts.models import User
    from amendments.services.deciding import amendment_reject

    amendment = propose(member, p5)
    amendment.title = "Fix a typo \u202eyllaer"
    amendment.save()
    User.objects.filter(pk=member.pk).update(display_name="Alice \u202eMember")
    comment_post(author=member, body="A comment \u202eopen", amendment=amendment)
    pages = {
        "amendment": client_for(editor).get(amendment.get_absolute_url()),
        "queue": client_for(editor).get(reverse("amendments:queue")),
        "mine": client_for(member).get(reverse("amendments:mine")),
        "log": None,
    }
    with django_capture_on_commit_callbacks(execute=True):
        amendment_reject(amendment=amendment, editor=editor, reason="No \u202ethanks")
    pages["log"] = client_for(member).get(reverse("amendments:log", args=[p5.chapter.slug]))
    pages["decided"] = client_for(member).get(amendment.get_absolute_url())
    for name, response in pages.items():
        html = response.content.decode()  # type: ignore[union-attr]
        assert "\u202e" in html, name
        assert _loose_overrides_in_page(html) == [], name
    page = pages["amendment"].content.decode()  # type: ignore[union-attr]
    assert "<bdi>Fix a typo \u202eyllaer</bdi></h1>" in page
    assert 'proposed by <strong><bdi class="person">Alice \u202eMember</bdi></strong> on' in page
    (sent,) = mail.outbox
    assert (
        sent.subject == f"Amendment #{amendment.pk} rejected: \u2068Fix a typo \u202eyllaer\u2069"
    )
    assert _outside_isolates(sent.subject) == [] and _outside_isolates(sent.body) == []
