"""Carrying forward settles amendments whose stored spans lie apart from the accepted change
without the rebase's search (textcore.rebase.rebase_apart). Through the service, on the same
data, what it writes must be exactly what the full rebase writes: text, status, spans, stored
diff, word change and the reason logged."""

from __future__ import annotations

import pytest
from django.db import transaction

from amendments.models import Amendment, Decision
from amendments.services import carrying
from amendments.services.deciding import amendment_accept
from tests.amendments.conftest import propose
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _edit(text: str, position: int, new: str) -> str:
    words = text.split(" ")
    words[position] = new
    return " ".join(words)


def _outcome(paragraph) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    rows = Amendment.objects.filter(paragraph=paragraph).order_by("pk")
    amendments = [
        (a.pk, a.status, a.base_text, a.proposed_text, a.change_spans, a.diff_ops, a.word_delta)
        for a in rows
    ]
    logged = list(
        Decision.objects.filter(paragraph=paragraph)
        .order_by("pk")
        .values_list("action", "amendment_id", "reason")
    )
    return [*amendments, *logged]


def test_the_shortcut_writes_what_the_full_rebase_writes(editor, p5, monkeypatch) -> None:
    count = len(p5.text.split(" "))
    # Changes before, after and on both sides of the one accepted (at the middle word), one on
    # the same word (a conflict), one a word away, an insertion at the end.
    middle = count // 2
    accepted_text = _edit(p5.text, middle, "ACCEPTED")
    proposals = [
        _edit(p5.text, 1, "early"),
        _edit(p5.text, count - 2, "late"),
        _edit(_edit(p5.text, 2, "both"), count - 3, "sides"),
        _edit(p5.text, middle, "RIVAL"),
        _edit(p5.text, middle + 2, "near"),
        p5.text + " Added at the end.",
    ]
    for number, text in enumerate(proposals):
        propose(make_user(f"proposer{number}"), p5, text, title=f"Change {number}")
    accepted = propose(make_user("winner"), p5, accepted_text, title="Accepted")

    answered: list[object] = []
    real = carrying.rebase_apart

    def counting(*args: object) -> object:
        result = real(*args)  # type: ignore[arg-type]
        answered.append(result)
        return result

    monkeypatch.setattr(carrying, "rebase_apart", counting)
    with transaction.atomic():
        savepoint = transaction.savepoint()
        amendment_accept(amendment=accepted, editor=editor)
        with_shortcut = _outcome(p5)
        transaction.savepoint_rollback(savepoint)
    assert sum(result is not None for result in answered) >= 3, "the shortcut never answered"

    monkeypatch.setattr(carrying, "rebase_apart", lambda *args: None)
    p5.refresh_from_db()
    accepted.refresh_from_db()
    amendment_accept(amendment=accepted, editor=editor)
    assert _outcome(p5) == with_shortcut
    statuses = [row[1] for row in with_shortcut[: len(proposals) + 1]]
    assert Amendment.Status.CONFLICT in statuses
