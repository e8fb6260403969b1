"""Hostile input: markup in every field a person can write, and a desk full of it.

``hostile_desk`` builds, through the services, a chapter imported from a file full of markup,
a member whose display name is markup, and amendments, comments, decisions, a hidden comment
and a milestone whose every text is markup, so that each page, e-mail and export shows some.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from tests.amendments.conftest import p5  # noqa: F401 (a fixture for these tests too)
from tests.conftest import make_user

if TYPE_CHECKING:
    from accounts.models import User
    from amendments.models import Amendment, Comment
    from manifesto.models import Chapter, Milestone, Paragraph

XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
# What a page would hold if the markup had not been escaped, and what it holds when it was.
RAW_MARKUP = ("<script>alert", "<img src=x")
ESCAPED_MARKUP = "&lt;script&gt;alert("

HOSTILE_CHAPTER_FILE = f"""The chapter {XSS}

Published: {XSS}
Subtitle {XSS}

Heading {XSS}
A body paragraph about {XSS} and the other words around it.1
A second body paragraph that members will amend, with words enough to amend here.
A third body paragraph, which an amendment will change at its very last word.
A fourth body paragraph, where an amendment is rejected with a reason of markup.

1. A note about {XSS}.
"""


def assert_escaped(html: str, where: str = "") -> None:
    """No markup a person wrote survives as markup in ``html``, and some of it shows as text."""
    for raw in RAW_MARKUP:
        assert raw not in html, f"unescaped {raw!r} in {where}"
    assert ESCAPED_MARKUP in html, f"the hostile text is not shown at all in {where}"


@dataclass
class HostileDesk:
    chapter: Chapter
    paragraphs: list[Paragraph]
    mallory: User
    member: User
    editor: User
    admin: User
    pending: Amendment
    rejected: Amendment
    accepted_with_changes: Amendment
    in_conflict: Amendment
    comment: Comment
    reply: Comment
    hidden: Comment
    paragraph_comment: Comment
    milestone: Milestone


@pytest.fixture
def hostile_desk(db, django_capture_on_commit_callbacks) -> HostileDesk:  # type: ignore[no-untyped-def]
    from django.core import mail

    from accounts.models import Invitation
    from amendments.services.deciding import (
        amendment_accept,
        amendment_accept_with_changes,
        amendment_reject,
    )
    from amendments.services.discussion import comment_hide, comment_post
    from amendments.services.limits import chapter_set_limit
    from amendments.services.proposing import amendment_propose, support_add
    from manifesto.services import chapter_import, milestone_create

    mallory = make_user("mallory", display_name=XSS)
    member = make_user("bob", display_name="Bob Member")
    editor = make_user("erin", role="editor", display_name="Erin Editor")
    admin = make_user("ada", role="admin", display_name="Ada Admin")
    editor.wants_daily_digest = True
    editor.save()
    Invitation.objects.create(note=XSS, created_by=admin)

    chapter = chapter_import(data=HOSTILE_CHAPTER_FILE.encode(), slug="hostile", user=admin)
    body = list(chapter.paragraphs.filter(kind="body").order_by("position"))
    assert len(body) == 4 and XSS in body[0].text
    chapter_set_limit(chapter=chapter, editor=editor, word_limit=1000, reason=XSS)

    def propose(paragraph: Paragraph, text: str, author: User = mallory) -> Amendment:
        return amendment_propose(
            author=author, paragraph=paragraph, kind="replace", title=XSS, text=text, reason=XSS
        )

    with django_capture_on_commit_callbacks(execute=True):
        pending = propose(body[1], f"{body[1].text} {XSS}")
        support_add(amendment=pending, user=member)
        rejected = propose(body[3], f"{body[3].text} {XSS}")
        amendment_reject(amendment=rejected, editor=editor, reason=XSS)
        accepted = propose(body[0], body[0].text.replace("other words", "other fine words"))
        amendment_accept_with_changes(
            amendment=accepted,
            editor=editor,
            text=body[0].text.replace("other words", f"other {XSS} words"),
            reason=XSS,
        )
        last_word = body[2].text.rsplit(" ", 1)
        in_conflict = propose(body[2], f"{last_word[0]} {XSS}.")
        rival = propose(body[2], f"{last_word[0]} ending.", author=member)
        amendment_accept(amendment=rival, editor=editor, reason=XSS)

    comment = comment_post(author=mallory, body=XSS, amendment=pending)
    reply = comment_post(author=member, body=f"Re: {XSS}", amendment=pending, parent=comment)
    hidden = comment_post(author=mallory, body=f"Hidden {XSS}", amendment=pending)
    comment_hide(comment=hidden, editor=editor, reason=XSS)
    paragraph_comment = comment_post(author=mallory, body=XSS, paragraph=body[1])
    milestone = milestone_create(chapter=chapter, editor=editor, name=XSS)
    for amendment in (pending, rejected, accepted, in_conflict):
        amendment.refresh_from_db()
    assert in_conflict.status == "conflict", in_conflict.status
    assert accepted.status == "accepted_changed" and rejected.status == "rejected"
    assert mail.outbox, "the decisions should have sent e-mails"
    return HostileDesk(
        chapter=chapter,
        paragraphs=body,
        mallory=mallory,
        member=member,
        editor=editor,
        admin=admin,
        pending=pending,
        rejected=rejected,
        accepted_with_changes=accepted,
        in_conflict=in_conflict,
        comment=comment,
        reply=reply,
        hidden=hidden,
        paragraph_comment=paragraph_comment,
        milestone=milestone,
    )
