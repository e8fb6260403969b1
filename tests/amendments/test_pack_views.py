"""The congress pack page: who may use it, the files it gives, a bad milestone refused with a
message, its queries counted, and its rate limit."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import User
from amendments.models import Amendment
from amendments.services.recommending import recommendation_set, recommendations_publish
from manifesto.models import Chapter
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for, make_user


def _url(chapter: Chapter | None) -> str:
    if chapter is None:
        return reverse("amendments:manifesto_pack")
    return reverse("amendments:chapter_pack", kwargs={"slug": chapter.slug})


@pytest.mark.django_db
def test_a_visitor_is_sent_to_log_in(seed_chapter: Chapter) -> None:
    response = client_for(None).get(_url(seed_chapter))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_the_page_says_how_many_amendments_in_a_fixed_number_of_queries(
    seed_chapter: Chapter, member: User, django_assert_num_queries: Any
) -> None:
    authors = [make_user(f"author{n}") for n in range(4)]
    for number, author in enumerate(authors, start=2):
        propose(author, body_paragraph(seed_chapter, number), title=f"Change {number}")
    client = client_for(member)
    client.get(_url(seed_chapter))  # the session and the page's caches warm
    with django_assert_num_queries(6):
        response = client.get(_url(seed_chapter))
    assert response.status_code == 200
    assert "4 open amendments" in response.content.decode()
    # The Manifesto's, then its chapters, in place of the chapter with its Manifesto.
    with django_assert_num_queries(7):
        assert client.get(_url(None)).status_code == 200


@pytest.mark.django_db
def test_the_pdf_docx_and_xlsx_download(seed_chapter: Chapter, member: User) -> None:
    propose(member, body_paragraph(seed_chapter, 3), title="Sharper")
    client = client_for(member)
    pdf = client.post(_url(seed_chapter), {"format": "booklet-pdf", "milestone": ""})
    assert pdf["Content-Type"] == "application/pdf"
    assert 'filename="socialism-and-the-soviet-union-' in pdf["Content-Disposition"]
    assert "Sharper" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    docx = client.post(_url(None), {"format": "booklet-docx", "milestone": "As published"})
    assert any("Sharper" in p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    xlsx = client.post(_url(seed_chapter), {"format": "list-xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert [row[4] for row in rows[1:]] == ["Sharper"]


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_milestone_is_refused_with_a_message(
    seed_chapter: Chapter, member: User, method: str
) -> None:
    client = client_for(member)
    response = getattr(client, method)(
        _url(seed_chapter), {"milestone": "Congress draft", "format": "booklet-pdf"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "There is no milestone of that name. Choose now or one of: As published." in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_an_unknown_format_is_refused_with_a_message(seed_chapter: Chapter, member: User) -> None:
    response = client_for(member).post(_url(seed_chapter), {"format": "<b>exe</b>"})
    assert response.status_code == 200
    assert "Choose the booklet (PDF or Word) or the amendment list (Excel)." in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_the_manifestos_pack_is_rate_limited(
    seed_chapter: Chapter, member: User, settings: Any
) -> None:
    settings.RATELIMIT_ENABLE = True
    client = client_for(member)
    statuses = [client.post(_url(None), {"format": "list-xlsx"}).status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]
    assert client.get(_url(None)).status_code == 200  # the page itself is not counted


@pytest.mark.django_db
def test_the_booklets_content_is_read_in_a_fixed_number_of_queries(
    seed_chapter: Chapter, django_assert_num_queries: Any
) -> None:
    from amendments.pack import booklet_of
    from amendments.services.proposing import support_add
    from manifesto.exports import NOW

    authors = [make_user(f"author{n}") for n in range(6)]
    for number, author in enumerate(authors, start=2):
        amendment = propose(author, body_paragraph(seed_chapter, number), title=f"Change {number}")
        for supporter in authors:
            if supporter != author:
                support_add(amendment=amendment, user=supporter)
    manifesto = seed_chapter.manifesto
    # The text (the chapters' records, paragraphs and numbering), the ¶ labels, the
    # supporters, the amendments (with their recommendations), whether the chapter's
    # recommendations are published: whatever the number of amendments and supporters.
    with django_assert_num_queries(7):
        booklet = booklet_of(manifesto=manifesto, chapters=[seed_chapter], moment=NOW)
    assert len(booklet.amendments) == 6
    assert all(len(a.supporters) == 5 for a in booklet.amendments)
    # Published, the voting list adds two (its amendments with their recommendations, the ¶
    # labels; the publication is read once), still whatever the number of amendments.
    editor = make_user("committee", role="editor")
    for amendment in Amendment.objects.filter(chapter=seed_chapter):
        recommendation_set(amendment=amendment, editor=editor, kind="reject", reason="No.")
    recommendations_publish(chapter=seed_chapter, editor=editor)
    chapter = Chapter.objects.get(pk=seed_chapter.pk)
    with django_assert_num_queries(9):
        booklet = booklet_of(manifesto=manifesto, chapters=[chapter], moment=NOW)
    assert all(a.recommendation is not None for a in booklet.amendments)
