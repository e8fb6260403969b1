"""Every moment a visitor can type, on the export and compare pages and to the export command:
understood, or answered with the page's own "not a moment" message; never a 500.

Moments at the edge of the calendar (the first and last representable instants, with UTC
offsets up to ±23:59) overflowed when the label, the file name or the database converted
them to another time zone.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amendments.export_service import FORMATS
from manifesto.exports import filename, parse_moment
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

EDGES = (
    "0001-01-01T00:00+23:59",
    "0001-01-01T00:00:00-23:59",
    "0001-01-01T00:00Z",
    "0001-01-01",
    "0001-01-02T00:00+23:59",
    "9999-12-31T23:59:59.999999-23:59",
    "9999-12-31T23:59:59.999999+23:59",
    "9999-12-31T23:59Z",
    "9999-12-31",
    "9999-12-31 23:59",
)
# What the pages answer instead of a download: one of their own messages.
ANSWERS = ("is not a moment", "No chapter existed at that moment", "has no milestone called")

_offsets = st.one_of(
    st.sampled_from(["", "Z", "+23:59", "-23:59", "+00:00", "+14:00", "-12:00", "+2359"]),
    st.builds(
        lambda sign, hours, minutes: f"{sign}{hours:02}:{minutes:02}",
        st.sampled_from("+-"),
        st.integers(0, 24),
        st.integers(0, 59),
    ),
)
_years = st.one_of(st.sampled_from([1, 2, 1970, 2026, 9998, 9999]), st.integers(0, 10000))
_dates = st.builds(
    lambda year, month, day: f"{year:04}-{month:02}-{day:02}",
    _years,
    st.integers(0, 13),
    st.integers(0, 32),
)
_times = st.builds(
    lambda date, sep, hour, minute, second, offset: (
        f"{date}{sep}{hour:02}:{minute:02}{second}{offset}"
    ),
    _dates,
    st.sampled_from(["T", " ", "t"]),
    st.integers(0, 24),
    st.integers(0, 60),
    st.sampled_from(["", ":00", ":59", ":59.999999", ":60"]),
    _offsets,
)
TYPED = st.one_of(
    st.sampled_from(EDGES),
    _dates,
    _times,
    st.text(max_size=40),
    st.text(alphabet="0123456789-:+ TZ./", max_size=40),
    st.text(min_size=200, max_size=2000),
    st.builds(lambda name: f"milestone:{name}", st.text(max_size=300)),
)
PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _export(client, chapter: str, fmt: str, field: str, typed: str):  # type: ignore[no-untyped-def]
    return client.get(
        reverse("manifesto:export"),
        {"chapter": chapter, "format": fmt, field: "date", f"{field}_time": typed},
    )


def _answered(response) -> bool:  # type: ignore[no-untyped-def]
    shown = " ".join(str(message) for message in get_messages(response.wsgi_request))
    return any(answer in shown for answer in ANSWERS)


def _check_export(client, chapter: str, fmt: str, field: str, typed: str) -> None:  # type: ignore[no-untyped-def]
    response = _export(client, chapter, fmt, field, typed)
    # 400: a NUL byte in the query string, refused before any view runs.
    assert response.status_code in (200, 302, 400), (fmt, chapter, field, typed)
    if response.status_code == 302:
        assert _answered(response), (fmt, chapter, field, typed)


def _check_compare(client, slug: str, typed: str) -> None:  # type: ignore[no-untyped-def]
    for field in ("from", "to"):
        response = client.get(
            reverse("manifesto:compare", args=[slug]), {field: "date", f"{field}_time": typed}
        )
        assert response.status_code in (200, 400), (field, typed)


def _check_command(slug: str, typed: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for option in ("--as-of", "--changes-since"):
        try:
            call_command(
                "export",
                slug,
                "--format",
                "html",
                f"{option}={typed}",  # one argument, even when it starts with a dash
                "-o",
                str(tmp_path / "out.html"),
                stderr=io.StringIO(),
            )
        except CommandError as error:
            assert any(answer in str(error) for answer in ANSWERS), (option, typed, error)


@pytest.mark.parametrize("typed", EDGES)
def test_moments_at_the_edge_of_the_calendar_are_no_500_in_any_export(
    seed_chapter, typed: str
) -> None:
    client = client_for(None)
    client.raise_request_exception = False
    for fmt in FORMATS:
        for chapter in (seed_chapter.slug, ""):
            for field in ("at", "since"):
                _check_export(client, chapter, fmt, field, typed)
    _check_compare(client, seed_chapter.slug, typed)


@pytest.mark.parametrize("typed", EDGES)
def test_moments_at_the_edge_of_the_calendar_are_no_traceback_in_the_command(
    seed_chapter, typed: str, tmp_path
) -> None:
    _check_command(seed_chapter.slug, typed, tmp_path)


def test_a_moment_off_the_calendar_gets_the_pages_own_message(client, seed_chapter) -> None:
    response = _export(client, seed_chapter.slug, "md", "at", "0001-01-01T00:00+23:59")
    assert response.status_code == 302
    assert _answered(response)
    page = client.get(
        reverse("manifesto:compare", args=[seed_chapter.slug]),
        {"from": "date", "from_time": "9999-12-31T23:59:59.999999-23:59"},
    ).content.decode()
    assert "is not a moment" in page


def test_the_first_and_last_days_are_understood() -> None:
    first = parse_moment("0001-01-01")  # the end of that day, in the site's time zone
    last = parse_moment("9999-12-31T23:59:59.999999+23:59")
    assert first.at is not None and first.at.tzinfo is UTC and first.at.year == 1
    assert last.at == datetime(9999, 12, 31, 0, 0, 59, 999999, tzinfo=UTC)
    assert first.label.startswith("as of 1 January 1,")
    assert filename("chapter", last, "md") == "chapter-9999-12-31-0000.md"


def test_a_long_moment_is_not_echoed_whole() -> None:
    with pytest.raises(ValueError, match="is not a moment") as refused:
        parse_moment("2026-" + "1" * 5000)
    assert len(str(refused.value)) < 300


@PROPERTY
@given(typed=TYPED, fmt=st.sampled_from(sorted(FORMATS)), whole=st.booleans())
def test_any_typed_moment_is_understood_or_answered_in_exports(
    seed_chapter, typed: str, fmt: str, whole: bool
) -> None:
    client = client_for(None)
    client.raise_request_exception = False
    for field in ("at", "since"):
        _check_export(client, "" if whole else seed_chapter.slug, fmt, field, typed)


@PROPERTY
@given(typed=TYPED)
def test_any_typed_moment_is_understood_or_answered_on_the_compare_page(
    seed_chapter, typed: str
) -> None:
    client = client_for(None)
    client.raise_request_exception = False
    _check_compare(client, seed_chapter.slug, typed)


@PROPERTY
@given(typed=TYPED)
def test_any_typed_moment_is_understood_or_answered_by_the_command(
    seed_chapter, typed: str, tmp_path_factory
) -> None:
    _check_command(seed_chapter.slug, typed, tmp_path_factory.mktemp("export"))
