"""``amendment_permissions``: one rule for who may do what with an amendment, read by the
amendment's page, its templates and the services.

The table below is the rule written out for every actor and status; the page test asks the
amendment page, as every actor and for an amendment in every status, and checks that it
offers exactly the actions the function allows; the service tests check that the services
refuse what the function refuses.
"""

from __future__ import annotations

import re
from dataclasses import asdict, fields
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from amendments.models import Amendment
from amendments.permissions import AmendmentPermissions, amendment_permissions
from amendments.services.deciding import (
    amendment_accept,
    amendment_mark_duplicate,
    amendment_reject,
    amendment_reopen,
    amendment_unmark_duplicate,
    amendments_reject,
)
from amendments.services.proposing import amendment_withdraw, support_add
from manifesto.models import Chapter, Manifesto, Paragraph, Phase
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for, make_user

ACTIONS = tuple(field.name for field in fields(AmendmentPermissions))
AUTHOR_ID = 1
S = Amendment.Status

# Who may do what, by status (a replacement in a chapter open for amendments). "editor, own"
# is an editor who wrote the amendment: on their own amendment an editor is only its author.
EVERYONE_ELSE = "comment"
TABLE: dict[str, dict[str, str]] = {
    S.PENDING: {
        "anonymous": "",
        "member": "support comment",
        "author": "edit withdraw comment",
        "editor": "support comment accept accept_with_changes reject mark_duplicate",
        "editor, own": "edit withdraw comment",
        "admin": "support comment accept accept_with_changes reject mark_duplicate",
    },
    # Still collecting supporters: its author changes it, members support it, and editors
    # wait for the round's minimum before deciding it.
    S.COLLECTING: {
        "anonymous": "",
        "member": "support comment",
        "author": "edit withdraw comment",
        "editor": "support comment",
        "editor, own": "edit withdraw comment",
        "admin": "support comment",
    },
    S.CONFLICT: {
        "anonymous": "",
        "member": "support comment",
        "author": "edit withdraw comment",
        "editor": "support comment reject mark_duplicate",
        "editor, own": "edit withdraw comment",
        "admin": "support comment reject mark_duplicate",
    },
    **{
        status: {"anonymous": "", "admin": EVERYONE_ELSE}
        for status in (S.ACCEPTED, S.ACCEPTED_WITH_CHANGES, S.WITHDRAWN)
    },
    # Fell at the congress when a rival was carried: the rival's text is in the paragraph, so
    # it is not reopened (the paragraph is reverted instead, as for an accepted one).
    S.FALLEN: {"anonymous": "", "admin": EVERYONE_ELSE},
    S.REJECTED: {"anonymous": "", "admin": "comment reopen"},
    S.OBSOLETE: {"anonymous": "", "admin": "comment reopen"},
    S.DUPLICATE: {
        "anonymous": "",
        "editor": "comment undo_duplicate",
        "editor, own": "comment",
        "admin": "comment undo_duplicate reopen",
    },
}
ACTORS = ("anonymous", "member", "author", "editor", "editor, own", "admin")


def _actor(name: str) -> User | AnonymousUser:
    role = {"editor": "editor", "editor, own": "editor", "admin": "admin"}.get(name, "member")
    if name == "anonymous":
        return AnonymousUser()
    pk = AUTHOR_ID if name in ("author", "editor, own") else 2
    return User(pk=pk, username=name, role=role)


def _allowed(permissions: AmendmentPermissions) -> set[str]:
    return {name for name, allowed in asdict(permissions).items() if allowed}


def test_the_table_names_every_status_and_every_action() -> None:
    assert set(TABLE) == set(Amendment.Status.values)
    named = {action for row in TABLE.values() for cell in row.values() for action in cell.split()}
    assert named == set(ACTIONS)


@pytest.mark.parametrize("status", Amendment.Status.values)
@pytest.mark.parametrize("actor", ACTORS)
def test_who_may_do_what_by_status(status: str, actor: str) -> None:
    chapter = Chapter(manifesto=Manifesto(title="M"))
    amendment = Amendment(author_id=AUTHOR_ID, status=status, kind="replace", chapter=chapter)
    expected = TABLE[status].get(actor, EVERYONE_ELSE)
    got = _allowed(amendment_permissions(_actor(actor), amendment))
    assert got == set(expected.split()), f"{actor} on a {status} amendment"


def test_a_deletion_is_accepted_as_it_stands_never_with_changes() -> None:
    amendment = Amendment(author_id=AUTHOR_ID, status=S.PENDING, kind="delete")
    may = amendment_permissions(_actor("editor"), amendment)
    assert may.accept and may.reject
    assert not may.accept_with_changes


@pytest.mark.parametrize(
    ("phase", "closes_at"),
    [
        (Phase.DRAFTING, None),
        (Phase.REVIEW, None),
        (Phase.CONGRESS, None),
        (Phase.FINAL, None),
        (Phase.OPEN, datetime(2020, 1, 1, tzinfo=UTC)),  # open, but past its deadline
    ],
)
def test_a_duplicate_marking_is_undone_only_while_the_chapter_is_open(phase, closes_at) -> None:
    chapter = Chapter(manifesto=Manifesto(title="M"), phase=phase, closes_at=closes_at)
    amendment = Amendment(author_id=AUTHOR_ID, status=S.DUPLICATE, chapter=chapter)
    assert not amendment_permissions(_actor("editor"), amendment).undo_duplicate
    assert amendment_permissions(_actor("admin"), amendment).reopen


def test_an_inactive_editor_may_do_no_more_than_read() -> None:
    amendment = Amendment(author_id=AUTHOR_ID, status=S.PENDING, kind="replace")
    editor = User(pk=2, username="gone", role="editor", is_active=False)
    assert not amendment_permissions(editor, amendment).decide


# --- the amendment page offers exactly what the function allows ------------------------------

# What shows each action on the page: a link or form to its URL (the comment box posts to
# the amendment's comment URL).
ACTION_URLS = {
    "edit": "amendments:edit",
    "withdraw": "amendments:withdraw",
    "support": "amendments:support",
    "comment": "amendments:comment_amendment",
    "accept": "amendments:accept",
    "accept_with_changes": "amendments:accept_with_changes",
    "reject": "amendments:reject",
    "mark_duplicate": "amendments:duplicate",
    "undo_duplicate": "amendments:unmark_duplicate",
    "reopen": "amendments:reopen",
}


def _offered(html: str, amendment: Amendment) -> set[str]:
    offered = set()
    for action, name in ACTION_URLS.items():
        url = reverse(name, args=[amendment.pk])
        if re.search(rf'(href|action)="{re.escape(url)}"', html):
            offered.add(action)
    return offered


def _in_every_status(chapter: Chapter, author: User, editor: User) -> dict[str, Amendment]:
    """One amendment by ``author`` in each status, each on a paragraph of its own."""
    paragraphs = [body_paragraph(chapter, number) for number in range(2, 12)]
    made: dict[str, Amendment] = {}
    for status, paragraph in zip(Amendment.Status.values, paragraphs, strict=False):
        made[status] = propose(author, paragraph, paragraph.text + " More.")
    original = propose(author, paragraphs[9], paragraphs[9].text + " Once.")
    amendment_accept(amendment=made[S.ACCEPTED], editor=editor)
    amendment_reject(amendment=made[S.REJECTED], editor=editor, reason="No.")
    amendment_withdraw(amendment=made[S.WITHDRAWN], user=author)
    amendment_mark_duplicate(amendment=made[S.DUPLICATE], editor=editor, duplicate_of=original)
    for status in (S.ACCEPTED_WITH_CHANGES, S.CONFLICT, S.OBSOLETE, S.COLLECTING, S.FALLEN):
        # States that take an editor's wording or a change to the paragraph: set directly.
        amendment = made[status]
        amendment.status = status
        amendment.editor_text = amendment.proposed_text if status == S.ACCEPTED_WITH_CHANGES else ""
        amendment.save()
    return made


@pytest.mark.django_db
def test_the_amendment_page_offers_exactly_the_actions_the_function_allows(
    seed_chapter, member, editor, admin_user
) -> None:
    other_editor = make_user("eddie", role="editor")
    actors: dict[str, User | None] = {
        "anonymous": None,
        "member": make_user("carol"),
        "author": member,
        "editor": editor,
        "admin": admin_user,
    }
    amendments = _in_every_status(seed_chapter, member, other_editor)
    own = propose(editor, body_paragraph(seed_chapter, 13), "An editor's own proposal.")
    checked = 0
    for actor, user in actors.items():
        client = client_for(user)
        cases = list(amendments.values()) + ([own] if actor == "editor" else [])
        for amendment in cases:
            amendment = Amendment.objects.select_related("chapter").get(pk=amendment.pk)
            response = client.get(amendment.get_absolute_url())
            assert response.status_code == 200
            allowed = _allowed(amendment_permissions(user or AnonymousUser(), amendment))
            offered = _offered(response.content.decode(), amendment)
            assert offered == allowed, f"{actor} on #{amendment.pk} ({amendment.status})"
            checked += 1
    assert checked == 5 * 10 + 1


# --- the services refuse what the function refuses --------------------------------------------


@pytest.mark.django_db
def test_the_services_refuse_what_the_function_refuses(
    seed_chapter, member, other_member, editor, admin_user
) -> None:
    p5, p6 = body_paragraph(seed_chapter, 5), body_paragraph(seed_chapter, 6)
    own = propose(editor, p5, p5.text + " Mine.")
    rejected = propose(member, p6, p6.text + " Theirs.")
    rejected = amendment_reject(amendment=rejected, editor=admin_user, reason="No.")
    assert not amendment_permissions(editor, own).accept
    with pytest.raises(ValidationError, match="cannot decide their own"):
        amendment_accept(amendment=own, editor=editor)
    with pytest.raises(ValidationError, match="your own"):
        amendments_reject([own], editor=editor, reason="No.")
    with pytest.raises(ValidationError, match="own amendments"):
        amendment_mark_duplicate(amendment=own, editor=editor, duplicate_of=rejected)
    assert not amendment_permissions(editor, rejected).undo_duplicate
    with pytest.raises(ValidationError, match="not a duplicate"):
        amendment_unmark_duplicate(amendment=rejected, editor=editor)
    assert not amendment_permissions(member, rejected).support
    with pytest.raises(ValidationError, match="Only open amendments"):
        support_add(amendment=rejected, user=other_member)
    assert not amendment_permissions(other_member, own).withdraw
    with pytest.raises(ValidationError, match="Only the author"):
        amendment_withdraw(amendment=own, user=other_member)
    reopened = amendment_reopen(amendment=rejected, admin=admin_user, reason="Again.")
    assert reopened.status == S.PENDING
    assert not amendment_permissions(admin_user, reopened).reopen
    with pytest.raises(ValidationError, match="only rejected, duplicate or obsolete"):
        amendment_reopen(amendment=reopened, admin=admin_user, reason="Again.")
    assert Paragraph.objects.get(pk=p5.pk).text == p5.text
