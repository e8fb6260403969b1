"""The congress pack's booklet (PDF, DOCX) and list (XLSX) of the seed chapter, with open
amendments made out of text order, a decided and a withdrawn one, one in conflict and one
whose title is HTML.

PDF renders are slow, so one module-scoped fixture builds the data in a transaction that it
rolls back, renders each file once, and reads the chapter page; the tests only read what it
kept."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from html import unescape
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from amendments.models import Amendment
from amendments.pack import booklet_of, pack_moment, pack_run
from amendments.services.deciding import amendment_accept, amendment_reject
from amendments.services.proposing import amendment_withdraw, support_add
from manifesto.exports import NOW
from manifesto.models import Chapter
from manifesto.selectors import manifesto_current
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import ROOT, SEED_SLUG, make_user
from textcore.export.booklet import (
    BookletRecommendation,
    VotingBlock,
    render_booklet_html,
)

MARK = "In each change, inserted words"
SCRIPT_TITLE = "<script>alert('x')</script> & <b>bold</b>"


@dataclass
class Rendered:
    pdf: bytes
    docx: bytes
    xlsx: bytes
    html: str
    seams_html: str
    open_numbers: list[int]  # in text order
    places: dict[int, str]  # "¶ 9, lines 123–125" by number
    closed_numbers: list[int]
    page_lines: list[tuple[str, str]]  # (label, text) of each numbered line of the chapter page
    supporter: str


def _build() -> dict[str, Any]:
    from django.core.management import call_command

    call_command("loaddata", str(ROOT / "fixtures" / "seed.json"), verbosity=0)
    chapter = Chapter.objects.get(slug=SEED_SLUG)
    alice = make_user("alice", display_name="Alice Member")
    bob = make_user("bob", display_name="Bob Supporter")
    erin = make_user("erin", role="editor", display_name="Erin Editor")
    p = {n: body_paragraph(chapter, n) for n in (2, 5, 9, 12)}
    # Made out of text order: the booklet must sort them.
    propose(alice, p[12], p[12].text + " A final word.", title="Close stronger")
    script = propose(alice, p[2], title=SCRIPT_TITLE, reason="Reason with <i>tags</i>.")
    propose(alice, p[5], "A new paragraph after five.", kind="insert", title="Add a paragraph")
    propose(alice, p[9], "", kind="delete", title="Cut the paragraph")
    rejected = propose(alice, p[5], title="Rejected one")
    amendment_reject(amendment=rejected, editor=erin, reason="No.")
    withdrawn = propose(alice, p[5], title="Withdrawn one")
    amendment_withdraw(amendment=withdrawn, user=alice)
    words = p[12].text.split()
    clash = propose(bob, p[12], p[12].text.replace(words[-1], "ending."), title="Clash")
    rival = propose(bob, p[12], p[12].text.replace(words[-1], "finale."), title="Rival")
    amendment_accept(amendment=rival, editor=erin)
    support_add(amendment=script, user=bob)
    return {"chapter": chapter, "closed": [rejected.pk, withdrawn.pk, rival.pk], "clash": clash}


_LINE = re.compile(
    r'<span class="line__no" aria-hidden="true">([^<]*)</span><span class="line__text">(.*?)'
    r"</span></span>",
    re.S,
)


def _page_lines(html: str) -> list[tuple[str, str]]:
    lines = []
    for label, inner in _LINE.findall(html):
        text = unescape(re.sub(r"<[^>]+>", "", inner)).strip()
        if label:
            lines.append((label, text))
    return lines


@pytest.fixture(scope="module")
def rendered(django_db_setup: Any, django_db_blocker: Any) -> Rendered:
    with django_db_blocker.unblock(), transaction.atomic():
        built = _build()
        chapter = built["chapter"]
        manifesto = manifesto_current()
        chapters = [chapter]
        files = {
            fmt: pack_run(manifesto=manifesto, chapters=chapters, fmt=fmt, moment=NOW).content
            for fmt in ("booklet-pdf", "booklet-docx", "list-xlsx")
        }
        assert manifesto is not None
        booklet = booklet_of(manifesto=manifesto, chapters=chapters, moment=NOW)
        page = Client().get(chapter.get_absolute_url()).content.decode()
        seams = booklet_of(
            manifesto=manifesto,
            chapters=chapters,
            moment=NOW,
            voting_list=(VotingBlock("Block 1: ¶ 12", ("#1 <i>Close</i>",), "If #1 falls…"),),
        )
        first = seams.amendments[0]
        with_recommendation = type(first)(
            **{
                **first.__dict__,
                "recommendation": BookletRecommendation("Reject", "<b>No</b>", "Disagrees."),
            }
        )
        seams = type(seams)(
            seams.document, (with_recommendation,), seams.selection, seams.voting_list
        )
        result = Rendered(
            pdf=files["booklet-pdf"],
            docx=files["booklet-docx"],
            xlsx=files["list-xlsx"],
            html=render_booklet_html(booklet),
            seams_html=render_booklet_html(seams),
            open_numbers=[a.number for a in booklet.amendments],
            places={a.number: a.place for a in booklet.amendments},
            closed_numbers=built["closed"],
            page_lines=_page_lines(page),
            supporter="Bob Supporter",
        )
        assert Amendment.objects.get(pk=built["clash"].pk).status == "conflict"
        transaction.set_rollback(True)
    with django_db_blocker.unblock():
        # Leave no connection open outside a test: a live server's teardown wants the test
        # database to itself.
        connection.close()
    return result


def _pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_booklet_lists_the_open_amendments_in_text_order_with_their_places(
    rendered: Rendered,
) -> None:
    assert len(rendered.open_numbers) == 5
    assert rendered.open_numbers != sorted(rendered.open_numbers)  # made out of text order
    text = _flat(" ".join(_pdf_text(rendered.pdf)))
    amendments_part = text[text.index(MARK) :]
    cursor = 0
    for number in rendered.open_numbers:
        heading = _flat(f"#{number} · {rendered.places[number]}")
        assert re.search(r"lines? \d+", rendered.places[number]), rendered.places[number]
        found = amendments_part.find(heading, cursor)
        assert found >= 0, f"#{number} ({heading}) is missing or out of order"
        cursor = found
    for number in rendered.closed_numbers:
        assert f"#{number} ·" not in amendments_part
    assert "Supporters: 1: Bob Supporter" in amendments_part
    assert "Proposed by: Alice Member" in amendments_part
    assert "In conflict" in amendments_part


def test_the_text_has_the_chapter_pages_line_numbers(rendered: Rendered) -> None:
    pages = _pdf_text(rendered.pdf)
    text = _flat(" ".join(pages))
    text_part = text[: text.index(MARK)]
    assert len(rendered.page_lines) > 300
    cursor = 0
    for label, line in rendered.page_lines:
        words = " ".join(_flat(line).split()[:3])
        found = text_part.find(f"{label} {words}", cursor)
        assert found >= 0, f"line {label} ({words!r}) is not numbered as on the chapter page"
        cursor = found


def test_every_font_is_embedded(rendered: Rendered) -> None:
    fonts = 0
    for page in PdfReader(io.BytesIO(rendered.pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described["/FontDescriptor"].get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts += 1
    assert fonts


def test_the_contents_give_page_numbers(rendered: Rendered) -> None:
    pages = _pdf_text(rendered.pdf)
    contents = next(page for page in pages if page.lstrip().startswith("Contents"))
    entries = dict(re.findall(r"^(.+?)[ .]*\.\s*(\d+)\s*$", contents, re.M))
    chapter = "Socialism and the Soviet Union"
    expected = {
        "The text": chapter,
        chapter: chapter,
        "The amendments": MARK,
        f"Amendments to {chapter}": f"Amendments to {chapter}",
    }
    assert set(expected) <= set(entries), entries
    for entry, shown in expected.items():
        page = int(entries[entry])
        assert 2 < page <= len(pages), (entry, page)
        assert shown in _flat(pages[page - 1]), (entry, page)
    assert int(entries["The amendments"]) > int(entries["The text"])
    assert f"Page 3 of {len(pages)}" in pages[2]


def test_user_text_is_escaped(rendered: Rendered) -> None:
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in (
        rendered.html
    )
    assert "<i>tags</i>" not in rendered.html
    assert SCRIPT_TITLE in _flat(" ".join(_pdf_text(rendered.pdf)))


def test_the_seams_print_a_recommendation_and_a_voting_list_only_when_given(
    rendered: Rendered,
) -> None:
    assert "The committee recommends" not in rendered.html
    assert 'id="pack-voting-list"' not in rendered.html
    assert "The committee recommends" in rendered.seams_html
    assert "&lt;b&gt;No&lt;/b&gt;" in rendered.seams_html
    assert 'id="pack-voting-list"' in rendered.seams_html
    assert "&lt;i&gt;Close&lt;/i&gt;" in rendered.seams_html
    assert "The voting list" in rendered.seams_html


def test_the_docx_holds_the_same_amendments(rendered: Rendered) -> None:
    document = Document(io.BytesIO(rendered.docx))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 3"]
    numbers = [int(h[1:].split(" ")[0]) for h in headings if h.startswith("#")]
    assert numbers == rendered.open_numbers
    assert SCRIPT_TITLE in "\n".join(headings)
    assert any("Word reflows lines" in p.text for p in document.paragraphs)
    struck = [r for p in document.paragraphs for r in p.runs if r.font.strike]
    assert struck  # the deletion of ¶ 9


def test_the_xlsx_lists_the_same_amendments(rendered: Rendered) -> None:
    sheet = load_workbook(io.BytesIO(rendered.xlsx), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Number"
    assert [row[0] for row in rows[1:]] == rendered.open_numbers
    assert [row[2] for row in rows[1:]] == [rendered.places[n] for n in rendered.open_numbers]


@pytest.mark.django_db
def test_an_unknown_milestone_is_refused_with_the_known_ones(seed_chapter: Chapter) -> None:
    with pytest.raises(ValueError, match=r"no milestone called “Congress draft”.*As published"):
        pack_moment("Congress draft", [seed_chapter])
    assert pack_moment("as published", [seed_chapter]).name == "As published"
    assert pack_moment("", [seed_chapter]) == NOW
