"""The congress page shows what was decided below what is still to vote on: each vote in the
order it was taken (carried or lost, the counts, the outcome, the time), what fell with it and
why, and a summary line; in a number of queries that does not grow with the record."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.template.defaultfilters import date
from django.test.utils import CaptureQueriesContext
from django.utils.timezone import localtime

from amendments.models import CongressVote
from amendments.services.voting import vote_record
from common import clock
from tests.amendments.conftest import body_paragraph, propose
from tests.amendments.test_congress_votes import COUNTS, _page, to_congress
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _record_part(page: str) -> str:
    """The page from the record's heading on (the items still to vote on come before it)."""
    return page[page.index('id="record-title"') :]


def test_the_record_shows_each_vote_in_order_with_what_fell_and_why(
    seed_chapter, p5, member, other_member, editor
) -> None:
    winner = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))
    rival = propose(other_member, p5, p5.text.replace("a myriad of problems", "countless problems"))
    p6 = body_paragraph(seed_chapter, 6)
    loser = propose(other_member, p6, p6.text + " More.")
    waiting = propose(other_member, body_paragraph(seed_chapter, 7), "Still to vote on.")
    to_congress(seed_chapter, editor)
    start = clock.now()
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        vote_record(amendment=loser, editor=editor, result="lost", show_of_hands=True)
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        vote_record(amendment=winner, editor=editor, result="carried", **COUNTS)

    page = _page(client_for(editor), seed_chapter)
    pending, record = page[: page.index('id="record-title"')], _record_part(page)
    assert f"item-{waiting.pk}" in pending and f"item-{winner.pk}" not in pending
    assert "2 votes: 1 carried, 1 lost; 1 amendment fell." in record
    votes = re.findall(r'id="vote-(\d+)"', record)
    assert [CongressVote.objects.get(pk=v).amendment_id for v in votes] == [loser.pk, winner.pk]
    lost, carried = record.split('data-testid="recorded-vote"')[1:]
    assert "Lost</strong>: majority by show of hands." in lost
    assert "Lost: the amendment is rejected." in lost
    assert "Carried</strong>: 120 for, 30 against, 5 abstaining." in carried
    assert "Carried and applied to the text." in carried
    assert f"#{rival.pk}</span>" in carried
    assert f"Fell when #{winner.pk} was carried." in carried
    for part, minutes in ((lost, 1), (carried, 2)):
        when = date(localtime(start + timedelta(minutes=minutes)), "j F Y, H:i")
        assert f">{when}</time> by " in part


def test_the_record_reads_a_fixed_number_of_queries_with_fallen_amendments(
    seed_chapter, member, other_member, editor, django_assert_num_queries
) -> None:
    pairs = []
    for number in range(5, 11):
        paragraph = body_paragraph(seed_chapter, number)
        pairs.append(
            (
                propose(member, paragraph, paragraph.text.replace(" the ", " a ", 1)),
                propose(other_member, paragraph, paragraph.text.replace(" the ", " that ", 1)),
            )
        )
    to_congress(seed_chapter, editor)
    client = client_for(editor)
    vote_record(amendment=pairs[0][0], editor=editor, result="carried", show_of_hands=True)
    with CaptureQueriesContext(connection) as few:
        _page(client, seed_chapter)
    for carried, _ in pairs[1:]:
        vote_record(amendment=carried, editor=editor, result="carried", show_of_hands=True)
    with django_assert_num_queries(len(few)):
        page = _page(client, seed_chapter)
    assert page.count('data-testid="recorded-vote"') == 6
    assert page.count(" was carried.") == 6
