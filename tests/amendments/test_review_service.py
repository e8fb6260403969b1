"""Accepting, rejecting, duplicates, reopening, and carrying pending amendments forward."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from amendments.models import Amendment, Decision
from amendments.services.deciding import (
    AcceptItem,
    amendment_accept,
    amendment_accept_with_changes,
    amendment_mark_duplicate,
    amendment_reject,
    amendment_reopen,
    amendment_unmark_duplicate,
    amendments_accept,
    amendments_reject,
)
from amendments.services.paragraphs import paragraph_edit, paragraph_revert
from amendments.services.proposing import support_add
from manifesto.models import Chapter, Paragraph
from manifesto.services import chapter_import
from tests.amendments.conftest import body_paragraph, propose

pytestmark = pytest.mark.django_db


def _reload(obj):
    obj.refresh_from_db()
    return obj


def test_accepting_creates_the_next_version_with_editor_and_reason(member, editor, p5) -> None:
    new_text = p5.text.replace("a myriad of problems", "many problems")
    amendment = propose(member, p5, new_text)
    amendment_accept(amendment=amendment, editor=editor)
    assert _reload(p5).text == new_text
    latest = p5.history.order_by("-history_id").first()
    assert latest.history_user == editor
    assert latest.history_change_reason == f"amendment #{amendment.pk} accepted"
    assert _reload(amendment).status == Amendment.Status.ACCEPTED
    assert amendment.decided_by == editor
    log = Decision.objects.get(action="accepted")
    assert (log.actor, log.amendment, log.words_before, log.words_after) == (
        editor,
        amendment,
        57,
        55,
    )


def test_accept_with_changes_keeps_both_versions(member, editor, p5) -> None:
    amendment = propose(member, p5, p5.text.replace("myriad", "multitude"))
    editor_text = p5.text.replace("myriad", "host")
    amendment_accept_with_changes(
        amendment=amendment, editor=editor, text=editor_text, reason="Shorter word."
    )
    amendment = _reload(amendment)
    assert amendment.status == Amendment.Status.ACCEPTED_WITH_CHANGES
    assert "multitude" in amendment.proposed_text and "host" in amendment.editor_text
    assert "host" in _reload(p5).text
    assert (
        p5.history.order_by("-history_id")
        .first()
        .history_change_reason.endswith("accepted with changes")
    )


def test_accept_with_changes_refuses_a_stale_page(member, other_member, editor, p5) -> None:
    seen = p5.history.order_by("-history_id").first().history_id
    first = propose(other_member, p5, p5.text.replace("First and foremost", "Above all"))
    amendment = propose(member, p5, p5.text.replace("myriad", "multitude"))
    amendment_accept(amendment=first, editor=editor)
    with pytest.raises(ValidationError) as raised:
        amendment_accept_with_changes(
            amendment=amendment, editor=editor, text=p5.text + " x", seen_version_id=seen
        )
    assert raised.value.code == "stale"


def test_deleting_a_paragraph_keeps_its_row_id_and_history(member, editor, p5) -> None:
    neighbours = list(Paragraph.objects.exclude(pk=p5.pk).values_list("pk", "key", "position"))
    history_before = Paragraph.history.exclude(id=p5.pk).count()
    amendment_accept(amendment=propose(member, p5, "", kind="delete"), editor=editor)
    assert _reload(p5).is_deleted
    assert (
        list(Paragraph.objects.exclude(pk=p5.pk).values_list("pk", "key", "position")) == neighbours
    )
    assert Paragraph.history.exclude(id=p5.pk).count() == history_before


def test_inserting_writes_only_the_new_paragraph(member, editor, p5, seed_chapter) -> None:
    before = set(Paragraph.objects.values_list("pk", "key", "position", "text"))
    history_before = Paragraph.history.count()
    amendment_accept(
        amendment=propose(member, p5, "An inserted paragraph.", kind="insert"), editor=editor
    )
    new = Paragraph.objects.get(text="An inserted paragraph.")
    after = set(Paragraph.objects.exclude(pk=new.pk).values_list("pk", "key", "position", "text"))
    assert after == before
    assert new.key == 95 and Paragraph.history.count() == history_before + 1
    assert [p.pk for p in seed_chapter.paragraphs.order_by("position")].index(new.pk) == (
        [p.pk for p in seed_chapter.paragraphs.order_by("position")].index(p5.pk) + 1
    )
    assert body_paragraph(seed_chapter, 6) == new  # the new ¶ 6; the old ¶ 6 is now ¶ 7


def test_footnote_references_survive_an_accepted_change(member, editor, seed_chapter) -> None:
    referencing = seed_chapter.paragraphs.get(text__contains="communal life.2")
    changed = referencing.text.replace("Marx and Friedrick Engels", "Marx and Engels")
    amendment_accept(amendment=propose(member, referencing, changed), editor=editor)
    assert _reload(referencing).text.endswith("communal life.2")


def test_a_disjoint_pending_amendment_is_carried_forward(member, other_member, editor, p5):
    accepted = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))
    pending = propose(other_member, p5, p5.text.replace("weakest link", "weakest point"))
    amendment_accept(amendment=accepted, editor=editor)
    pending = _reload(pending)
    assert pending.status == Amendment.Status.PENDING
    assert pending.carried_forward_by == accepted
    assert pending.base_text == _reload(p5).text
    assert "many problems" in pending.proposed_text and "weakest point" in pending.proposed_text
    # The author's words are untouched: what they wrote is kept beside the carried version.
    assert pending.written_text.endswith("weakest point.")
    assert Decision.objects.filter(action="carried_forward", amendment=pending).exists()
    # And it can then be accepted on the new text.
    amendment_accept(amendment=pending, editor=editor)
    assert "many problems" in _reload(p5).text and "weakest point" in p5.text


def test_an_overlapping_pending_amendment_goes_into_conflict_and_its_author_is_told(
    member, other_member, editor, p5, admin_user, django_capture_on_commit_callbacks
) -> None:
    accepted = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))
    clashing = propose(other_member, p5, p5.text.replace("a myriad of problems", "countless woes"))
    support_add(amendment=clashing, user=admin_user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        amendment_accept(amendment=accepted, editor=editor)
    clashing = _reload(clashing)
    assert clashing.status == Amendment.Status.CONFLICT
    assert clashing.conflict_with == accepted
    assert clashing.proposed_text.count("countless woes") == 1  # nothing rewritten
    assert clashing.conflict_collisions and "myriad" in clashing.conflict_collisions[0]["deleted"]
    recipients = {to for message in mail.outbox for to in message.to}
    assert {other_member.email, admin_user.email} <= recipients
    conflict_mail = [
        m for m in mail.outbox if other_member.email in m.to and "needs updating" in m.subject
    ]
    assert conflict_mail


FIRST_AND_FOREMOST = (
    "First and foremost, Russia was a backward, overwhelmingly agricultural country."
)


def test_an_edit_of_a_sentence_the_accepted_amendment_repeated_is_in_conflict_as_ambiguous(
    member, other_member, editor, p5
) -> None:
    # Which copy of the repeated sentence holds the author's edit cannot be told: not carried.
    accepted = propose(
        member,
        p5,
        p5.text.replace(FIRST_AND_FOREMOST, f"{FIRST_AND_FOREMOST} {FIRST_AND_FOREMOST}"),
    )
    edited = propose(other_member, p5, p5.text.replace("overwhelmingly", "mainly"))
    amendment_accept(amendment=accepted, editor=editor)
    edited = _reload(edited)
    assert edited.status == Amendment.Status.CONFLICT
    assert edited.conflict_with == accepted
    assert [collision["kind"] for collision in edited.conflict_collisions] == ["ambiguous"]
    assert "can be read in more than one way" in edited.conflict_reason
    assert edited.proposed_text.count("mainly") == 1  # nothing rewritten


def test_the_author_resolves_a_conflict_by_editing(member, other_member, editor, p5) -> None:
    from amendments.services.proposing import amendment_edit

    accepted = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))
    clashing = propose(other_member, p5, p5.text.replace("a myriad of problems", "countless woes"))
    amendment_accept(amendment=accepted, editor=editor)
    amendment_edit(
        amendment=clashing,
        user=other_member,
        title="Woes",
        reason="Still.",
        text=_reload(p5).text.replace("many problems", "countless woes"),
    )
    clashing = _reload(clashing)
    assert clashing.status == Amendment.Status.PENDING and clashing.base_text == p5.text


def test_deleting_a_paragraph_conflicts_changes_and_obsoletes_other_deletions(
    member, other_member, editor, p5
) -> None:
    deletion = propose(member, p5, "", kind="delete")
    other_deletion = propose(other_member, p5, "", kind="delete")
    change = propose(other_member, p5, p5.text + " More.")
    addition = propose(other_member, p5, "After it.", kind="insert")
    amendment_accept(amendment=deletion, editor=editor)
    assert _reload(other_deletion).status == Amendment.Status.OBSOLETE
    assert _reload(change).status == Amendment.Status.CONFLICT
    assert "deleted" in change.conflict_reason
    assert _reload(addition).status == Amendment.Status.CONFLICT


def test_a_deletion_of_a_changed_paragraph_needs_confirming(member, other_member, editor, p5):
    deletion = propose(other_member, p5, "", kind="delete")
    amendment_accept(amendment=propose(member, p5, p5.text + " New words."), editor=editor)
    deletion = _reload(deletion)
    assert deletion.status == Amendment.Status.CONFLICT
    assert "words its author has not seen" in deletion.conflict_reason


def test_the_same_change_twice_makes_the_second_obsolete(member, other_member, editor, p5):
    text = p5.text.replace("myriad", "multitude")
    first, second = propose(member, p5, text), propose(other_member, p5, text)
    amendment_accept(amendment=first, editor=editor)
    assert _reload(second).status == Amendment.Status.OBSOLETE


def test_reject_requires_a_reason_and_tells_the_author(
    member, editor, p5, django_capture_on_commit_callbacks
) -> None:
    amendment = propose(member, p5)
    with pytest.raises(ValidationError):
        amendment_reject(amendment=amendment, editor=editor, reason="  ")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        amendment_reject(amendment=amendment, editor=editor, reason="Too long.")
    amendment = _reload(amendment)
    assert amendment.status == "rejected" and amendment.decision_reason == "Too long."
    assert mail.outbox and "Too long." in mail.outbox[0].body and member.email in mail.outbox[0].to


def test_batch_reject_is_all_or_nothing(member, other_member, editor, p5) -> None:
    one, two = propose(member, p5), propose(other_member, p5, p5.text + " Two.")
    amendment_reject(amendment=two, editor=editor, reason="No.")
    with pytest.raises(ValidationError, match="Nothing was rejected"):
        amendments_reject([one, two], editor=editor, reason="Batch")
    assert _reload(one).status == "pending"
    three = propose(other_member, p5, p5.text + " Three.")
    amendments_reject([one, three], editor=editor, reason="Batch")
    assert {_reload(one).status, _reload(three).status} == {"rejected"}


def test_members_cannot_decide_and_editors_cannot_decide_their_own(member, editor, p5) -> None:
    amendment = propose(member, p5)
    with pytest.raises(ValidationError, match="Only editors"):
        amendment_accept(amendment=amendment, editor=member)
    own = propose(editor, p5, p5.text + " Mine.")
    with pytest.raises(ValidationError, match="their own"):
        amendment_accept(amendment=own, editor=editor)
    with pytest.raises(ValidationError):
        amendment_reject(amendment=own, editor=editor, reason="x")


def test_a_decided_amendment_cannot_be_decided_again(member, editor, other_editor, p5) -> None:
    amendment = propose(member, p5)
    amendment_reject(amendment=amendment, editor=editor, reason="No.")
    with pytest.raises(ValidationError, match="not pending"):
        amendment_accept(amendment=amendment, editor=other_editor)


def test_duplicate_points_at_the_original(member, other_member, editor, p5) -> None:
    original = propose(member, p5)
    copy = propose(other_member, p5, p5.text + " Added words!")
    amendment_mark_duplicate(amendment=copy, editor=editor, duplicate_of=original)
    copy = _reload(copy)
    assert copy.status == "duplicate" and copy.duplicate_of == original


def test_only_admins_reopen_and_reopening_carries_onto_todays_text(
    member, other_member, editor, admin_user, p5
) -> None:
    rejected = propose(other_member, p5, p5.text.replace("weakest link", "weakest point"))
    amendment_reject(amendment=rejected, editor=editor, reason="Not now.")
    amendment_accept(
        amendment=propose(member, p5, p5.text.replace("myriad", "multitude")), editor=editor
    )
    with pytest.raises(ValidationError, match="Only admins"):
        amendment_reopen(amendment=rejected, admin=editor, reason="x")
    reopened = amendment_reopen(amendment=rejected, admin=admin_user, reason="Congress asked.")
    assert reopened.status == "pending"
    assert "multitude" in reopened.proposed_text and "weakest point" in reopened.proposed_text
    assert Decision.objects.filter(action="reopened", actor=admin_user).exists()


def test_accepted_amendments_are_undone_by_reverting_not_reopening(
    member, editor, admin_user, p5
) -> None:
    original = p5.text
    amendment = propose(member, p5, p5.text.replace("myriad", "multitude"))
    amendment_accept(amendment=amendment, editor=editor)
    with pytest.raises(ValidationError, match="revert"):
        amendment_reopen(amendment=amendment, admin=admin_user, reason="Oops")
    first_version = p5.history.order_by("history_id").first()
    paragraph_revert(
        paragraph=p5, editor=editor, history_id=first_version.history_id, reason="Undo #1"
    )
    assert _reload(p5).text == original
    assert Decision.objects.filter(action="paragraph_reverted").exists()


def test_an_editors_direct_edit_carries_pending_amendments_forward(member, editor, p5) -> None:
    pending = propose(member, p5, p5.text.replace("weakest link", "weakest point"))
    paragraph_edit(
        paragraph=p5, editor=editor, text=p5.text.replace("myriad", "multitude"), reason="Typo"
    )
    pending = _reload(pending)
    assert pending.status == "pending" and "multitude" in pending.proposed_text
    assert pending.carried_forward_at is not None


def test_accepting_several_together_is_all_or_none(member, other_member, editor, p5, seed_chapter):
    good = propose(member, p5, p5.text.replace("myriad", "multitude"))
    p6 = body_paragraph(seed_chapter, 6)
    bad = propose(other_member, p6, p6.text + " X.")
    amendment_reject(amendment=bad, editor=editor, reason="no")
    with pytest.raises(ValidationError, match="not pending"):
        amendments_accept([AcceptItem(good), AcceptItem(bad)], editor=editor)
    assert _reload(good).status == "pending" and "myriad" in _reload(p5).text


# --- limits, whoever calls ------------------------------------------------------------------

LONG_REASON = "A reason. " * 300 + "x"  # 3,001 characters


def test_every_editors_reason_is_limited_whoever_calls(member, editor, admin_user, p5) -> None:
    # Forms are not the only callers (the admin, commands, scripts): the services say no too.
    from amendments.services.limits import chapter_set_limit, manifesto_set_limit

    pending = propose(member, p5)
    rejected = propose(member, p5, p5.text + " Other.")
    amendment_reject(amendment=rejected, editor=editor, reason="No.")
    first = p5.history.order_by("history_id").first()
    calls = {
        "accept": lambda: amendment_accept(amendment=pending, editor=editor, reason=LONG_REASON),
        "reject": lambda: amendment_reject(amendment=pending, editor=editor, reason=LONG_REASON),
        "reopen": lambda: amendment_reopen(
            amendment=rejected, admin=admin_user, reason=LONG_REASON
        ),
        "duplicate": lambda: amendment_mark_duplicate(
            amendment=pending, editor=editor, duplicate_of=rejected, reason=LONG_REASON
        ),
        "revert": lambda: paragraph_revert(
            paragraph=p5, editor=editor, history_id=first.history_id, reason=LONG_REASON
        ),
        "edit": lambda: paragraph_edit(
            paragraph=p5, editor=editor, text=p5.text + " More.", reason=LONG_REASON
        ),
        "chapter limit": lambda: chapter_set_limit(
            chapter=p5.chapter, editor=editor, word_limit=9000, reason=LONG_REASON
        ),
        "Manifesto limit": lambda: manifesto_set_limit(
            manifesto=p5.chapter.manifesto,
            editor=editor,
            word_limit=None,
            count_footnotes=False,
            reason=LONG_REASON,
        ),
    }
    for name, call in calls.items():
        with pytest.raises(ValidationError) as refused:
            call()
        assert refused.value.message_dict["reason"] == [
            "The reason is 3,001 characters; the maximum is 3,000."
        ], name
    assert _reload(pending).status == "pending" and _reload(rejected).status == "rejected"


def test_an_editors_wording_is_limited_like_a_proposal(member, editor, p5) -> None:
    amendment = propose(member, p5)
    with pytest.raises(ValidationError) as refused:
        amendment_accept_with_changes(amendment=amendment, editor=editor, text="x" * 5001)
    assert refused.value.message_dict["text"] == [
        "The text is 5,001 characters; the maximum is 5,000."
    ]
    with pytest.raises(ValidationError):
        paragraph_edit(paragraph=p5, editor=editor, text="word " * 1001, reason="Longer.")
    assert _reload(amendment).status == "pending"


def test_a_long_reason_is_kept_whole_in_the_history(member, editor, p5) -> None:
    # A version's reason was a column of 100 characters: on PostgreSQL a longer reason for a
    # revert, an editor's edit, a limit or a hidden comment was a server error.
    from amendments.services.limits import chapter_set_limit

    reason = "The committee asked for it, " * 100  # 2,800 characters
    first = p5.history.order_by("history_id").first()
    paragraph_edit(paragraph=p5, editor=editor, text=p5.text + " More.", reason=reason)
    paragraph_revert(paragraph=p5, editor=editor, history_id=first.history_id, reason=reason)
    chapter_set_limit(chapter=p5.chapter, editor=editor, word_limit=9000, reason=reason)
    reasons = [v.history_change_reason for v in p5.history.order_by("history_id")][1:]
    assert all(r.endswith(reason.strip()) for r in reasons), [len(r) for r in reasons]
    assert p5.chapter.history.first().history_change_reason == f"word limit: {reason.strip()}"


def test_a_duplicate_of_a_duplicate_points_at_the_original(
    member, other_member, editor, p5
) -> None:
    original = propose(member, p5, p5.text + " The original.")
    first_copy = propose(other_member, p5, p5.text + " A first copy.")
    amendment_mark_duplicate(amendment=first_copy, editor=editor, duplicate_of=original)
    second_copy = propose(other_member, p5, p5.text + " A second copy.")
    marked = amendment_mark_duplicate(amendment=second_copy, editor=editor, duplicate_of=first_copy)
    assert marked.duplicate_of == original
    assert f"#{original.pk}" in marked.decision_reason


def test_a_duplicate_marking_cannot_loop_back(member, other_member, editor, p5) -> None:
    one = propose(member, p5, p5.text + " One.")
    two = propose(other_member, p5, p5.text + " Two.")
    amendment_mark_duplicate(amendment=two, editor=editor, duplicate_of=one)
    with pytest.raises(ValidationError) as raised:
        amendment_mark_duplicate(amendment=one, editor=editor, duplicate_of=two)
    assert raised.value.code == "loop"
    assert _reload(one).status == "pending"


def test_no_duplicate_of_itself_or_of_another_chapters_amendment(
    member, other_member, editor, p5
) -> None:
    amendment = propose(member, p5)
    with pytest.raises(ValidationError) as itself:
        amendment_mark_duplicate(amendment=amendment, editor=editor, duplicate_of=amendment)
    assert itself.value.code == "self"
    other_chapter = chapter_import(
        data=b"Elsewhere\n\nPublished: May 2021\n\nA paragraph of another chapter entirely.",
        slug="elsewhere",
    )
    Chapter.objects.filter(pk=other_chapter.pk).update(phase="open")
    elsewhere = propose(other_member, other_chapter.paragraphs.first(), "Another text, changed.")
    with pytest.raises(ValidationError) as chapter:
        amendment_mark_duplicate(amendment=amendment, editor=editor, duplicate_of=elsewhere)
    assert chapter.value.code == "chapter"
    assert _reload(amendment).status == "pending"


def test_editors_undo_a_duplicate_marking_and_it_is_carried_onto_todays_text(
    member, other_member, editor, other_editor, p5
) -> None:
    original = propose(member, p5, p5.text.replace("myriad", "multitude"))
    copy = propose(other_member, p5, p5.text.replace("weakest link", "weakest point"))
    amendment_mark_duplicate(amendment=copy, editor=editor, duplicate_of=original)
    amendment_accept(amendment=original, editor=editor)
    undone = amendment_unmark_duplicate(
        amendment=copy, editor=other_editor, reason="It changes another passage."
    )
    assert undone.status == "pending" and undone.duplicate_of is None
    assert undone.decided_by is None and undone.decision_reason == ""
    assert "multitude" in undone.proposed_text and "weakest point" in undone.proposed_text
    logged = Decision.objects.get(action=Decision.Action.DUPLICATE_UNDONE)
    assert logged.actor == other_editor and logged.amendment == copy
    assert logged.reason == "It changes another passage."


def test_undoing_a_duplicate_marking_puts_it_in_conflict_when_it_no_longer_fits(
    member, other_member, editor, p5
) -> None:
    original = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))
    copy = propose(other_member, p5, p5.text.replace("a myriad of problems", "countless woes"))
    amendment_mark_duplicate(amendment=copy, editor=editor, duplicate_of=original)
    amendment_accept(amendment=original, editor=editor)
    undone = amendment_unmark_duplicate(amendment=copy, editor=editor)
    assert undone.status == "conflict" and undone.conflict_collisions
    assert (
        Decision.objects.get(action="duplicate_undone").reason
        == f"Not a duplicate of #{original.pk}."
    )


def test_only_editors_undo_a_duplicate_marking_and_only_while_the_chapter_is_open(
    member, other_member, editor, p5
) -> None:
    original = propose(member, p5, p5.text + " The original.")
    copy = propose(other_member, p5, p5.text + " A copy.")
    with pytest.raises(ValidationError) as pending:
        amendment_unmark_duplicate(amendment=copy, editor=editor)
    assert pending.value.code == "not_duplicate"
    amendment_mark_duplicate(amendment=copy, editor=editor, duplicate_of=original)
    with pytest.raises(ValidationError) as not_editor:
        amendment_unmark_duplicate(amendment=copy, editor=member)
    assert not_editor.value.code == "not_editor"
    Chapter.objects.filter(pk=p5.chapter_id).update(phase="review")
    with pytest.raises(ValidationError) as closed:
        amendment_unmark_duplicate(amendment=copy, editor=editor)
    assert closed.value.code == "chapter_not_open"
    assert _reload(copy).status == "duplicate"
    assert not Decision.objects.filter(action="duplicate_undone").exists()


def test_amendments_accepted_before_the_accepted_word_change_was_kept_get_it_from_their_texts(
    member, other_member, editor, p5, seed_chapter
) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("amendments.migrations.0006_amendment_accepted_word_delta")
    changed = propose(member, p5, p5.text + " One two three four.")
    amendment_accept_with_changes(amendment=changed, editor=editor, text=p5.text + " One two.")
    p6 = body_paragraph(seed_chapter, 6)
    deletion = propose(other_member, p6, "", kind="delete")
    amendment_accept(amendment=deletion, editor=editor)
    pending = propose(other_member, p5, _reload(p5).text + " Three more words.")
    # As the rows stood before the field existed (a test may bypass history; services never).
    Amendment.objects.update(accepted_word_delta=None)
    Amendment.history.update(accepted_word_delta=None)
    migration.fill_accepted_word_delta(apps, None)
    assert _reload(changed).accepted_word_delta == 2
    assert _reload(deletion).accepted_word_delta == -p6.word_count
    assert _reload(pending).accepted_word_delta is None
    assert changed.history.filter(status="accepted_changed").first().accepted_word_delta == 2


def test_stored_conflict_reasons_lose_the_advice_the_pages_now_give_once(
    member, other_member, editor, p5
) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "amendments.migrations.0007_conflict_reasons_say_only_what_happened"
    )
    mine = propose(member, p5, p5.text.replace("a myriad of problems", "countless woes"))
    amendment_accept(
        amendment=propose(other_member, p5, p5.text.replace("a myriad", "a host")), editor=editor
    )
    mine = _reload(mine)
    assert mine.status == "conflict"
    happened = mine.conflict_reason
    assert "withdraw" not in happened
    old = happened + " The author can update it against the new text (Edit) or withdraw it."
    Amendment.objects.filter(pk=mine.pk).update(conflict_reason=old)  # as stored before
    migration.drop_advice(apps, None)
    assert _reload(mine).conflict_reason == happened
