"""The structured audit: every paragraph version an editor's decision made points back at that
decision (and through it at the amendment) by a foreign key the service sets, and every change
an editor or an admin makes writes a line of the decision log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from accounts.models import User
from amendments.history import paragraph_history
from amendments.models import Amendment, Comment, Decision
from amendments.reports import tracked_chapters
from amendments.services.deciding import (
    AcceptItem,
    amendment_accept,
    amendment_accept_with_changes,
    amendment_mark_duplicate,
    amendment_reject,
    amendment_reopen,
    amendment_unmark_duplicate,
    amendments_accept,
)
from amendments.services.discussion import comment_hide, comment_post
from amendments.services.limits import chapter_set_limit, manifesto_set_limit
from amendments.services.milestones import milestone_mark
from amendments.services.paragraphs import paragraph_edit, paragraph_revert
from manifesto.exports import NOW, PUBLISHED
from manifesto.models import Chapter, Paragraph
from manifesto.selectors import latest_version
from manifesto.services import chapter_import
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _newest(paragraph: Paragraph) -> Any:
    return paragraph.history.order_by("-history_id").first()


def test_each_version_a_decision_made_points_at_that_decision_and_its_amendment(
    seed_chapter, member, other_member, editor
) -> None:
    p5, p6, p7, p8 = (body_paragraph(seed_chapter, n) for n in (5, 6, 7, 8))
    imported = latest_version(p5)
    replaced = propose(member, p5, p5.text.replace("myriad", "multitude"))
    amendment_accept(amendment=replaced, editor=editor)
    assert _newest(p5).decision.amendment == replaced
    assert _newest(p5).decision.action == Decision.Action.ACCEPTED

    changed = propose(member, p6, p6.text + " One.")
    amendment_accept_with_changes(amendment=changed, editor=editor, text=p6.text + " Two.")
    assert _newest(p6).decision.amendment == changed

    deleted = propose(other_member, p7, kind="delete")
    added = propose(other_member, p8, "A paragraph of its own.", kind="insert")
    amendments_accept([AcceptItem(deleted), AcceptItem(added)], editor=editor)
    assert _newest(p7).is_deleted and _newest(p7).decision.amendment == deleted
    new = Paragraph.objects.get(chapter=seed_chapter, text="A paragraph of its own.")
    assert _newest(new).decision.amendment == added

    paragraph_edit(paragraph=p5, editor=editor, text=p5.text + " Edited.", reason="Typo")
    edit = _newest(p5).decision
    assert (edit.action, edit.amendment, edit.actor) == ("paragraph_edited", None, editor)
    paragraph_revert(paragraph=p5, editor=editor, history_id=imported.history_id, reason="Back")
    assert _newest(p5).decision.action == Decision.Action.PARAGRAPH_REVERTED

    assert not Decision.objects.filter(paragraph_version=imported).exists()
    made = Decision.objects.exclude(paragraph_version=None)
    assert made.count() == 6  # one per version a decision made, and no two on one version
    history = {version.number: version.amendment_id for version in paragraph_history(p5)}
    assert history == {1: None, 2: replaced.pk, 3: None, 4: None}


def test_an_edit_whose_reason_names_an_amendment_is_not_credited_to_it(
    seed_chapter, member, editor
) -> None:
    # The history and the tracked changes used to read "amendment #N" out of a version's
    # reason: an editor's correction that mentioned an amendment was credited to its author.
    p5, p6 = body_paragraph(seed_chapter, 5), body_paragraph(seed_chapter, 6)
    other = propose(member, p6, p6.text + " More.")
    reason = f"a typo, as amendment #{other.pk} points out"
    paragraph_edit(
        paragraph=p5, editor=editor, text=p5.text.replace("myriad", "host"), reason=reason
    )

    newest = paragraph_history(p5)[0]
    assert newest.record.history_change_reason == f"edited by an editor: {reason}"
    assert newest.amendment_id is None
    page = client_for(None).get(reverse("manifesto:history", args=[seed_chapter.slug, p5.key]))
    assert reverse("amendments:detail", args=[other.pk]) not in page.content.decode()

    (chapter,) = tracked_chapters([seed_chapter], PUBLISHED, NOW)
    changed = [s for block in chapter.blocks for s in block.segments if s.op != 0]
    assert changed and {s.author for s in changed} == {editor.public_name}


def test_a_tracked_change_is_credited_to_the_author_of_the_amendment_that_made_it(
    seed_chapter, member, editor
) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    amendment_accept(
        amendment=propose(member, p5, p5.text.replace("myriad", "host")), editor=editor
    )
    (chapter,) = tracked_chapters([seed_chapter], PUBLISHED, NOW)
    changed = [s for block in chapter.blocks for s in block.segments if s.op != 0]
    assert changed and {s.author for s in changed} == {member.public_name}


# --- every change an editor or an admin makes is logged ---------------------------------------


@dataclass
class Desk:
    chapter: Chapter
    p5: Paragraph
    member: User
    other_member: User
    editor: User
    admin: User


def _accept(d: Desk) -> Callable[[], object]:
    one = propose(d.member, d.p5, d.p5.text.replace("myriad", "multitude"))
    return lambda: amendment_accept(amendment=one, editor=d.editor)


def _accept_with_changes(d: Desk) -> Callable[[], object]:
    one = propose(d.member, d.p5, d.p5.text.replace("myriad", "multitude"))
    text = d.p5.text.replace("myriad", "host")
    return lambda: amendment_accept_with_changes(amendment=one, editor=d.editor, text=text)


def _reject(d: Desk) -> Callable[[], object]:
    one = propose(d.member, d.p5, d.p5.text + " One.")
    return lambda: amendment_reject(amendment=one, editor=d.editor, reason="No.")


def _mark_duplicate(d: Desk) -> Callable[[], object]:
    original = propose(d.member, d.p5, d.p5.text + " Once.")
    copy = propose(d.other_member, d.p5, d.p5.text + " Once.")
    return lambda: amendment_mark_duplicate(amendment=copy, editor=d.editor, duplicate_of=original)


def _unmark_duplicate(d: Desk) -> Callable[[], object]:
    original = propose(d.member, d.p5, d.p5.text + " Once.")
    copy = propose(d.other_member, d.p5, d.p5.text + " Twice.")
    amendment_mark_duplicate(amendment=copy, editor=d.editor, duplicate_of=original)
    return lambda: amendment_unmark_duplicate(amendment=copy, editor=d.editor)


def _reopen(d: Desk) -> Callable[[], object]:
    one = propose(d.member, d.p5, d.p5.text + " One.")
    amendment_reject(amendment=one, editor=d.editor, reason="No.")
    return lambda: amendment_reopen(amendment=one, admin=d.admin, reason="Congress asked.")


def _edit_paragraph(d: Desk) -> Callable[[], object]:
    text = d.p5.text.replace("myriad", "host")
    return lambda: paragraph_edit(paragraph=d.p5, editor=d.editor, text=text, reason="Typo")


def _revert_paragraph(d: Desk) -> Callable[[], object]:
    imported = latest_version(d.p5)
    paragraph_edit(paragraph=d.p5, editor=d.editor, text=d.p5.text + " More.", reason="R")
    return lambda: paragraph_revert(
        paragraph=d.p5, editor=d.editor, history_id=imported.history_id, reason="Undo"
    )


def _chapter_limit(d: Desk) -> Callable[[], object]:
    return lambda: chapter_set_limit(
        chapter=d.chapter, editor=d.editor, word_limit=9000, reason="R"
    )


def _manifesto_limit(d: Desk) -> Callable[[], object]:
    return lambda: manifesto_set_limit(
        manifesto=d.chapter.manifesto,
        editor=d.editor,
        word_limit=90000,
        count_footnotes=True,
        reason="Congress decided.",
    )


def _milestone(d: Desk) -> Callable[[], object]:
    return lambda: milestone_mark(chapter=d.chapter, editor=d.editor, name="Congress draft")


def _hide_comment(d: Desk) -> Callable[[], object]:
    comment = comment_post(author=d.member, body="Rude words.", paragraph=d.p5)
    return lambda: comment_hide(comment=comment, editor=d.editor, reason="Personal attack.")


def _hide_comment_on_amendment(d: Desk) -> Callable[[], object]:
    amendment = propose(d.other_member, d.p5, d.p5.text + " One.")
    comment = comment_post(author=d.member, body="Rude words.", amendment=amendment)
    return lambda: comment_hide(comment=comment, editor=d.admin, reason="Personal attack.")


CHANGES: dict[str, tuple[Callable[[Desk], Callable[[], object]], str]] = {
    "accept": (_accept, "accepted"),
    "accept with changes": (_accept_with_changes, "accepted_changed"),
    "reject": (_reject, "rejected"),
    "mark a duplicate": (_mark_duplicate, "duplicate"),
    "undo a duplicate marking": (_unmark_duplicate, "duplicate_undone"),
    "reopen": (_reopen, "reopened"),
    "edit a paragraph": (_edit_paragraph, "paragraph_edited"),
    "revert a paragraph": (_revert_paragraph, "paragraph_reverted"),
    "set a chapter's limit": (_chapter_limit, "limit_changed"),
    "set the Manifesto's limit": (_manifesto_limit, "manifesto_limit"),
    "mark a milestone": (_milestone, "milestone"),
    "hide a comment on a paragraph": (_hide_comment, "comment_hidden"),
    "hide a comment on an amendment": (_hide_comment_on_amendment, "comment_hidden"),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_every_change_an_editor_or_admin_makes_writes_a_decision(
    name: str, seed_chapter, member, other_member, editor, admin_user
) -> None:
    desk = Desk(
        seed_chapter, body_paragraph(seed_chapter, 5), member, other_member, editor, admin_user
    )
    build, action = CHANGES[name]
    change = build(desk)
    before = set(Decision.objects.values_list("pk", flat=True))
    change()
    new = Decision.objects.exclude(pk__in=before).filter(action=action)
    assert new.count() == 1, f"{name} logged {new.count()} {action!r} decisions"
    decision = new.get()
    assert decision.actor in (editor, admin_user)
    assert decision.manifesto_id == seed_chapter.manifesto_id
    about_the_manifesto = action == Decision.Action.MANIFESTO_LIMIT_CHANGED
    assert decision.chapter_id == (None if about_the_manifesto else seed_chapter.pk)


def test_the_decision_log_shows_the_manifesto_limit_milestones_and_hidden_comments(
    seed_chapter, member, other_member, editor, django_assert_num_queries
) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    other = chapter_import(data=b"Another chapter\n\nIts only paragraph.", slug="another")
    amendment = propose(other_member, p5, p5.text + " One.")
    on_paragraph = comment_post(author=member, body="Rude words.", paragraph=p5)
    on_amendment = comment_post(author=member, body="Ruder words.", amendment=amendment)
    comment_hide(comment=on_paragraph, editor=editor, reason="Personal attack.")
    comment_hide(comment=on_amendment, editor=editor, reason="Off topic.")
    milestone_mark(chapter=seed_chapter, editor=editor, name="Congress <draft>")
    manifesto_set_limit(
        manifesto=seed_chapter.manifesto,
        editor=editor,
        word_limit=90000,
        count_footnotes=True,
        reason="Congress decided.",
    )
    client = client_for(None)
    url = reverse("amendments:log", args=[seed_chapter.slug])
    client.get(url)  # the session and the site's first queries, not the page's own
    with django_assert_num_queries(2):  # the chapter and its log, however many lines
        page = client.get(url).content.decode()

    assert "Changed the Manifesto&#x27;s word limit" in page
    assert "Limit none → 90000. Footnotes count now. Congress decided." in page
    assert "Marked a milestone “<bdi>Congress &lt;draft&gt;</bdi>”" in page
    paragraph_link = f"{p5.get_absolute_url()}#comment-{on_paragraph.pk}"
    assert f'Hid a comment on <a href="{paragraph_link}">#{p5.key}</a>' in page
    assert f'href="{amendment.get_absolute_url()}#comment-{on_amendment.pk}"' in page
    assert "Personal attack." in page and "Off topic." in page
    assert "Rude words." not in page and "Ruder words." not in page
    assert Comment.objects.filter(hidden_by=editor).count() == 2
    # The Manifesto's limit binds every chapter: each chapter's log shows it; the chapter's
    # own lines stay in its own log.
    second = client.get(reverse("amendments:log", args=[other.slug])).content.decode()
    assert "Limit none → 90000. Footnotes count now. Congress decided." in second
    assert "Congress &lt;draft&gt;" not in second and "Personal attack." not in second
    assert Amendment.objects.get(pk=amendment.pk).status == "pending"


# --- the Django admin: a chapter's and the Manifesto's own fields, milestones -----------------


def _admin_post(client, url: str, data: dict[str, object]):  # type: ignore[no-untyped-def]
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, data)


def test_changing_a_chapters_order_in_the_admin_is_logged(seed_chapter, admin_user) -> None:
    from django.urls import reverse

    from tests.conftest import client_for

    chapter = seed_chapter
    url = reverse("admin:manifesto_chapter_change", args=[chapter.pk])
    fields = {
        "title": chapter.title,
        "slug": chapter.slug,
        "subtitle": chapter.subtitle,
        "publication_line": chapter.publication_line,
        "editorial_note": chapter.editorial_note,
        "order": chapter.order + 1,
        "word_limit": "",
        "limit_tolerance_percent": chapter.limit_tolerance_percent,
        "change_reason": "The round is over.",
    }
    response = _admin_post(client_for(admin_user), url, fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    chapter.refresh_from_db()
    assert chapter.order == 2
    decision = Decision.objects.get(action=Decision.Action.CHAPTER_CHANGED)
    assert decision.actor == admin_user and decision.chapter == chapter
    assert decision.reason == "Order: 1 → 2. The round is over."
    assert chapter.history.first().history_change_reason == "The round is over."


def test_the_manifestos_title_and_a_milestone_from_the_admin_are_logged(
    seed_chapter, admin_user
) -> None:
    from django.urls import reverse

    from tests.conftest import client_for

    client = client_for(admin_user)
    manifesto = seed_chapter.manifesto
    response = _admin_post(
        client,
        reverse("admin:manifesto_manifesto_change", args=[manifesto.pk]),
        {"title": "Transformation", "word_limit": "", "change_reason": "Shorter title."},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    changed = Decision.objects.get(action=Decision.Action.MANIFESTO_CHANGED)
    assert changed.manifesto == manifesto and changed.chapter is None
    assert (
        changed.reason.startswith("Title: Transformation, a Manifesto")
        and "Shorter" in changed.reason
    )
    response = _admin_post(
        client,
        reverse("admin:manifesto_milestone_add"),
        {"chapter": seed_chapter.pk, "name": "Congress draft"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    marked = Decision.objects.get(action=Decision.Action.MILESTONE)
    assert marked.reason == "Congress draft" and marked.actor == admin_user
    # Marked milestones are kept as they are: exports and comparisons name them.
    milestone = seed_chapter.milestones.get(name="Congress draft")
    change = reverse("admin:manifesto_milestone_change", args=[milestone.pk])
    assert client.post(change, {"chapter": seed_chapter.pk, "name": "Other"}).status_code == 403
