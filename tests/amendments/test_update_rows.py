"""common.rows.update_rows: many rows' fields in one UPDATE, of every kind of field an
amendment has (text, JSON, a foreign key, a time, none), and only those rows and fields."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from amendments.models import Amendment
from common import clock
from common.rows import update_rows
from manifesto.models import Paragraph
from tests.amendments.conftest import propose


@pytest.mark.django_db
def test_the_fields_named_are_saved_for_every_row_given_and_nothing_else(
    member: User, other_member: User, p5: Paragraph
) -> None:
    first, second, untouched = (
        propose(member, p5, p5.text + " One."),
        propose(other_member, p5, p5.text + " Two."),
        propose(member, p5, p5.text + " Three."),
    )
    when = clock.now() + timedelta(days=1)
    for amendment, words in ((first, "New one."), (second, "New two, with 'quotes' (and ;).")):
        amendment.proposed_text = words
        amendment.change_spans = [[1, 3], [7, 7]]
        amendment.conflict_with = untouched
        amendment.carried_forward_at = when
        amendment.word_delta = 42
        amendment.reason = "not saved: not named"
    second.conflict_with = None

    fields = ("proposed_text", "change_spans", "conflict_with", "carried_forward_at", "word_delta")
    with CaptureQueriesContext(connection) as queries:
        update_rows([first, second], fields)

    assert len(queries.captured_queries) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.proposed_text, second.proposed_text) == (
        "New one.",
        "New two, with 'quotes' (and ;).",
    )
    assert first.change_spans == second.change_spans == [[1, 3], [7, 7]]
    assert (first.conflict_with_id, second.conflict_with_id) == (untouched.pk, None)
    assert first.carried_forward_at == second.carried_forward_at == when
    assert first.word_delta == second.word_delta == 42
    assert first.reason == second.reason == "Because it reads better."
    before = untouched.proposed_text
    untouched.refresh_from_db()
    assert untouched.proposed_text == before
    assert untouched.word_delta != 42


@pytest.mark.django_db
def test_nothing_to_update_writes_nothing() -> None:
    with CaptureQueriesContext(connection) as queries:
        update_rows([], ("proposed_text",))
    assert queries.captured_queries == []
    assert Amendment.objects.count() == 0
