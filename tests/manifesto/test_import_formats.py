"""The seed chapter exported by the desk as DOCX and as Markdown, and written by LibreOffice,
imported as a new chapter: the same headings, paragraphs and notes. And the command's options."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from amendments.export_service import export_run
from amendments.models import Decision
from amendments.services.revising import chapter_import_logged
from manifesto.exports import NOW
from manifesto.models import Chapter, Paragraph
from tests.conftest import ROOT
from textcore.align import comparable_text

pytestmark = pytest.mark.django_db
IMPORT_FIXTURES = ROOT / "fixtures" / "import"


def _shape(chapter: Chapter) -> list[tuple[str, str, int | None]]:
    paragraphs = list(chapter.paragraphs.filter(is_deleted=False).order_by("position"))
    notes = {p.footnote_number for p in paragraphs if p.footnote_number is not None}
    return [(p.kind, comparable_text(p.text, notes), p.footnote_number) for p in paragraphs]


def _header(chapter: Chapter) -> tuple[str, str, str, str]:
    return chapter.title, chapter.subtitle, chapter.publication_line, chapter.editorial_note


@pytest.mark.parametrize("fmt", ["docx", "md"])
def test_the_seed_exported_by_the_desk_imports_as_the_same_chapter(
    seed_chapter: Chapter, editor: User, fmt: str
) -> None:
    exported = export_run(
        manifesto=seed_chapter.manifesto, chapters=[seed_chapter], fmt=fmt, at=NOW, since=NOW
    )
    chapter = chapter_import_logged(editor=editor, data=exported.content, slug=f"again-{fmt}")
    assert _shape(chapter) == _shape(seed_chapter)
    assert _header(chapter) == _header(seed_chapter)
    assert chapter.imported_words == seed_chapter.imported_words
    decision = Decision.objects.get(chapter=chapter, action=Decision.Action.CHAPTER_IMPORTED)
    assert decision.actor == editor


@pytest.mark.parametrize(
    "name",
    [
        "seed-libreoffice-from-text.docx",
        "seed-export-libreoffice.docx",
        "seed-export-libreoffice.odt",
    ],
)
def test_files_written_by_libreoffice_import_the_same_way(
    seed_chapter: Chapter, editor: User, name: str
) -> None:
    data = (IMPORT_FIXTURES / name).read_bytes()
    chapter = chapter_import_logged(editor=editor, data=data, slug="from-libreoffice")
    assert _shape(chapter) == _shape(seed_chapter)
    assert _header(chapter) == _header(seed_chapter)


def test_a_limit_below_the_chapters_words_is_refused_and_nothing_written(editor: User) -> None:
    data = (IMPORT_FIXTURES / "seed-export-libreoffice.docx").read_bytes()
    with pytest.raises(Exception, match="Refused by the word limit"):
        chapter_import_logged(editor=editor, data=data, word_limit=100)
    assert (Chapter.objects.count(), Paragraph.objects.count(), Decision.objects.count()) == (
        0,
        0,
        0,
    )


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_chapter", *args, stdout=out)
    return out.getvalue()


def test_the_command_reads_every_format_by_content(tmp_path: Path) -> None:
    renamed = tmp_path / "chapter.txt"  # a DOCX, whatever its name says
    renamed.write_bytes((IMPORT_FIXTURES / "seed-export-libreoffice.docx").read_bytes())
    assert "Imported “Socialism and the Soviet Union”" in _run(str(renamed))
    assert Chapter.objects.get().paragraphs.filter(kind="footnote").count() == 8


def test_the_commands_dry_run_prints_the_preview_and_writes_nothing() -> None:
    out = _run(str(IMPORT_FIXTURES / "seed-export-libreoffice.odt"), "--dry-run")
    assert "Dry run: nothing was written. OpenDocument text (ODT)." in out
    assert "Title: Socialism and the Soviet Union" in out
    assert "¶ 1      lines 1–3" in out
    assert "note 8:" in out
    assert "Words: 5193" in out
    assert Chapter.objects.count() == 0


def test_the_command_revises_a_chapter(seed_chapter: Chapter, tmp_path: Path) -> None:
    source = (ROOT / "fixtures" / "socialism-and-the-soviet-union.txt").read_text("utf-8")
    revised = tmp_path / "revised.txt"
    revised.write_text(
        source.replace("genuinely popular revolution", "truly popular revolution").replace(
            "Draft Topic", "Final Topic"
        )
    )
    versions = Paragraph.history.count()
    out = _run(str(revised), "--revise", seed_chapter.slug, "--dry-run")
    assert "1 changed, 0 inserted, 0 deleted" in out
    assert "The draft's subtitle (“Final Topic" in out
    assert Paragraph.history.count() == versions
    out = _run(str(revised), "--revise", seed_chapter.slug)
    assert "1 changed, 0 inserted, 0 deleted" in out
    assert Paragraph.history.count() == versions + 1
    with pytest.raises(CommandError, match="no chapter with the slug"):
        _run(str(revised), "--revise", "nope")
