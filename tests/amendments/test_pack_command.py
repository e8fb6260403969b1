"""``manage.py export … --format booklet-pdf|booklet-docx|list-xlsx [--milestone NAME]``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import User
from manifesto.models import Chapter
from tests.amendments.conftest import body_paragraph, propose


@pytest.mark.django_db
def test_the_command_writes_each_format_of_the_pack(
    seed_chapter: Chapter, member: User, tmp_path: Path
) -> None:
    amendment = propose(member, body_paragraph(seed_chapter, 4), title="Plainer words")
    for fmt, source in (
        ("booklet-pdf", seed_chapter.slug),
        ("booklet-docx", "manifesto"),
        ("list-xlsx", seed_chapter.slug),
    ):
        target = tmp_path / fmt
        call_command(
            "export", source, "--format", fmt, "--milestone", "As published", "-o", str(target)
        )
        content = target.read_bytes()
        if fmt == "booklet-pdf":
            pages = PdfReader(io.BytesIO(content)).pages
            assert f"#{amendment.pk} · ¶ 4" in "".join(page.extract_text() for page in pages)
        elif fmt == "booklet-docx":
            texts = [p.text for p in Document(io.BytesIO(content)).paragraphs]
            assert any(text.startswith(f"#{amendment.pk} · ¶ 4") for text in texts)
        else:
            sheet = load_workbook(io.BytesIO(content)).active
            assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
                amendment.pk
            ]


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_milestone(seed_chapter: Chapter, tmp_path: Path) -> None:
    target = tmp_path / "pack.pdf"
    with pytest.raises(CommandError, match="no milestone called “Congress draft”"):
        call_command(
            "export",
            "manifesto",
            "--format",
            "booklet-pdf",
            "--milestone",
            "Congress draft",
            "-o",
            str(target),
        )
    assert not target.exists()
    with pytest.raises(CommandError, match="--milestone is for the congress pack"):
        call_command("export", "manifesto", "--milestone", "As published", "-o", str(target))
