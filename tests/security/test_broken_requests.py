"""Oversized bodies, ids that do not exist or belong to someone else, and requests sent twice.

Every one is answered with a clear refusal (a form error, a message, 400, 403, 404 or 413) and
never with a server error; nothing is changed by a refused request.
"""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from amendments.models import Amendment, Comment, Support
from amendments.services.deciding import amendments_reject
from amendments.services.discussion import REPEAT_WINDOW_SECONDS, comment_post
from amendments.services.proposing import amendment_propose, amendment_withdraw
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

MEGABYTE = 1_000_000


def _messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- a megabyte in one field ----------------------------------------------------------------


def test_a_megabyte_proposal_is_refused_with_the_real_limit(member, p5) -> None:
    url = reverse("amendments:propose", args=[p5.chapter.slug, p5.key])
    response = client_for(member).post(
        url, {"kind": "replace", "title": "Big", "text": "word " * (MEGABYTE // 5), "reason": "R"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The text is 1,000,000 characters; the maximum is 5,000." in page
    # No diff of the megabyte was computed: it would take a worker many seconds.
    assert 'data-testid="diff"' not in page
    assert not Amendment.objects.exists()


def test_a_megabyte_to_the_live_preview_is_refused(member, p5) -> None:
    url = reverse("amendments:preview", args=[p5.chapter.slug, p5.key])
    response = client_for(member).post(url, {"kind": "replace", "text": "word " * 200_000})
    assert response.status_code == 413
    assert response.content.decode() == "The text is 1,000,000 characters; the maximum is 5,000."


def test_a_megabyte_edit_is_refused(member, p5) -> None:
    amendment = propose(member, p5)
    response = client_for(member).post(
        reverse("amendments:edit", args=[amendment.pk]),
        {"title": "T", "text": "x" * MEGABYTE, "reason": "R"},
    )
    assert response.status_code == 200
    assert "The text is 1,000,000 characters; the maximum is 5,000." in response.content.decode()
    amendment.refresh_from_db()
    assert amendment.title == "A change"


@pytest.mark.parametrize("size", [MEGABYTE, 5001])
def test_an_overlong_comment_comes_back_in_its_box_with_the_limit(member, p5, size: int) -> None:
    # `size` characters when each CR LF counts as one, as the browser counted them.
    body = "Words.\r\n" * (size // 7) + "x" * (size % 7)
    assert len(body.replace("\r\n", "\n")) == size
    response = client_for(member).post(
        reverse("amendments:comment_paragraph", args=[p5.chapter.slug, p5.key]), {"body": body}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f"The comment is {size:,} characters; the maximum is 5,000." in page
    assert escape(body.replace("\r\n", "\n").strip()) in page  # the box is filled in again
    assert not Comment.objects.exists()


def test_a_body_over_the_upload_limit_gets_a_clear_400(member, p5) -> None:
    client = client_for(member)
    client.raise_request_exception = False
    response = client.post(
        reverse("amendments:comment_paragraph", args=[p5.chapter.slug, p5.key]),
        {"body": "x" * 3 * MEGABYTE},
    )
    assert response.status_code == 400
    assert "larger than the desk accepts" in response.content.decode()
    assert not Comment.objects.exists()


# --- ids that do not exist ------------------------------------------------------------------

MISSING = ["999999", str(10**30)]


def _addresses_with_ids(pk: str, real_slug: str) -> list[tuple[str, str]]:
    """Every address that names an amendment, a comment, a chapter or a paragraph."""
    by_id = [
        ("get", f"/amendments/{pk}/"),
        ("get", f"/amendments/{pk}/edit/"),
        ("post", f"/amendments/{pk}/withdraw/"),
        ("post", f"/amendments/{pk}/support/"),
        ("post", f"/amendments/{pk}/comment/"),
        ("post", f"/amendments/{pk}/accept/"),
        ("get", f"/amendments/{pk}/accept-with-changes/"),
        ("post", f"/amendments/{pk}/reject/"),
        ("post", f"/amendments/{pk}/duplicate/"),
        ("get", f"/amendments/{pk}/duplicate/"),
        ("post", f"/amendments/{pk}/not-a-duplicate/"),
        ("get", f"/amendments/{pk}/withdraw/"),
        ("get", f"/comments/{pk}/"),
        ("get", f"/comments/{pk}/hide/"),
    ]
    paragraph = ["", "propose/", "preview/", "comment/", "revert/"]
    by_chapter = [
        *(("get", f"/chapters/no-such-chapter/{page}") for page in ["", "log/", "limit/"]),
        ("post", "/chapters/no-such-chapter/milestones/"),
        ("get", "/export/?chapter=no-such-chapter"),
    ]
    by_paragraph = [
        ("post" if page in ("preview/", "comment/", "revert/") else "get", f"{prefix}{page}")
        for prefix in ("/chapters/no-such-chapter/p/1/", f"/chapters/{real_slug}/p/{pk}/")
        for page in paragraph
    ]
    return by_id + by_chapter + by_paragraph


@pytest.mark.parametrize("pk", MISSING)
def test_missing_ids_are_404(member, editor, admin_user, seed_chapter, pk) -> None:
    for user in (member, editor, admin_user):
        client = client_for(user)
        client.raise_request_exception = False
        for method, url in _addresses_with_ids(pk, seed_chapter.slug):
            data = {"body": "x", "reason": "x", "name": "m"} if method == "post" else {}
            response = getattr(client, method)(url, data)
            # A member asking for an editor's page is refused before anything is looked up.
            allowed = {404} if user.is_editor else {403, 404}
            assert response.status_code in allowed, (user, method, url, response.status_code)


@pytest.mark.parametrize("pk", [*MISSING, "²"])  # "²" is a digit to str.isdigit, not to int()
def test_missing_ids_in_form_fields_are_refused_clearly(member, editor, p5, pk) -> None:
    amendment = propose(member, p5)
    client = client_for(editor)
    # The duplicate page answers on itself, with the number kept in its box.
    duplicate = client.post(
        reverse("amendments:duplicate", args=[amendment.pk]),
        {"duplicate_of": pk, "confirmed": "yes"},
    )
    answers = (
        f"There is no amendment #{pk}.",
        "There is no amendment with that number.",
        "Enter a whole number.",
    )
    assert duplicate.status_code == 200
    assert sum(answer in duplicate.content.decode() for answer in answers) == 1
    revert = client.post(
        reverse("amendments:revert", args=[p5.chapter.slug, p5.key]),
        {"version": pk, "reason": "Back to the first"},
    )
    assert revert.status_code == 200 and "Back to the first" in revert.content.decode()
    assert (
        "That version does not belong to this paragraph." in revert.content.decode()
        or "Choose a version to restore." in revert.content.decode()
    )
    batch = client.post(reverse("amendments:batch"), {"ids": [pk], "action": "accept"}, follow=True)
    assert _messages(batch) in (
        [f"The form was altered: there is no amendment #{pk}. Nothing was done."],
        [
            "The form was altered: it named an amendment by something that is not a number. "
            "Nothing was done."
        ],
    )
    reply = client_for(member).post(
        reverse("amendments:comment_amendment", args=[amendment.pk]),
        {"body": "A reply", "parent": pk},
    )
    assert reply.status_code == 200 and "is not in this discussion" in reply.content.decode()
    assert not Comment.objects.exists()
    queue = client.get(reverse("amendments:queue"), {"paragraph": pk, "page": pk})
    assert queue.status_code == 200
    amendment.refresh_from_db()
    assert amendment.status == "pending"


def test_the_admin_redirects_a_missing_object(admin_user) -> None:
    response = client_for(admin_user).get(f"/admin/amendments/amendment/{10**30}/change/")
    assert response.status_code == 302 and response["Location"] == "/admin/"


# --- other people's ids ---------------------------------------------------------------------


def test_other_peoples_amendments_and_comments_are_403(member, other_member, editor, p5) -> None:
    theirs = propose(other_member, p5)
    their_comment = comment_post(author=other_member, body="Theirs", amendment=theirs)
    slug, key = p5.chapter.slug, p5.key
    forbidden = [
        ("get", reverse("amendments:edit", args=[theirs.pk]), {}),
        ("post", reverse("amendments:edit", args=[theirs.pk]), {"title": "Mine now", "text": "x"}),
        ("post", reverse("amendments:withdraw", args=[theirs.pk]), {}),
        ("get", reverse("amendments:comment_change", args=[their_comment.pk]), {}),
        ("post", reverse("amendments:comment_change", args=[their_comment.pk]), {"body": "Mine"}),
        (
            "post",
            reverse("amendments:comment_change", args=[their_comment.pk]),
            {"action": "delete"},
        ),
        ("post", reverse("amendments:comment_hide", args=[their_comment.pk]), {"reason": "x"}),
        ("post", reverse("amendments:accept", args=[theirs.pk]), {}),
        ("post", reverse("amendments:reject", args=[theirs.pk]), {"reject-reason": "No"}),
        (
            "post",
            reverse("amendments:duplicate", args=[theirs.pk]),
            {"duplicate_of": "1", "confirmed": "yes"},
        ),
        ("get", reverse("amendments:duplicate", args=[theirs.pk]), {"duplicate_of": "1"}),
        ("post", reverse("amendments:unmark_duplicate", args=[theirs.pk]), {"reason": "x"}),
        ("get", reverse("amendments:withdraw", args=[theirs.pk]), {}),
        ("get", reverse("amendments:accept_with_changes", args=[theirs.pk]), {}),
        ("post", reverse("amendments:reopen", args=[theirs.pk]), {"reason": "x"}),
        ("get", reverse("amendments:queue"), {}),
        ("post", reverse("amendments:batch"), {"ids": [theirs.pk], "action": "accept"}),
        ("post", reverse("amendments:revert", args=[slug, key]), {"version": "1"}),
        ("get", reverse("amendments:limit", args=[slug]), {}),
        ("post", reverse("manifesto:milestone_add", args=[slug]), {"name": "Mine"}),
    ]
    client = client_for(member)
    for method, url, data in forbidden:
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (method, url, response.status_code)
    theirs.refresh_from_db()
    their_comment.refresh_from_db()
    assert (theirs.status, theirs.title) == ("pending", "A change")
    assert (their_comment.body, their_comment.is_hidden) == ("Theirs", False)
    assert client.get("/admin/").status_code == 302  # to the admin's own log-in
    # An editor may not reopen a decision (admins only), nor decide their own amendment.
    amendments_reject([theirs], editor=editor, reason="No")
    assert (
        client_for(editor).post(reverse("amendments:reopen", args=[theirs.pk])).status_code == 403
    )
    own = propose(editor, p5, p5.text + " Mine.")
    response = client_for(editor).post(reverse("amendments:accept", args=[own.pk]), follow=True)
    assert "editors cannot decide their own amendments" in _messages(response)[0]


def test_supporting_needs_someone_elses_open_amendment(member, other_member, editor, p5) -> None:
    mine = propose(member, p5)
    own = client_for(member).post(reverse("amendments:support", args=[mine.pk]), follow=True)
    assert _messages(own) == ["You cannot support your own amendment."]
    amendment_withdraw(amendment=mine, user=member)
    closed = client_for(other_member).post(
        reverse("amendments:support", args=[mine.pk]), follow=True
    )
    assert _messages(closed) == ["Only open amendments can be supported."]
    assert not Support.objects.exists()


def test_a_reply_into_another_thread_is_refused(member, other_member, p5) -> None:
    first, second = propose(member, p5), propose(member, p5, p5.text + " Other.")
    elsewhere = comment_post(author=other_member, body="Elsewhere", amendment=second)
    response = client_for(member).post(
        reverse("amendments:comment_amendment", args=[first.pk]),
        {"body": "My reply", "parent": elsewhere.pk},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "the comment it replies to is not in this discussion" in page
    assert "My reply" in page  # the reply comes back in its box
    assert Comment.objects.count() == 1


# --- sent twice -----------------------------------------------------------------------------


def test_a_proposal_sent_twice_is_stored_once(member, p5) -> None:
    url = reverse("amendments:propose", args=[p5.chapter.slug, p5.key])
    data = {"kind": "replace", "title": "Once", "text": p5.text + " Twice?", "reason": "R"}
    client = client_for(member)
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    amendment = Amendment.objects.get()
    assert again.status_code == 200
    assert (
        f"You have already proposed this change to this paragraph: amendment #{amendment.pk} "
        "(pending)." in again.content.decode()
    )


@pytest.mark.parametrize(
    ("kind", "text"), [("replace", None), ("delete", ""), ("insert", "A new paragraph.")]
)
def test_the_service_refuses_a_second_copy_of_an_open_amendment(
    member, other_member, p5, kind: str, text: str | None
) -> None:
    first = propose(member, p5, text, kind=kind)
    with pytest.raises(ValidationError) as refused:
        propose(member, p5, text, kind=kind, title="Another title, same change")
    assert refused.value.code == "repeated_proposal"
    assert f"amendment #{first.pk}" in refused.value.messages[0]
    # Another member may propose the same change; so may the author once the first is closed.
    propose(other_member, p5, text, kind=kind)
    amendment_withdraw(amendment=first, user=member)
    propose(member, p5, text, kind=kind)
    if kind == "insert":
        propose(member, p5, text, kind=kind, insert_kind="heading")
    assert Amendment.objects.filter(author=member).count() == (3 if kind == "insert" else 2)


def test_a_different_change_to_the_same_paragraph_is_welcome(member, p5) -> None:
    propose(member, p5, p5.text + " One.")
    propose(member, p5, p5.text + " Two.")
    other = body_paragraph(p5.chapter, 6)
    amendment_propose(
        author=member,
        paragraph=other,
        kind="replace",
        title="T",
        text=other.text + " One.",
        reason="R",
    )
    assert Amendment.objects.count() == 3


def test_a_comment_sent_twice_quickly_is_stored_once(member, other_member, p5) -> None:
    url = reverse("amendments:comment_paragraph", args=[p5.chapter.slug, p5.key])
    client = client_for(member)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        first = client.post(url, {"body": "Hear, hear."})
        clock.shift(REPEAT_WINDOW_SECONDS - 1)
        second = client.post(url, {"body": "Hear, hear."})
        (comment,) = Comment.objects.all()
        assert (
            first["Location"] == second["Location"]
            and f"#comment-{comment.pk}" in first["Location"]
        )
        # The same words later, from someone else, elsewhere or as a reply are new comments.
        clock.shift(2)
        client.post(url, {"body": "Hear, hear."})
        client_for(other_member).post(url, {"body": "Hear, hear."})
        client.post(url, {"body": "Hear, hear.", "parent": comment.pk})
        amendment = propose(member, p5)
        client.post(
            reverse("amendments:comment_amendment", args=[amendment.pk]), {"body": "Hear, hear."}
        )
    assert Comment.objects.count() == 5


def test_a_deleted_comment_can_be_written_again(member, p5) -> None:
    from amendments.services.discussion import comment_delete

    first = comment_post(author=member, body="Oops", paragraph=p5)
    comment_delete(comment=first, user=member)
    again = comment_post(author=member, body="Oops", paragraph=p5)
    assert again.pk != first.pk


@pytest.mark.parametrize("chosen", ["abc", "1\x00", "\x00", str(10**30), "²"])
def test_an_admin_action_on_ids_no_list_shows_is_refused_not_a_500(
    admin_user, member, chosen: str
) -> None:
    # The admin filters by the ticked ids as they come: a NUL (the middleware no longer turns
    # every form with one away) or any non-number was a server error.
    from django.contrib import admin

    client = client_for(admin_user)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        before = model._default_manager.count()
        response = client.post(
            url, {"action": "delete_selected", "_selected_action": [chosen], "index": "0"}
        )
        # 302 and a message where the model has actions; the list again where it has none.
        assert response.status_code in (200, 302), (url, response.status_code)
        assert model._default_manager.count() == before, url
