"""Many people on one paragraph at once, and an acceptance killed halfway, on PostgreSQL.

Runs on PostgreSQL (CI runs it there and fails if it was skipped): the killed request is a
separate process whose connection dies with it, and the crowd needs real row locks.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from amendments.models import Amendment, Comment, Decision, Support
from amendments.services.discussion import comment_post
from amendments.services.proposing import amendment_edit, amendment_withdraw, support_add
from amendments.services.review import amendment_accept, amendment_reject
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
    unexpected = [r for r in results if isinstance(r, Exception)]
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
from amendments.services import review

real = review.carry_forward

def stalled(**kwargs):
    real(**kwargs)  # the paragraph, its history, the decision and the rebases are written
    with open(sys.argv[2], "w") as flag:
        flag.write("written, not committed")
    time.sleep(120)

review.carry_forward = stalled
review.amendment_accept(
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
        "DJANGO_SETTINGS_MODULE": "manifesto.settings",
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
