"""The protocol of the congress: each vote in order, its result and counts, what fell with it,
the text before and after; as a page, an HTML download that prints on its own, a DOCX and
``manage.py export … --format protocol-html|protocol-docx``; in a fixed number of queries."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from amendments.services.voting import vote_record
from tests.amendments.conftest import body_paragraph, propose
from tests.amendments.test_congress_votes import to_congress
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def congress_held(seed_chapter, p5, member, other_member, editor):  # type: ignore[no-untyped-def]
    """Three votes: #a carried (its rival #b falls), #c lost."""
    p6 = body_paragraph(seed_chapter, 6)
    carried = propose(
        member,
        p5,
        p5.text.replace("a myriad of problems", "many problems"),
        title="Fewer <b>words</b>",
    )
    rival = propose(other_member, p5, p5.text.replace("a myriad of problems", "some problems"))
    lost = propose(other_member, p6, p6.text + " Added at the congress.", title="Longer")
    to_congress(seed_chapter, editor)
    vote_record(amendment=carried, editor=editor, result="carried", votes_for=120,
                votes_against=30, abstentions=5, note="After a long debate.")  # fmt: skip
    vote_record(amendment=lost, editor=editor, result="lost", show_of_hands=True)
    return carried, rival, lost, p5.text


def test_the_protocol_page_lists_each_vote_in_order_with_the_text_before_and_after(
    seed_chapter, congress_held
) -> None:
    carried, rival, lost, before = congress_held
    response = client_for(None).get(reverse("amendments:protocol", args=[seed_chapter.slug]))
    page = response.content.decode()
    assert response.status_code == 200
    first, second = page.index(f"Vote 1: #{carried.pk}"), page.index(f"Vote 2: #{lost.pk}")
    assert first < second
    assert "Fewer &lt;b&gt;words&lt;/b&gt;" in page and "<b>words</b>" not in page
    assert "<strong>Carried</strong>: 120 for, 30 against, 5 abstaining" in page
    assert "<strong>Lost</strong>: majority by show of hands" in page
    assert "Carried and applied to the text" in page
    assert "Lost: the amendment is rejected" in page
    assert f"#{rival.pk} A change" in page  # fell with the carried one
    assert "After a long debate." in page
    assert before in page and before.replace("a myriad of problems", "many problems") in page
    assert "¶ 5, lines" in page and "¶ 6, lines" in page


def test_the_protocol_downloads_as_html_that_prints_on_its_own(seed_chapter, congress_held) -> None:
    carried, _, lost, _ = congress_held
    response = client_for(None).get(reverse("amendments:protocol_html", args=[seed_chapter.slug]))
    assert response["Content-Disposition"] == (
        'attachment; filename="socialism-and-the-soviet-union-protocol.html"'
    )
    document = response.content.decode()
    assert document.startswith("<!doctype html>")
    assert "@page" in document and "site-nav" not in document
    assert f"Vote 1: #{carried.pk}" in document and f"Vote 2: #{lost.pk}" in document


def _docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)


def test_the_protocol_downloads_as_docx(seed_chapter, congress_held) -> None:
    carried, rival, lost, before = congress_held
    response = client_for(None).get(reverse("amendments:protocol_docx", args=[seed_chapter.slug]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = _docx_text(response.content)
    assert f"Vote 1: #{carried.pk} Fewer <b>words</b>" in text
    assert f"Vote 2: #{lost.pk} Longer" in text
    assert "Result: Carried: 120 for, 30 against, 5 abstaining" in text
    assert f"Fell with it: #{rival.pk} A change" in text
    assert "Text before" in text and before in text


def test_manage_py_export_writes_the_protocol(seed_chapter, congress_held, tmp_path: Path) -> None:
    carried, *_ = congress_held
    for fmt, name in (("protocol-html", "p.html"), ("protocol-docx", "p.docx")):
        target = tmp_path / name
        call_command("export", seed_chapter.slug, "--format", fmt, "-o", str(target),
                     stderr=io.StringIO())  # fmt: skip
        content = target.read_bytes()
        text = content.decode() if fmt == "protocol-html" else _docx_text(content)
        assert f"Vote 1: #{carried.pk}" in text
    with pytest.raises(CommandError, match="no chapter “nowhere”"):
        call_command("export", "nowhere", "--format", "protocol-html", "-o", str(target))


def test_an_empty_protocol_says_so(seed_chapter) -> None:
    page = client_for(None).get(reverse("amendments:protocol", args=[seed_chapter.slug]))
    assert "No vote has been recorded." in page.content.decode()
    docx_file = client_for(None).get(reverse("amendments:protocol_docx", args=[seed_chapter.slug]))
    assert "No vote has been recorded." in _docx_text(docx_file.content)


def test_the_protocol_reads_a_fixed_number_of_queries(
    seed_chapter, member, other_member, editor, django_assert_num_queries
) -> None:
    amendments = [
        propose(other_member, paragraph, paragraph.text + " More.")
        for paragraph in (body_paragraph(seed_chapter, n) for n in range(5, 15))
    ]
    to_congress(seed_chapter, editor)
    anonymous = client_for(None)
    urls = [
        reverse(name, args=[seed_chapter.slug])
        for name in ("amendments:protocol", "amendments:protocol_html", "amendments:protocol_docx")
    ]
    vote_record(amendment=amendments[0], editor=editor, result="lost", show_of_hands=True)
    few = []
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            anonymous.get(url)
        few.append(len(captured))
    for amendment in amendments[1:]:
        vote_record(amendment=amendment, editor=editor, result="carried", show_of_hands=True)
    # The chapter, the votes with their amendments, paragraphs and recorders, the fallen,
    # and the ¶ labels.
    for url, count in zip(urls, few, strict=True):
        with django_assert_num_queries(count):
            anonymous.get(url)
    assert few == [4, 4, 4]


def test_the_protocol_downloads_as_a_pdf_with_its_votes_in_order(
    seed_chapter, congress_held
) -> None:
    carried, rival, lost, _ = congress_held
    response = client_for(None).get(reverse("amendments:protocol_pdf", args=[seed_chapter.slug]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="socialism-and-the-soviet-union-protocol.pdf"'
    )
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert text.index(f"Vote 1: #{carried.pk}") < text.index(f"Vote 2: #{lost.pk}")
    assert "Fewer <b>words</b>" in text  # the title as written, not as markup
    assert "120 for, 30 against, 5 abstaining" in text
    assert f"#{rival.pk}" in text
