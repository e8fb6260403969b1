"""A database error in the middle of an acceptance leaves no half-applied change: the
paragraph, its history, the rebased amendments and the decision log are all or nothing."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import DatabaseError

from amendments.models import Amendment, Decision
from amendments.services import carrying, deciding
from amendments.services.deciding import amendment_accept
from manifesto.models import Paragraph
from tests.amendments.conftest import body_paragraph, propose

pytestmark = pytest.mark.django_db(transaction=True)  # real commits and rollbacks


def _snapshot(paragraph: Paragraph) -> dict[str, object]:
    return {
        "text": Paragraph.objects.get(pk=paragraph.pk).text,
        "versions": paragraph.history.count(),
        "amendments": sorted(
            Amendment.objects.values_list(
                "pk", "status", "base_text", "proposed_text", "base_version_id"
            )
        ),
        "amendment_versions": Amendment.history.count(),  # type: ignore[attr-defined]
        "decisions": Decision.objects.count(),
    }


def _fail(*args: object, **kwargs: object) -> None:
    raise DatabaseError("server closed the connection unexpectedly")


@pytest.mark.parametrize("fail_at", ["second rebase", "decision log", "guard"])
def test_a_failure_anywhere_in_an_acceptance_changes_nothing(
    fail_at: str, monkeypatch, seed_chapter, member, other_member, editor
) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    accepted = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))
    propose(other_member, p5, p5.text.replace("weakest link", "weakest point"))
    propose(other_member, p5, p5.text.replace("First and foremost", "Above all"))
    before = _snapshot(p5)

    if fail_at == "second rebase":
        real, calls = carrying._rebase_replacement, []

        def flaky(*args):  # type: ignore[no-untyped-def]
            calls.append(args)
            if len(calls) == 2:  # the first rebase is already written when this fails
                raise DatabaseError("connection lost")
            return real(*args)

        monkeypatch.setattr(carrying, "_rebase_replacement", flaky)
    elif fail_at == "decision log":  # after the paragraph and the amendment were written
        monkeypatch.setattr(deciding, "log_decision", _fail)
    else:  # the last step, after every rebase was written
        monkeypatch.setattr(deciding, "guard_enforce", _fail)

    with pytest.raises(DatabaseError):
        amendment_accept(amendment=accepted, editor=editor)

    assert _snapshot(p5) == before
    assert mail.outbox == []  # nobody is told of a decision that did not happen

    monkeypatch.undo()
    amendment_accept(amendment=Amendment.objects.get(pk=accepted.pk), editor=editor)
    after = _snapshot(p5)
    assert after["versions"] == before["versions"] + 1  # type: ignore[operator]
    assert "many problems" in str(after["text"])
    statuses = sorted(row[1] for row in after["amendments"])  # type: ignore[attr-defined]
    assert statuses == ["accepted", "pending", "pending"]
