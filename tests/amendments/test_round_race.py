"""A proposal racing the end of a round, on PostgreSQL: an editor closing the round, or the
deadline passing, while proposals are in flight. Each proposal is either stored whole or
refused with nothing stored, never half."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from amendments.models import Amendment
from amendments.services.proposing import amendment_propose
from amendments.services.rounds import manifesto_round_set
from manifesto.models import Manifesto, Phase
from tests.amendments.conftest import body_paragraph
from tests.amendments.test_concurrency import _at_the_same_moment
from tests.amendments.test_faults_concurrency import second_arrives_while_first_holds
from tests.conftest import make_user, postgres_only

pytestmark = postgres_only("row locks between two connections need PostgreSQL")

DEADLINE = datetime(2027, 1, 15, 18, 0, tzinfo=UTC)
_LOCKS_THE_MANIFESTO = re.compile(r'FROM "manifesto_manifesto".* FOR (NO KEY )?UPDATE', re.S)


def _close_round(manifesto: Manifesto, editor) -> Callable[[], object]:  # type: ignore[no-untyped-def]
    return lambda: manifesto_round_set(
        manifesto=manifesto,
        editor=editor,
        phase=Phase.REVIEW,
        closes_at=None,
        time_zone="Europe/London",
        minimum_supporters=0,
        supports_open_in_review=True,
        comments_open_in_review=True,
        reason="The round is over.",
    )


def _proposal(author, paragraph, at: datetime | None = None) -> Callable[[], object]:  # type: ignore[no-untyped-def]
    return lambda: amendment_propose(
        author=author,
        paragraph=paragraph,
        kind="replace",
        title="In flight",
        text=paragraph.text + f" Words of {author.username}.",
        reason="Sent at the last moment.",
        at=at,
    )


def _first_holds_the_manifesto(
    first: Callable[[], object], second: Callable[[], object], pause: float = 0.4
) -> list[object]:
    """Run ``first``; once it holds the Manifesto's row lock, start ``second`` and keep
    ``first`` still for ``pause`` seconds, so that ``second`` is in flight meanwhile."""
    return second_arrives_while_first_holds(_LOCKS_THE_MANIFESTO, first, second, pause)


def _whole_or_nothing() -> None:
    """Every stored amendment has its one history row, and no history row lacks its amendment."""
    stored = set(Amendment.objects.values_list("pk", flat=True))
    created = set(Amendment.history.filter(history_type="+").values_list("id", flat=True))
    assert stored == created


def _refused_closed(result: object) -> bool:
    return isinstance(result, ValidationError) and result.code == "round_closed"


@pytest.mark.parametrize("editor_first", [True, False], ids=["editor-first", "proposal-first"])
def test_an_editor_closes_the_round_while_a_proposal_is_in_flight(
    editor_first: bool, seed_chapter, member, editor
) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    close, proposal = _close_round(seed_chapter.manifesto, editor), _proposal(member, p5)
    if editor_first:
        closed, proposed = _first_holds_the_manifesto(close, proposal)
    else:
        proposed, closed = _first_holds_the_manifesto(proposal, close)
    assert isinstance(closed, Manifesto), closed
    if editor_first:
        # It waited for the editor's lock, then found the round closed: nothing stored.
        assert _refused_closed(proposed), proposed
        assert not Amendment.objects.exists()
    else:
        assert isinstance(proposed, Amendment), proposed
        assert Amendment.objects.count() == 1
    _whole_or_nothing()


def test_proposals_around_the_deadline_are_judged_by_when_they_arrived(
    seed_chapter, editor
) -> None:
    """Proposals that arrived a moment before or after the deadline are handled together, after
    it (a busy server), while an editor closes the round: those that arrived in time and got
    in before the editor are stored, every other one is refused, and none is half stored."""
    with time_machine.travel(DEADLINE - timedelta(days=1), tick=False):
        manifesto_round_set(
            manifesto=seed_chapter.manifesto,
            editor=editor,
            phase=Phase.OPEN,
            closes_at=DEADLINE,
            time_zone="Europe/London",
            minimum_supporters=0,
            supports_open_in_review=True,
            comments_open_in_review=True,
            reason="",
        )
    paragraphs = [body_paragraph(seed_chapter, number) for number in range(2, 10)]
    authors = [make_user(f"late{index}") for index in range(8)]
    arrived = [DEADLINE + timedelta(seconds=offset) for offset in (-2, -1, 1, 2, -3, 3, -4, 4)]
    actions = [
        _proposal(author, paragraph, at)
        for author, paragraph, at in zip(authors, paragraphs, arrived, strict=True)
    ]
    with time_machine.travel(DEADLINE + timedelta(seconds=30), tick=False):
        results = _at_the_same_moment(*actions, _close_round(seed_chapter.manifesto, editor))
    *proposed, closed = results
    assert isinstance(closed, Manifesto), closed
    for at, result in zip(arrived, proposed, strict=True):
        if at >= DEADLINE:
            assert _refused_closed(result), (at, result)
        else:
            assert isinstance(result, Amendment) or _refused_closed(result), (at, result)
    stored = [result for result in proposed if isinstance(result, Amendment)]
    assert Amendment.objects.count() == len(stored)
    assert all(amendment.created_at < DEADLINE for amendment in Amendment.objects.all())
    _whole_or_nothing()
