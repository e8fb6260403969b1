"""The queue's filters are read by QueueFilterForm: every value is understood or read as its
default, and the queue always answers."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.urls import reverse

from amendments.forms import QueueFilterForm
from amendments.review_queue import QueueFilters
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for


def _filters(query: str) -> QueueFilters:
    return QueueFilterForm(QueryDict(query)).filters()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", QueueFilters()),
        ("status=", QueueFilters(status="all")),
        ("status=rejected", QueueFilters(status="rejected")),
        ("status=nonsense", QueueFilters(status="all")),
        ("sort=newest", QueueFilters(sort="newest")),
        ("sort=nonsense", QueueFilters()),
        ("paragraph=7", QueueFilters(paragraph="7")),
        ("paragraph=%C2%B6+10A", QueueFilters(paragraph="10a")),
        ("paragraph=007b", QueueFilters(paragraph="7b")),
        ("paragraph=seven", QueueFilters()),
        ("paragraph=-1", QueueFilters()),
        ("paragraph=%D9%A3", QueueFilters()),
        ("paragraph=99999999999999999999", QueueFilters()),
        ("lines=123", QueueFilters(lines=(123, 123))),
        ("lines=123-125", QueueFilters(lines=(123, 125))),
        ("lines=125+%E2%80%93+123", QueueFilters(lines=(123, 125))),
        ("lines=12+to+14", QueueFilters(lines=(12, 14))),
        ("lines=12x", QueueFilters()),
        ("lines=-5", QueueFilters()),
        ("lines=99999999999999999999", QueueFilters()),
        ("author=+alice+", QueueFilters(author="alice")),
        ("chapter=no-such-chapter", QueueFilters(chapter="no-such-chapter")),
        ("unknown=1", QueueFilters()),
    ],
)
def test_queue_filter_form_reads_every_value_or_its_default(query, expected):
    assert _filters(query) == expected


@pytest.mark.parametrize(("page", "expected"), [("2", 2), ("", None), ("two", None)])
def test_queue_filter_form_reads_the_page(page, expected):
    assert QueueFilterForm(QueryDict(f"page={page}")).page_number() == expected


def test_queue_answers_bad_filters_with_the_same_results_as_their_defaults(
    seed_chapter, member, editor
):
    for number in (2, 3):
        propose(member, body_paragraph(seed_chapter, number))
    client = client_for(editor)
    url = reverse("amendments:queue")
    plain = client.get(url)
    for query in ("?paragraph=x&sort=x&page=x", "?status=x&sort=oldest", "?page=999"):
        response = client.get(url + query)
        assert response.status_code == 200
        assert response.context["queue"].total == plain.context["queue"].total == 2
