"""Exports from the database: moments, round trip, every format read back, the command."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import html5lib
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from docx import Document
from lxml import etree

from amendments.services.deciding import amendment_accept, amendment_accept_with_changes
from manifesto.exports import NOW, PUBLISHED, export_document, parse_moment
from manifesto.services import chapter_import
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import SEED_TEXT, client_for
from textcore.chapter_text import parse_chapter
from textcore.export import render_text
from textcore.words import count_words

pytestmark = pytest.mark.django_db
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _body_texts(document) -> list[str]:
    return [b.text for c in document.chapters for b in c.blocks if b.kind == "body"]


def _accept_change(member, editor, paragraph, old: str, new: str):
    amendment = propose(member, paragraph, paragraph.text.replace(old, new), title=f"{old}→{new}")
    amendment_accept(amendment=amendment, editor=editor)
    return amendment


def test_round_trip_of_the_unamended_seed_through_plain_text(seed_chapter, db) -> None:
    document = export_document(seed_chapter.manifesto, [seed_chapter], NOW)
    again = parse_chapter(render_text(document))
    original = parse_chapter(SEED_TEXT.read_text(encoding="utf-8"))
    # The same blocks, each as every output shows it: without the spaces at its ends.
    assert [(b.kind, b.text, b.footnote_number) for b in again.blocks] == [
        (b.kind, b.text.strip(), b.footnote_number) for b in original.blocks
    ]
    assert sum(count_words(b.text) for b in again.blocks if b.kind != "footnote") == 5193
    reimported = chapter_import(data=render_text(document).encode(), slug="reimported")
    assert reimported.imported_words == 5193
    assert reimported.paragraphs.count() == 94


def test_as_published_as_of_and_now(seed_chapter, member, editor) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        _accept_change(member, editor, p5, "a myriad of", "many")
        middle = timezone.now() + timedelta(minutes=30)
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        p5.refresh_from_db()
        _accept_change(member, editor, p5, "weakest link", "weakest point")
    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        published = _body_texts(export_document(seed_chapter.manifesto, [seed_chapter], PUBLISHED))
        as_of = _body_texts(
            export_document(
                seed_chapter.manifesto, [seed_chapter], parse_moment(middle.isoformat())
            )
        )
        now = _body_texts(export_document(seed_chapter.manifesto, [seed_chapter], NOW))
    assert "a myriad of problems" in published[4]
    assert "many problems" in as_of[4] and "weakest link" in as_of[4]
    assert "many problems" in now[4] and "weakest point" in now[4]


def test_as_of_follows_deletions_and_insertions(seed_chapter, member, editor) -> None:
    p5, p6 = body_paragraph(seed_chapter, 5), body_paragraph(seed_chapter, 6)
    amendment_accept(amendment=propose(member, p5, "", kind="delete"), editor=editor)
    amendment_accept(
        amendment=propose(member, p6, "A brand new paragraph.", kind="insert"), editor=editor
    )
    now = _body_texts(export_document(seed_chapter.manifesto, [seed_chapter], NOW))
    published = _body_texts(export_document(seed_chapter.manifesto, [seed_chapter], PUBLISHED))
    assert len(now) == len(published) == 73
    assert now[4] == p6.text and now[5] == "A brand new paragraph."
    assert published[4] == p5.text


def test_docx_download_from_the_chapter_page(client, seed_chapter) -> None:
    response = client.get(
        reverse("manifesto:export"),
        {"chapter": seed_chapter.slug, "format": "docx", "at": "published"},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="socialism-and-the-soviet-union-as-published.docx"'
    )
    document = Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "War Communism" in headings
    with zipfile.ZipFile(io.BytesIO(response.content)) as package:
        notes = etree.fromstring(package.read("word/footnotes.xml"))
    texts = ["".join(n.itertext()) for n in notes.iter(f"{W}footnote")]
    assert sum(1 for t in texts if "Full quote" in t) == 4


def test_every_text_format_downloads_and_reads_back(client, seed_chapter) -> None:
    for fmt, check in {
        "md": lambda body: "## War Communism" in body or "War Communism" in body,
        "txt": lambda body: parse_chapter(body).title == "Socialism and the Soviet Union",
        "html": lambda body: html5lib.parse(body) is not None and "<h1" in body,
    }.items():
        response = client.get(
            reverse("manifesto:export"), {"chapter": seed_chapter.slug, "format": fmt}
        )
        assert response.status_code == 200, fmt
        assert check(response.content.decode()), fmt


def test_changes_report_lists_accepted_amendments_in_text_order(
    client, seed_chapter, member, editor
) -> None:
    p5, p2 = body_paragraph(seed_chapter, 5), body_paragraph(seed_chapter, 2)
    later = _accept_change(member, editor, p5, "a myriad of", "many")
    earlier_in_text = propose(
        member, p2, p2.text.replace("two-party", "two party"), title="No hyphen"
    )
    amendment_accept_with_changes(
        amendment=earlier_in_text,
        editor=editor,
        text=p2.text.replace("two-party", "twin-party"),
        reason="The editors prefer twin",
    )
    response = client.get(reverse("manifesto:export"), {"format": "changes-html"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("No hyphen") < page.index(later.title)
    assert "Alice Member" in page and "Erin Editor" in page
    assert "The editors prefer twin" in page
    assert "<td>5,193</td>" in page  # the ledger before


def test_tracked_changes_docx_carries_the_amendment_authors(
    client, seed_chapter, member, other_member, editor
) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    _accept_change(member, editor, p5, "a myriad of", "many")
    p5.refresh_from_db()
    _accept_change(other_member, editor, p5, "weakest link", "weakest point")
    response = client.get(reverse("manifesto:export"), {"format": "tracked-docx"})
    with zipfile.ZipFile(io.BytesIO(response.content)) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    insertions = {(e.get(f"{W}author"), "".join(e.itertext())) for e in body.iter(f"{W}ins")}
    deletions = {(e.get(f"{W}author"), "".join(e.itertext())) for e in body.iter(f"{W}del")}
    assert any(a == "Alice Member" and "many" in t for a, t in insertions)
    assert any(a == "Bob Member" and "point" in t for a, t in insertions)
    assert any(a == "Alice Member" and "myriad" in t for a, t in deletions)


def test_bad_export_requests_say_what_is_wrong(client, seed_chapter) -> None:
    response = client.get(reverse("manifesto:export"), {"format": "pdf"}, follow=True)
    assert "Unknown format" in response.content.decode()
    response = client.get(
        reverse("manifesto:export"), {"format": "md", "at": "date", "at_time": "soon"}, follow=True
    )
    assert "has no milestone called “soon”" in response.content.decode()
    assert client.get(reverse("manifesto:export"), {"chapter": "nope"}).status_code == 404


def test_export_command_writes_files_and_reports_errors(seed_chapter, tmp_path) -> None:
    target = tmp_path / "out.docx"
    call_command(
        "export", seed_chapter.slug, "--format", "docx", "-o", str(target), stderr=io.StringIO()
    )
    assert Document(str(target)).paragraphs
    tracked = tmp_path / "tracked.docx"
    call_command(
        "export",
        "manifesto",
        "--format",
        "docx",
        "--changes-since",
        "published",
        "-o",
        str(tracked),
        stderr=io.StringIO(),
    )
    assert zipfile.ZipFile(tracked).read("word/settings.xml").count(b"trackRevisions") == 1
    text = tmp_path / "from-file.txt"
    call_command("export", str(SEED_TEXT), "--format", "txt", "-o", str(text), stderr=io.StringIO())
    assert parse_chapter(text.read_text(encoding="utf-8")).title == seed_chapter.title
    with pytest.raises(CommandError, match="No chapter"):
        call_command("export", "nope", "-o", str(target))
    with pytest.raises(CommandError, match="no milestone called"):
        call_command("export", "manifesto", "--as-of", "soonish", "-o", str(target))


def test_editors_and_members_alike_can_export(member, seed_chapter) -> None:
    response = client_for(member).get(reverse("manifesto:export"), {"format": "md"})
    assert response.status_code == 200


def test_the_export_form_offers_every_format(client, seed_chapter) -> None:
    from amendments.export_service import FORMATS

    page = client.get(seed_chapter.get_absolute_url()).content.decode()
    for key, format_ in FORMATS.items():
        assert f'<option value="{key}"' in page and format_.label in page


def test_the_command_shows_progress_for_the_whole_manifesto(seed_chapter, tmp_path) -> None:
    chapter_import(data=SEED_TEXT.read_bytes(), slug="second-chapter")
    errors = io.StringIO()
    call_command(
        "export", "manifesto", "--format", "md", "-o", str(tmp_path / "all.md"), stderr=errors
    )
    assert "Reading 2 chapter(s)" in errors.getvalue()
    assert "Rendering Markdown" in errors.getvalue()
    assert (tmp_path / "all.md").read_text(encoding="utf-8").count("# Socialism") >= 2


def test_editors_mark_milestones_and_export_the_text_at_them(
    client, seed_chapter, member, editor
) -> None:
    from manifesto.services import milestone_create

    p5 = body_paragraph(seed_chapter, 5)
    _accept_change(member, editor, p5, "a myriad of", "many")
    editors = client_for(editor)
    response = editors.post(
        reverse("manifesto:milestone_add", args=[seed_chapter.slug]), {"name": "Congress draft"}
    )
    assert response.status_code == 302
    p5.refresh_from_db()
    _accept_change(member, editor, p5, "weakest link", "weakest point")
    page = client.get(seed_chapter.get_absolute_url()).content.decode()
    assert 'value="milestone:Congress draft"' in page
    text = client.get(
        reverse("manifesto:export"),
        {
            "chapter": seed_chapter.slug,
            "format": "txt",
            "at": "milestone:Congress draft",
        },
    )
    assert text["Content-Disposition"].endswith('-congress-draft.txt"')
    body = text.content.decode()
    assert "faced many problems" in body and "weakest link" in body
    with pytest.raises(ValidationError, match="already has a milestone"):
        milestone_create(chapter=seed_chapter, editor=editor, name="congress  DRAFT")
    with pytest.raises(ValidationError, match="Only editors"):
        milestone_create(chapter=seed_chapter, editor=member, name="Mine")
    assert (
        client_for(member)
        .post(reverse("manifesto:milestone_add", args=[seed_chapter.slug]), {"name": "x"})
        .status_code
        == 403
    )


def test_a_date_that_is_not_a_date_is_refused(seed_chapter) -> None:
    with pytest.raises(ValueError, match="is not a moment"):
        parse_moment("2026-13-45")


def test_the_tracked_docx_carried_no_footnotes_part_and_stray_digits(
    client, seed_chapter, member, editor
) -> None:
    note = seed_chapter.paragraphs.get(kind="footnote", footnote_number=3)
    _accept_change(member, editor, note, "p.157", "page 157")
    response = client.get(
        reverse("manifesto:export"), {"chapter": seed_chapter.slug, "format": "tracked-docx"}
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as package:
        body = etree.fromstring(package.read("word/document.xml"))
        notes = etree.fromstring(package.read("word/footnotes.xml"))
    real = [n for n in notes.iter(f"{W}footnote") if int(n.get(f"{W}id")) > 0]
    assert len(real) == 8
    references = [r.get(f"{W}id") for r in body.iter(f"{W}footnoteReference")]
    assert references == [str(n) for n in range(1, 9)]
    texts = ["".join(p.itertext()) for p in body.iter(f"{W}p")]
    assert any(t.endswith("communal life.") for t in texts)
    assert not any("life.2" in t or t.startswith("1. Full quote") for t in texts)
    # The change inside note 3 is tracked inside its footnote, by its author.
    inserted = {("".join(e.itertext()), e.get(f"{W}author")) for e in notes.iter(f"{W}ins")}
    deleted = {("".join(e.itertext()), e.get(f"{W}author")) for e in notes.iter(f"{W}del")}
    assert inserted == {("page ", "Alice Member")}
    assert deleted == {("p.", "Alice Member")}
