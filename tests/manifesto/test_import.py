"""The importer on the real chapter, its failure cases, and the seed fixture."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from manifesto.models import Chapter, Milestone, Paragraph
from manifesto.services import chapter_import
from tests.conftest import ROOT, SEED_SLUG, SEED_TEXT
from textcore.chapter_text import parse_chapter

pytestmark = pytest.mark.django_db


def _import_seed(slug: str | None = None) -> Chapter:
    return chapter_import(data=SEED_TEXT.read_bytes(), slug=slug)


def _database_rows() -> tuple[int, ...]:
    return (
        Chapter.objects.count(),
        Paragraph.objects.count(),
        Paragraph.history.count(),
        Chapter.history.count(),
        Milestone.objects.count(),
    )


def test_import_creates_headings_paragraphs_and_footnotes_in_order() -> None:
    chapter = _import_seed()
    paragraphs = list(chapter.paragraphs.order_by("position"))
    assert chapter.title == "Socialism and the Soviet Union"
    assert chapter.slug == SEED_SLUG
    assert chapter.publication_line == "Published: September 2020"
    assert chapter.subtitle.startswith("Draft Topic for our ‘Transformation")
    assert [p.kind for p in paragraphs].count("heading") == 13
    assert [p.kind for p in paragraphs].count("body") == 73
    assert [p.footnote_number for p in paragraphs if p.kind == "footnote"] == list(range(1, 9))
    assert [p.key for p in paragraphs] == list(range(1, 95))
    assert chapter.editorial_note.startswith("Facebook discussion page:")


def test_every_paragraph_text_equals_the_source() -> None:
    chapter = _import_seed()
    parsed = parse_chapter(SEED_TEXT.read_text(encoding="utf-8"))
    stored = [(p.kind, p.text, p.footnote_number) for p in chapter.paragraphs.order_by("position")]
    assert stored == [(b.kind, b.text, b.footnote_number) for b in parsed.blocks]


def test_word_counts_are_stored_per_paragraph_and_for_the_chapter() -> None:
    chapter = _import_seed()
    assert chapter.imported_words == 5193
    counted = chapter.paragraphs.exclude(kind="footnote")
    assert sum(p.word_count for p in counted) == 5193


def test_import_records_history_and_the_as_published_milestone() -> None:
    chapter = _import_seed()
    assert Paragraph.history.filter(chapter_id=chapter.id).count() == 94
    assert set(Paragraph.history.values_list("history_change_reason", flat=True)) == {"imported"}
    assert chapter.milestones.get().name == "As published"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary\xff", "binary"),
        ("Título\n\nTexto.".encode("latin-1"), "not UTF-8"),
    ],
)
def test_unreadable_files_leave_the_database_unchanged(data: bytes, message: str) -> None:
    before = _database_rows()
    with pytest.raises(ValidationError, match=message):
        chapter_import(data=data)
    assert _database_rows() == before


def test_an_existing_slug_is_refused_and_nothing_is_written() -> None:
    _import_seed()
    before = _database_rows()
    with pytest.raises(ValidationError, match="already exists") as raised:
        _import_seed()
    assert raised.value.code == "slug_exists"
    assert _database_rows() == before


def test_a_failure_halfway_rolls_back_everything(monkeypatch) -> None:
    import manifesto.services as services

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "bulk_create_with_history", explode)
    before = _database_rows()
    with pytest.raises(RuntimeError):
        _import_seed()
    assert _database_rows() == before


def test_the_command_reports_what_it_imported(capsys) -> None:
    call_command("import_chapter", str(SEED_TEXT))
    out = capsys.readouterr().out
    assert "13 headings, 73 paragraphs, 8 footnotes, 5193 words" in out


def test_the_command_turns_refusals_into_clear_errors(tmp_path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="empty"):
        call_command("import_chapter", str(empty))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_chapter", str(tmp_path / "missing.txt"))


def test_the_seed_fixture_agrees_with_a_fresh_import(seed_chapter) -> None:
    fresh = _import_seed(slug="fresh-import")

    def shape(chapter: Chapter) -> list[tuple]:
        return [
            (p.key, p.kind, p.text, p.footnote_number, p.word_count, p.position)
            for p in chapter.paragraphs.order_by("position")
        ]

    assert shape(seed_chapter) == shape(fresh)
    for field in ("title", "subtitle", "publication_line", "editorial_note", "imported_words"):
        assert getattr(seed_chapter, field) == getattr(fresh, field)
    assert Paragraph.history.filter(chapter_id=seed_chapter.id).count() == 94


def test_the_seed_fixture_file_holds_history_rows() -> None:
    rows = json.loads((ROOT / "fixtures" / "seed.json").read_text(encoding="utf-8"))
    models = {row["model"] for row in rows}
    assert {"manifesto.paragraph", "manifesto.historicalparagraph", "manifesto.milestone"} <= models
