"""Threaded comments: posting, replying, editing, deleting, hiding."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from amendments.selectors import comment_thread
from amendments.services.discussion import (
    comment_delete,
    comment_edit,
    comment_hide,
    comment_post,
)
from tests.amendments.conftest import propose

pytestmark = pytest.mark.django_db


def test_replies_nest_under_their_parent(member, other_member, p5) -> None:
    amendment = propose(member, p5)
    first = comment_post(author=other_member, body="Why?", amendment=amendment)
    reply = comment_post(author=member, body="Because.", amendment=amendment, parent=first)
    comment_post(author=other_member, body="Fair.", amendment=amendment, parent=reply)
    thread = comment_thread(amendment=amendment)
    assert [n.comment.body for n in thread] == ["Why?"]
    assert thread[0].replies[0].comment == reply
    assert thread[0].replies[0].replies[0].comment.body == "Fair."


def test_comments_on_paragraphs_have_their_own_threads(member, p5) -> None:
    comment_post(author=member, body="This paragraph is too long.", paragraph=p5)
    assert [n.comment.body for n in comment_thread(paragraph=p5)] == ["This paragraph is too long."]


def test_a_reply_must_stay_in_its_thread(member, p5, seed_chapter) -> None:
    amendment = propose(member, p5)
    on_paragraph = comment_post(author=member, body="Elsewhere", paragraph=p5)
    with pytest.raises(ValidationError, match="another thread"):
        comment_post(author=member, body="x", amendment=amendment, parent=on_paragraph)


def test_empty_comments_are_refused(member, p5) -> None:
    with pytest.raises(ValidationError):
        comment_post(author=member, body="   ", paragraph=p5)


def test_deleting_leaves_a_placeholder_so_replies_keep_their_place(member, other_member, p5):
    parent = comment_post(author=member, body="Original", paragraph=p5)
    comment_post(author=other_member, body="A reply", paragraph=p5, parent=parent)
    comment_delete(comment=parent, user=member)
    thread = comment_thread(paragraph=p5)
    assert thread[0].comment.is_deleted and thread[0].comment.body == ""
    assert thread[0].replies[0].comment.body == "A reply"
    # The deleted text is still in the history, for the record.
    assert parent.history.filter(body="Original").exists()


def test_only_the_author_edits_or_deletes(member, other_member, p5) -> None:
    comment = comment_post(author=member, body="Mine", paragraph=p5)
    with pytest.raises(ValidationError):
        comment_edit(comment=comment, user=other_member, body="Theirs")
    with pytest.raises(ValidationError):
        comment_delete(comment=comment, user=other_member)
    edited = comment_edit(comment=comment, user=member, body="Mine, edited")
    assert edited.body == "Mine, edited" and edited.edited_at is not None


def test_editors_hide_with_a_reason_and_members_cannot(member, other_member, editor, p5) -> None:
    comment = comment_post(author=member, body="Rude words", paragraph=p5)
    with pytest.raises(ValidationError):
        comment_hide(comment=comment, editor=other_member, reason="no")
    with pytest.raises(ValidationError):
        comment_hide(comment=comment, editor=editor, reason="  ")
    hidden = comment_hide(comment=comment, editor=editor, reason="Personal attack")
    assert hidden.is_hidden and hidden.hidden_reason == "Personal attack"


def test_a_reason_for_hiding_over_its_limit_is_refused_not_cut(member, editor, p5) -> None:
    # It was cut to 300 characters without a word.
    comment = comment_post(author=member, body="Off topic", paragraph=p5)
    with pytest.raises(ValidationError) as refused:
        comment_hide(comment=comment, editor=editor, reason="Off topic. " * 30)
    assert refused.value.message_dict["reason"] == [
        "The reason is 329 characters; the maximum is 300."
    ]
    comment.refresh_from_db()
    assert not comment.is_hidden
    whole = "Off topic. " * 27 + "xxx"  # 300 characters
    comment_hide(comment=comment, editor=editor, reason=whole)
    comment.refresh_from_db()
    assert comment.hidden_reason == whole
