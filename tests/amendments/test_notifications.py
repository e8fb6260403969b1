"""E-mails: after commit only, sent by the task the commit enqueues (run at once in tests), to
the amendment's followers (its author and supporters follow it), and the editors' digest."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from amendments.services.deciding import amendment_accept, amendment_accept_with_changes
from amendments.services.limits import chapter_set_limit
from amendments.services.proposing import support_add
from tests.amendments.conftest import propose
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_no_mail_when_the_decision_is_rolled_back(
    member, other_member, editor, p5, django_capture_on_commit_callbacks
) -> None:
    chapter_set_limit(chapter=p5.chapter, editor=editor, word_limit=5193, reason="Full")
    amendment = propose(member, p5, p5.text + " Over the limit now.")
    support_add(amendment=amendment, user=other_member)
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        amendment_accept(amendment=amendment, editor=editor)
    assert callbacks == [] and mail.outbox == []


def test_author_and_supporters_hear_of_the_decision(
    member, other_member, editor, p5, django_capture_on_commit_callbacks
) -> None:
    amendment = propose(member, p5, p5.text.replace("myriad", "multitude"))
    support_add(amendment=amendment, user=other_member)
    with django_capture_on_commit_callbacks(execute=True):
        amendment_accept(amendment=amendment, editor=editor)
    assert {m.to[0] for m in mail.outbox} == {member.email, other_member.email}
    assert "accepted" in mail.outbox[0].subject
    assert amendment.get_absolute_url() in mail.outbox[0].body


def test_the_digest_goes_to_subscribed_editors_only(member, editor, p5) -> None:
    editor.wants_daily_digest = True
    editor.save()
    quiet = make_user("quiet", role="editor")
    member.wants_daily_digest = True  # members do not get the editors' digest
    member.save()
    propose(member, p5, title="Something new")
    out = io.StringIO()
    call_command("send_digest", stdout=out)
    assert "1 new amendment(s) to 1 editor(s)" in out.getvalue()
    assert [m.to for m in mail.outbox] == [[editor.email]]
    assert "Something new" in mail.outbox[0].body
    assert quiet.email not in mail.outbox[0].to


def test_mails_about_an_amendment_accepted_with_changes_give_both_word_changes(
    member, editor, p5, django_capture_on_commit_callbacks
) -> None:
    editor.wants_daily_digest = True
    editor.save()
    amendment = propose(member, p5, p5.text + " One two three four.", title="Four more")
    with django_capture_on_commit_callbacks(execute=True):
        amendment_accept_with_changes(
            amendment=amendment, editor=editor, text=p5.text + " One two.", reason="Shorter."
        )
    decided = mail.outbox[-1].body
    assert "Words: proposed +4; accepted +2." in decided
    mail.outbox.clear()
    call_command("send_digest", stdout=io.StringIO())
    assert "proposed +4 words; accepted +2 words" in mail.outbox[0].body


def test_the_conflict_mail_says_once_what_happened_what_collided_and_where_to_update(
    member, other_member, editor, p5, settings, django_capture_on_commit_callbacks
) -> None:
    settings.SITE_URL = "https://desk.example.org/"
    mine = propose(
        member,
        p5,
        p5.text.replace("a myriad of problems", "countless <woes> & ills"),
        title='Say "woes" <b>',
    )
    theirs = propose(
        other_member, p5, p5.text.replace("a myriad of problems", "many problems"), title="Many"
    )
    with django_capture_on_commit_callbacks(execute=True):
        amendment_accept(amendment=theirs, editor=editor)
    conflict = [m for m in mail.outbox if "needs updating" in m.subject]
    assert [m.to for m in conflict] == [[member.email]]
    # User text in mails is wrapped in FSI…PDI isolates; what they hold is read without them.
    body = conflict[0].body.replace("\u2068", "").replace("\u2069", "")
    assert body.count("update it") == 1 and body.count("withdraw it") == 1
    assert f'#{theirs.pk} "Many"' in body
    # What the accepted change did and what this one wanted, in words, as plain text.
    assert (
        f'#{theirs.pk} changed "a myriad of problems" into "many problems"; this amendment '
        'would change it into "countless <woes> & ills".'
    ) in body
    assert 'Say "woes" <b>' in body and "&lt;" not in body and "&quot;" not in body
    assert body.count(f"https://desk.example.org/amendments/{mine.pk}/") == 1


def test_the_digest_links_to_the_site_not_to_a_path_written_by_hand(
    member, editor, p5, settings
) -> None:
    settings.SITE_URL = "https://desk.example.org"
    editor.wants_daily_digest = True
    editor.save()
    amendment = propose(member, p5, title="Something new")
    call_command("send_digest", stdout=io.StringIO())
    body = mail.outbox[0].body
    assert f"https://desk.example.org{amendment.get_absolute_url()}" in body
    assert "The review queue: https://desk.example.org/review/" in body
