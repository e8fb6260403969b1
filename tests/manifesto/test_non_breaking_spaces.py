"""The seed's non-breaking spaces at paragraph ends: kept in the stored text, shown by no page
and no export (they read as an indent, and Markdown wrote them as "&#160;" references).

¶ 3 of the seed starts with "\u00a0\u00a0 Russia’s October"; many paragraphs end with one.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.urls import reverse
from docx import Document
from lxml import etree

from amendments.services.deciding import amendment_accept
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# A paragraph, heading or list item whose text starts with a space of any kind.
INDENT = re.compile(r"<(?:p|li|h\d)\b[^>]*>\s")


@pytest.fixture
def p3(seed_chapter):  # type: ignore[no-untyped-def]
    paragraph = body_paragraph(seed_chapter, 3)
    assert paragraph.text.startswith("\u00a0\u00a0 Russia’s October")
    return paragraph


@pytest.fixture
def amended_p3(p3, member, editor):  # type: ignore[no-untyped-def]
    amendment = propose(member, p3, p3.text.strip().replace("also a", "also, above all, a"))
    amendment_accept(amendment=amendment, editor=editor)
    p3.refresh_from_db()
    assert p3.text.startswith("\u00a0\u00a0 Russia’s October was also, above all, a")
    return amendment


def _page(url: str, user=None) -> str:  # type: ignore[no-untyped-def]
    response = client_for(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def _export(**query: str) -> bytes:
    response = client_for(None).get(reverse("manifesto:export"), query)
    assert response.status_code == 200
    return response.content


def test_the_paragraph_page_quoted_the_text_with_an_indent(p3) -> None:
    page = _page(p3.get_absolute_url())
    # The first numbered line begins with the first word, not with the indent.
    assert '<span class="line__text">Russia’s October' in page
    assert "\u00a0\u00a0 Russia" not in page


def test_the_history_page_showed_the_versions_with_an_indent(p3, amended_p3) -> None:
    page = _page(reverse("manifesto:history", args=[p3.chapter.slug, p3.key]))
    assert page.count('<p class="diff diff--block">Russia’s October') == 2
    assert "\u00a0\u00a0 Russia" not in page


def test_the_compare_page_showed_paragraphs_with_an_indent(p3, amended_p3) -> None:
    page = _page(reverse("manifesto:compare", args=[p3.chapter.slug]))
    assert '<p class="diff">Russia’s October' in page
    unchanged = _page(reverse("manifesto:compare", args=[p3.chapter.slug]) + "?from=now&to=now")
    assert '<p class="diff">Russia’s October' in unchanged
    assert "\u00a0\u00a0 Russia" not in page + unchanged


def test_the_amendment_page_showed_the_diff_and_todays_text_with_an_indent(
    p3, member, editor
) -> None:
    amendment = propose(member, p3, p3.text.strip().replace("also a", "truly a"))
    page = _page(amendment.get_absolute_url(), editor)
    assert '<p class="diff diff--block" data-testid="diff-as-written">Russia’s October' in page
    assert "\u00a0\u00a0 Russia" not in page


def test_markdown_wrote_the_nbsps_as_references(seed_chapter) -> None:
    markdown = _export(chapter=seed_chapter.slug, format="md").decode()
    assert "&#" not in markdown
    assert "\nRussia’s October was also a democratic revolution." in markdown


def test_plain_text_and_html_started_paragraphs_with_nbsps(seed_chapter) -> None:
    text = _export(chapter=seed_chapter.slug, format="txt").decode()
    assert "\nRussia’s October" in text
    assert all(line == line.strip() for line in text.split("\n"))
    page = _export(chapter=seed_chapter.slug, format="html").decode()
    assert 'dir="auto">Russia’s October' in page
    assert not INDENT.findall(page.split("<main>")[1])


def test_the_docx_started_paragraphs_with_nbsps(seed_chapter) -> None:
    data = _export(chapter=seed_chapter.slug, format="docx")
    texts = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert any(t.startswith("Russia’s October") for t in texts)
    assert all(t == t.strip() for t in texts)


def test_the_tracked_docx_and_the_changes_report_showed_an_indent(amended_p3) -> None:
    data = _export(format="tracked-docx")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    texts = [
        "".join(t.text or "" for t in p.iter(f"{W}t", f"{W}delText")) for p in body.iter(f"{W}p")
    ]
    assert any(t.startswith("Russia’s October was also, above all, a") for t in texts)
    assert all(t == t.strip() for t in texts)
    report = _export(format="changes-html").decode()
    assert '<p class="diff" dir="auto">Russia’s October' in report
    report_docx = Document(io.BytesIO(_export(format="changes-docx")))
    assert any(p.text.startswith("Russia’s October") for p in report_docx.paragraphs)
