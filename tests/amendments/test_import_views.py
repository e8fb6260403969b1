"""The desk's import pages: editors only, a preview that writes nothing, confirm, cancel, a
token bound to its editor, and a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from amendments.models import Decision
from amendments.services.paragraphs import paragraph_edit
from manifesto.models import Chapter, Paragraph
from tests.conftest import ROOT, client_for
from textcore.chapter_text import Block, ParsedChapter
from textcore.export import document_from_parsed, render_docx

pytestmark = pytest.mark.django_db
DOCX = ROOT / "fixtures" / "import" / "seed-export-libreoffice.docx"


@pytest.fixture(autouse=True)
def _staging(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.IMPORT_STAGING_DIR = tmp_path / "imports"
    return tmp_path / "imports"


def _upload(client, data: bytes, name: str = "chapter.docx", **fields: object):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("amendments:import"), {"file": SimpleUploadedFile(name, data), **fields}
    )


def _rows() -> tuple[int, int, int]:
    return Chapter.objects.count(), Paragraph.history.count(), Decision.objects.count()


def test_only_editors_reach_the_import_pages(member: User) -> None:
    assert client_for(None).get(reverse("amendments:import")).status_code == 302
    assert client_for(member).get(reverse("amendments:import")).status_code == 403
    response = _upload(client_for(member), DOCX.read_bytes())
    assert response.status_code == 403
    assert _rows() == (0, 0, 0)


def test_upload_preview_confirm_a_new_chapter(
    editor: User, _staging: Path, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(editor)
    response = _upload(client, DOCX.read_bytes(), word_limit="6000")
    assert response.status_code == 302
    preview_url = response["Location"]
    # session, user, unread notices, manifesto (none yet): the preview reads no chapter and
    # writes nothing
    with django_assert_num_queries(4):
        page = client.get(preview_url).content.decode()
    assert "New chapter: " in page and "Socialism and the Soviet Union" in page
    assert "5193 words counted against a limit of 6000" in page
    assert "¶ 73" in page and "provenance line was left out" in page
    assert _rows() == (0, 0, 0)
    response = client.post(preview_url, {"action": "confirm"})
    chapter = Chapter.objects.get()
    assert response["Location"] == chapter.get_absolute_url()
    assert chapter.word_limit == 6000
    assert chapter.paragraphs.filter(kind="footnote").count() == 8
    assert list(_staging.iterdir()) == []
    assert client.get(preview_url).status_code == 404


def test_a_revised_draft_preview_lists_each_paragraph(
    seed_chapter: Chapter, editor: User, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    live = list(seed_chapter.paragraphs.filter(is_deleted=False).order_by("position"))
    blocks = [Block(p.kind, p.text, p.footnote_number) for p in live]  # type: ignore[arg-type]
    blocks[5] = Block("body", blocks[5].text.replace(" the ", " THE ", 1))
    del blocks[30]
    draft = ParsedChapter(
        seed_chapter.title,
        seed_chapter.publication_line,
        seed_chapter.subtitle,
        seed_chapter.editorial_note,
        blocks,
    )
    data = render_docx(document_from_parsed(draft, generated_at=datetime(2026, 12, 3, tzinfo=UTC)))
    client = client_for(editor)
    response = _upload(client, data, revise=seed_chapter.slug)
    preview_url = response["Location"]
    # session, user, unread notices, chapter, its paragraphs (one query for all 94 rows), its
    # stamp
    with django_assert_num_queries(6):
        page = client.get(preview_url).content.decode()
    assert "1 changed, 0 inserted, 1 deleted, 92 unchanged" in page
    assert '<ins><span class="vh">[inserted: </span>THE' in page
    versions = Paragraph.history.count()
    client.post(preview_url, {"action": "confirm"})
    assert Paragraph.history.count() == versions + 2
    assert Decision.objects.filter(action=Decision.Action.REVISED_DRAFT).count() == 1


def test_cancel_discards_the_upload(editor: User, _staging: Path) -> None:
    client = client_for(editor)
    preview_url = _upload(client, DOCX.read_bytes())["Location"]
    response = client.post(preview_url, {"action": "cancel"})
    assert response["Location"] == reverse("amendments:import")
    assert list(_staging.iterdir()) == []
    assert _rows() == (0, 0, 0)


def test_the_token_is_bound_to_its_editor_and_expires(editor: User, other_editor: User) -> None:
    preview_url = _upload(client_for(editor), DOCX.read_bytes())["Location"]
    assert client_for(other_editor).get(preview_url).status_code == 404
    assert client_for(other_editor).post(preview_url, {"action": "confirm"}).status_code == 404
    later = datetime(2100, 1, 1, tzinfo=UTC)
    with time_machine.travel(later, tick=False):
        assert client_for(editor).get(preview_url).status_code == 404
    assert (
        client_for(editor).get(reverse("amendments:import_preview", args=["..etc"])).status_code
        == 404
    )
    assert _rows() == (0, 0, 0)


def test_a_refused_confirmation_comes_back_with_the_reason(editor: User) -> None:
    client = client_for(editor)
    preview_url = _upload(client, DOCX.read_bytes(), word_limit="100")["Location"]
    page = client.get(preview_url).content.decode()
    assert "over it" in page
    page = client.post(preview_url, {"action": "confirm"}).content.decode()
    assert "Refused by the word limit" in page
    assert _rows() == (0, 0, 0)


def test_the_index_and_the_queue_link_to_the_import(
    seed_chapter: Chapter, editor: User, member: User
) -> None:
    link = reverse("amendments:import")
    assert link in client_for(editor).get(reverse("manifesto:index")).content.decode()
    assert link in client_for(editor).get(reverse("amendments:queue")).content.decode()
    assert link not in client_for(member).get(reverse("manifesto:index")).content.decode()


def test_a_revised_draft_is_not_confirmed_over_a_change_made_since_its_preview(
    seed_chapter: Chapter, editor: User
) -> None:
    source = (ROOT / "fixtures" / "socialism-and-the-soviet-union.txt").read_text("utf-8")
    data = source.replace("genuinely popular revolution", "truly popular revolution").encode()
    client = client_for(editor)
    preview_url = _upload(client, data, "draft.txt", revise=seed_chapter.slug)["Location"]
    page = client.get(preview_url).content.decode()
    stamp = page.split('name="stamp" value="')[1].split('"')[0]
    paragraph = seed_chapter.paragraphs.filter(kind="body").order_by("position")[40]
    paragraph_edit(paragraph=paragraph, editor=editor, text=paragraph.text + " More.", reason="r")
    versions = Paragraph.history.count()
    page = client.post(preview_url, {"action": "confirm", "stamp": stamp}).content.decode()
    assert "The chapter changed since you read this preview" in page
    assert Paragraph.history.count() == versions
    fresh = page.split('name="stamp" value="')[1].split('"')[0]
    assert fresh != stamp
    response = client.post(preview_url, {"action": "confirm", "stamp": fresh})
    assert response.status_code == 302
    assert Paragraph.history.count() == versions + 2  # the changed one, and the one edited since
