"""Many people on one paragraph at once, and an acceptance killed halfway, on PostgreSQL.

Runs on PostgreSQL (CI runs it there and fails if it was skipped): the killed request is a
separate process whose connection dies with it, and the crowd needs real row locks.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from amendments.models import Amendment, Comment, Decision, Support
from amendments.services.deciding import (
    AcceptItem,
    amendment_accept,
    amendment_reject,
    amendment_reopen,
    amendments_accept,
)
from amendments.services.discussion import comment_post
from amendments.services.paragraphs import paragraph_revert
from amendments.services.proposing import amendment_edit, amendment_withdraw, support_add
from manifesto.models import Paragraph
from tests.amendments.conftest import body_paragraph, propose
from tests.amendments.test_concurrency import _at_the_same_moment
from tests.conftest import ROOT, database_url, make_user, postgres_only

pytestmark = postgres_only("a killed process and row locks need PostgreSQL (CI runs it there)")


def test_a_crowd_on_one_paragraph_loses_and_duplicates_nothing(
    seed_chapter, member, other_member, editor, other_editor
) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    original = p5.text
    accepted = propose(member, p5, original.replace("a myriad of problems", "many problems"))
    supported = propose(other_member, p5, original.replace("weakest link", "weakest point"))
    rejected = propose(other_member, p5, original.replace("backward", "poor"), title="Poor")
    withdrawn = propose(member, p5, original + " One more sentence.", title="More")
    edited = propose(member, p5, original.replace("Marx", "Karl Marx"), title="Full name")
    supporters = [make_user(f"supporter{i}") for i in range(6)]
    commenters = [make_user(f"commenter{i}") for i in range(4)]

    results = _at_the_same_moment(
        lambda: amendment_accept(amendment=accepted, editor=editor),
        # Its author edits the very amendment the editor accepts.
        lambda: amendment_edit(
            amendment=accepted,
            user=member,
            title="A change",
            text=original.replace("a myriad of problems", "very many problems"),
            reason="Stronger.",
            seen_version_id=accepted.base_version_id,
        ),
        lambda: amendment_reject(amendment=rejected, editor=other_editor, reason="Not now"),
        lambda: amendment_withdraw(amendment=withdrawn, user=member),
        lambda: amendment_edit(
            amendment=edited,
            user=member,
            title="Full name",
            text=original.replace("Marx had", "Karl Marx had"),
            reason="Clearer.",
            seen_version_id=edited.base_version_id,
        ),
        *[lambda u=u: support_add(amendment=supported, user=u) for u in supporters],
        *[
            lambda u=u: comment_post(author=u, body=f"Thoughts from {u.username}.", paragraph=p5)
            for u in commenters
        ],
    )
    accepted_edit, *others = results[1:]
    # Before or after the acceptance: applied, or refused with a message (never a deadlock).
    assert isinstance(accepted_edit, Amendment) or (
        isinstance(accepted_edit, ValidationError) and accepted_edit.code == "not_open"
    ), accepted_edit
    unexpected = [r for r in [results[0], *others] if isinstance(r, Exception)]
    assert unexpected == [], unexpected

    paragraph = Paragraph.objects.get(pk=p5.pk)
    assert "many problems" in paragraph.text
    assert paragraph.history.count() == 2  # imported, accepted: nothing applied twice
    assert Support.objects.filter(amendment=supported).count() == len(supporters)
    assert Comment.objects.filter(paragraph=p5).count() == len(commenters)
    statuses = dict(Amendment.objects.values_list("pk", "status"))
    assert statuses[accepted.pk] == "accepted"
    assert statuses[rejected.pk] == "rejected"
    assert statuses[withdrawn.pk] == "withdrawn"
    # Whichever came first, the edit and the rebase both land on the new text.
    for pk in (supported.pk, edited.pk):
        amendment = Amendment.objects.get(pk=pk)
        assert amendment.status == "pending"
        assert amendment.base_text == paragraph.text
        assert "many problems" in amendment.proposed_text
    assert "Karl Marx had" in Amendment.objects.get(pk=edited.pk).proposed_text
    # Each decision once (the rejected one may also have been carried forward first).
    decided = Decision.objects.filter(action__in=["accepted", "rejected"])
    assert sorted(decided.values_list("amendment_id", "action")) == [
        (accepted.pk, "accepted"),
        (rejected.pk, "rejected"),
    ]


_STALLED_ACCEPTANCE = """
import sys, time
import django
django.setup()
from accounts.models import User
from amendments.models import Amendment
from amendments.services import deciding

real = deciding.carry_forward

def stalled(**kwargs):
    real(**kwargs)  # the paragraph, its history, the decision and the rebases are written
    with open(sys.argv[2], "w") as flag:
        flag.write("written, not committed")
    time.sleep(120)

deciding.carry_forward = stalled
deciding.amendment_accept(
    amendment=Amendment.objects.get(pk=int(sys.argv[1])),
    editor=User.objects.get(username="erin"),
)
"""


def test_an_acceptance_killed_halfway_leaves_no_trace(
    tmp_path: Path, seed_chapter, member, other_member, editor
) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    original = p5.text
    accepted = propose(member, p5, original.replace("a myriad of problems", "many problems"))
    pending = propose(other_member, p5, original.replace("weakest link", "weakest point"))
    flag = tmp_path / "halfway"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "desk.settings",
        "DATABASE_URL": database_url(),
    }
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", _STALLED_ACCEPTANCE, str(accepted.pk), str(flag)],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while not flag.exists():
            assert process.poll() is None, "the acceptance process ended early"
            assert time.monotonic() < deadline, "the acceptance never reached its middle"
            time.sleep(0.1)
        # Halfway: everything is written inside the transaction, nothing is visible outside.
        assert Paragraph.objects.get(pk=p5.pk).text == original
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()

    assert Paragraph.objects.get(pk=p5.pk).text == original
    assert p5.history.count() == 1
    assert Amendment.objects.get(pk=accepted.pk).status == "pending"
    still = Amendment.objects.get(pk=pending.pk)
    assert (still.status, still.base_text) == ("pending", original)
    assert not Decision.objects.exists()
    # The row locks died with the connection: the next editor is not blocked.
    try:
        amendment_accept(amendment=Amendment.objects.get(pk=accepted.pk), editor=editor)
    except ValidationError as error:  # pragma: no cover - would mean a stuck state
        pytest.fail(f"the text stayed locked or broken after the kill: {error}")
    assert "many problems" in Paragraph.objects.get(pk=p5.pk).text


# --- two people on the same rows, the second arriving while the first holds an amendment ----

_LOCKS_AN_AMENDMENT = re.compile(r'FROM "amendments_amendment".* FOR (NO KEY )?UPDATE', re.S)


def _second_arrives_while_first_holds_an_amendment(
    first: Callable[[], object], second: Callable[[], object], pause: float = 0.3
) -> list[object]:
    """Run ``first`` on its own connection; the moment it holds a row lock on an amendment,
    start ``second`` on another connection, and keep ``first`` still for ``pause`` seconds, as a
    busy server would between two statements. Two services that lock the same rows in different
    orders deadlock here every time; one lock order makes the second wait its turn."""
    return second_arrives_while_first_holds(_LOCKS_AN_AMENDMENT, first, second, pause)


def second_arrives_while_first_holds(
    lock: re.Pattern[str],
    first: Callable[[], object],
    second: Callable[[], object],
    pause: float,
) -> list[object]:
    """Run ``first`` on its own connection; once it has run a statement matching ``lock``,
    start ``second`` on another and keep ``first`` still for ``pause`` seconds. Returns what
    each gave back, or the error it raised."""
    holding = threading.Event()
    results: list[object] = [None, None]

    def hold(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        result = execute(sql, params, many, context)
        if not holding.is_set() and lock.search(sql):
            holding.set()
            time.sleep(pause)
        return result

    def run_first() -> None:
        try:
            with connection.execute_wrapper(hold):
                results[0] = first()
        except Exception as error:  # the test inspects what each person got
            results[0] = error
        finally:
            holding.set()
            connections.close_all()

    def run_second() -> None:
        try:
            holding.wait(timeout=60)
            results[1] = second()
        except Exception as error:
            results[1] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _in_order(editor_first: bool, editors: Callable[[], object], authors: Callable[[], object]):  # type: ignore[no-untyped-def]
    """Both results as (editor's, author's), whichever of them came first."""
    if editor_first:
        return _second_arrives_while_first_holds_an_amendment(editors, authors)
    author_result, editor_result = _second_arrives_while_first_holds_an_amendment(authors, editors)
    return [editor_result, author_result]


def _refused(result: object, code: str) -> bool:
    return isinstance(result, ValidationError) and result.code == code


FIRST = pytest.mark.parametrize("editor_first", [True, False], ids=["editor-first", "author-first"])


@FIRST
def test_an_editor_accepts_an_amendment_while_its_author_edits_it(
    editor_first: bool, seed_chapter, member, editor
) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    original = p5.text
    amendment = propose(member, p5, original.replace("a myriad of problems", "many problems"))
    edited_text = original.replace("a myriad of problems", "countless problems")

    accepted, edited = _in_order(
        editor_first,
        lambda: amendment_accept(amendment=amendment, editor=editor),
        lambda: amendment_edit(
            amendment=amendment,
            user=member,
            title="A change",
            text=edited_text,
            reason="Better still.",
            seen_version_id=amendment.base_version_id,
        ),
    )
    assert isinstance(accepted, Amendment), accepted
    text = Paragraph.objects.get(pk=p5.pk).text
    if editor_first:
        # The edit came too late: it is refused with a message, nothing is lost.
        assert _refused(edited, "not_open"), edited
        assert "many problems" in text
    else:
        # The edit came first; the editor accepted the amendment as it then read.
        assert isinstance(edited, Amendment), edited
        assert "countless problems" in text
    assert Amendment.objects.get(pk=amendment.pk).status == "accepted"
    assert p5.history.count() == 2


@FIRST
def test_an_editor_accepts_two_together_while_the_author_of_one_edits_it(
    editor_first: bool, seed_chapter, member, other_member, editor
) -> None:
    p5, p6 = body_paragraph(seed_chapter, 5), body_paragraph(seed_chapter, 6)
    one = propose(other_member, p5, p5.text.replace("a myriad of problems", "many problems"))
    two = propose(member, p6, p6.text.replace("devastating war", "terrible war"))

    accepted, edited = _in_order(
        editor_first,
        lambda: amendments_accept([AcceptItem(one), AcceptItem(two)], editor=editor),
        lambda: amendment_edit(
            amendment=two,
            user=member,
            title="A change",
            text=p6.text.replace("devastating war", "ruinous war"),
            reason="Better still.",
            seen_version_id=two.base_version_id,
        ),
    )
    assert isinstance(accepted, list), accepted
    assert "many problems" in Paragraph.objects.get(pk=p5.pk).text
    text = Paragraph.objects.get(pk=p6.pk).text
    if editor_first:
        assert _refused(edited, "not_open"), edited
        assert "terrible war" in text
    else:
        assert isinstance(edited, Amendment), edited
        assert "ruinous war" in text
    assert sorted(Amendment.objects.values_list("status", flat=True)) == ["accepted"] * 2


@FIRST
def test_an_editor_rejects_an_amendment_while_its_author_withdraws_it(
    editor_first: bool, seed_chapter, member, editor
) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    amendment = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))

    rejected, withdrawn = _in_order(
        editor_first,
        lambda: amendment_reject(amendment=amendment, editor=editor, reason="Not now."),
        lambda: amendment_withdraw(amendment=amendment, user=member),
    )
    status = Amendment.objects.get(pk=amendment.pk).status
    if editor_first:
        assert isinstance(rejected, Amendment), rejected
        assert _refused(withdrawn, "not_open"), withdrawn
        assert status == "rejected"
    else:
        assert isinstance(withdrawn, Amendment), withdrawn
        assert _refused(rejected, "not_rejectable"), rejected
        assert status == "withdrawn"


@FIRST
def test_an_editor_reverts_a_paragraph_while_an_author_edits_an_amendment_on_it(
    editor_first: bool, seed_chapter, member, other_member, editor
) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    original = p5.text
    amendment_accept(
        amendment=propose(other_member, p5, original.replace("a myriad of", "many")),
        editor=editor,
    )
    changed = Paragraph.objects.get(pk=p5.pk).text
    pending = propose(member, p5, changed.replace("weakest link", "weakest point"))
    imported = p5.history.order_by("history_id").first()

    reverted, edited = _in_order(
        editor_first,
        lambda: paragraph_revert(
            paragraph=p5, editor=editor, history_id=imported.history_id, reason="Undo."
        ),
        lambda: amendment_edit(
            amendment=pending,
            user=member,
            title="A change",
            text=changed.replace("weakest link", "weakest spot"),
            reason="Better still.",
            seen_version_id=pending.base_version_id,
        ),
    )
    assert isinstance(reverted, Paragraph), reverted
    assert isinstance(edited, Amendment), edited
    text = Paragraph.objects.get(pk=p5.pk).text
    assert text == original
    # Whichever came first, the amendment ends written against the reverted text.
    amendment = Amendment.objects.get(pk=pending.pk)
    assert (amendment.status, amendment.base_text) == ("pending", original)
    assert amendment.proposed_text == original.replace("weakest link", "weakest spot")


@FIRST
def test_an_admin_reopens_an_amendment_while_its_author_edits_it(
    editor_first: bool, seed_chapter, member, editor, admin_user
) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    amendment = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))
    amendment_reject(amendment=amendment, editor=editor, reason="Not now.")

    reopened, edited = _in_order(
        editor_first,
        lambda: amendment_reopen(amendment=amendment, admin=admin_user, reason="Congress asked."),
        lambda: amendment_edit(
            amendment=amendment,
            user=member,
            title="A change",
            text=p5.text.replace("a myriad of problems", "countless problems"),
            reason="From the page I had open.",
            seen_version_id=amendment.base_version_id,
        ),
    )
    assert isinstance(reopened, Amendment), reopened
    final = Amendment.objects.get(pk=amendment.pk)
    assert final.status == "pending"
    if editor_first:
        # Reopened first: the author's edit applies to the pending amendment.
        assert isinstance(edited, Amendment), edited
        assert "countless problems" in final.proposed_text
    else:
        assert _refused(edited, "not_open"), edited
        assert "many problems" in final.proposed_text
