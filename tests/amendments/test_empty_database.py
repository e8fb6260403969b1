"""Pages read: on a database where nothing was imported yet, a GET answers and creates nothing
(it used to create the Manifesto row, a write on a read)."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse

from manifesto.models import Manifesto
from tests.conftest import client_for


def _rows() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.mark.parametrize(
    ("name", "query", "status"),
    [
        ("manifesto:index", "", 200),
        ("manifesto:export", "", 302),
        ("manifesto:export", "?format=md", 302),
        ("manifesto:export", "?chapter=no-such-chapter", 404),
        ("amendments:queue", "", 200),
        ("amendments:queue", "?status=all&sort=newest&page=2", 200),
        ("amendments:list", "", 200),
        ("amendments:list", "?sort=support&mine=1&page=3", 200),
        ("amendments:list_csv", "?status=pending", 200),
        ("amendments:list_xlsx", "", 200),
        ("amendments:manifesto_limit", "", 302),
    ],
)
def test_get_pages_write_nothing_on_an_empty_database(editor, name, query, status):
    client = client_for(editor)
    before = _rows()
    response = client.get(reverse(name) + query)
    assert response.status_code == status
    assert _rows() == before
    assert not Manifesto.objects.exists()


def test_index_of_an_empty_database_says_there_are_no_chapters(db):
    page = client_for(None).get(reverse("manifesto:index")).content.decode()
    assert "No chapters yet." in page
    assert "Transformation, a Manifesto for Democratic Socialism" in page


def test_export_of_an_empty_database_says_there_is_nothing_to_export(db):
    response = client_for(None).get(reverse("manifesto:export"), {"format": "md"})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "There is no chapter to export."
    ]


def test_manifesto_limit_page_of_an_empty_database_says_why_it_cannot_be_set(editor):
    response = client_for(editor).get(reverse("amendments:manifesto_limit"))
    assert response.status_code == 302
    assert response.url == reverse("manifesto:index")
    (message,) = get_messages(response.wsgi_request)
    assert "There is no Manifesto yet" in str(message)


def test_commands_that_read_create_no_manifesto(db, tmp_path):
    call_command("wordcount", "--json", stdout=io.StringIO())
    with pytest.raises(Exception, match="There is no chapter to export"):
        call_command("export", "manifesto", "--format", "md", "-o", str(tmp_path / "out.md"))
    assert not Manifesto.objects.exists()
