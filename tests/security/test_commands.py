"""Hostile and broken input through the management commands: chapter files that are not text,
markup and odd Unicode in what they import and export, and arguments that name nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from manifesto.models import Chapter
from tests.security.conftest import HOSTILE_CHAPTER_FILE, XSS
from tests.textcore.export_fixtures import parse_html

pytestmark = pytest.mark.django_db

WORD_PASTE_CHAPTER = (
    "\ufeffA chapter from Word\r\n\r\nPublished: 2026\r\nIts “subtitle”\r\n\r\n"
    "A heading\r\nA paragraph with smart quotes “like these”, a soft\u00adhyphen and\u00a0NBSP.\r"
    "Another paragraph, right to left: الاشتراكية, and emoji ✊🏽.\r\n"
)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"A title\n\nA body paragraph with a NUL\x00 in it.\n", "binary"),
        (b"A title\n\nA lone surrogate \xed\xa0\x80 as bytes.\n", "not UTF-8"),
        (b"A title\n\nLatin-1 caf\xe9.\n", "not UTF-8"),
        (b"A title\n\nA bell \x07 rings.\n", "control characters"),
        (b"\n \r\n\t\n", "empty"),
        # Too long for their columns: a server error on PostgreSQL.
        (b"T" * 201 + b"\n\nA body paragraph.\n", "The title line is 201 characters; the max"),
        (
            b"A title\n\nPublished: 2020\n" + b"S" * 301 + b"\n\nA body paragraph.\n",
            "The subtitle line is 301 characters; the maximum is 300.",
        ),
    ],
)
def test_import_refuses_files_that_are_not_chapters(tmp_path, data: bytes, message: str) -> None:
    path = tmp_path / "chapter.txt"
    path.write_bytes(data)
    with pytest.raises(CommandError, match=message):
        call_command("import_chapter", str(path), stdout=io.StringIO())
    assert not Chapter.objects.exists()


def test_import_keeps_markup_and_word_processor_text_verbatim(tmp_path) -> None:
    hostile, pasted = tmp_path / "hostile.txt", tmp_path / "pasted.txt"
    hostile.write_text(HOSTILE_CHAPTER_FILE, encoding="utf-8")
    pasted.write_bytes(WORD_PASTE_CHAPTER.encode("utf-8"))
    call_command("import_chapter", str(hostile), "--slug", "hostile", stdout=io.StringIO())
    call_command("import_chapter", str(pasted), stdout=io.StringIO())
    chapter = Chapter.objects.get(slug="hostile")
    assert chapter.title == f"The chapter {XSS}"
    assert chapter.paragraphs.filter(text__contains=XSS).count() == 3
    word = Chapter.objects.get(slug="a-chapter-from-word")
    assert word.title == "A chapter from Word"  # the byte-order mark is not part of it
    texts = list(word.paragraphs.order_by("position").values_list("text", flat=True))
    assert texts == [
        "A heading",
        "A paragraph with smart quotes “like these”, a soft\u00adhyphen and\u00a0NBSP.",
        "Another paragraph, right to left: الاشتراكية, and emoji ✊🏽.",
    ]


def test_export_command_writes_markup_as_text_and_refuses_unknown_names(tmp_path) -> None:
    source = tmp_path / "hostile.txt"
    source.write_text(HOSTILE_CHAPTER_FILE, encoding="utf-8")
    call_command("import_chapter", str(source), "--slug", "hostile", stdout=io.StringIO())
    out = tmp_path / "hostile.html"
    call_command("export", "hostile", "--format", "html", "-o", str(out), stdout=io.StringIO())
    root = parse_html(out.read_text(encoding="utf-8"))
    assert not {"script", "img"} & {el.tag for el in root.iter()}
    assert XSS in "".join(root.itertext())
    for arguments, message in [
        (["hostile", "--format", "html", "--as-of", f"milestone:{XSS}"], "no milestone called"),
        (["hostile", "--format", XSS], "invalid choice|Unknown format"),
        ([XSS, "--format", "md"], "No chapter"),
    ]:
        with pytest.raises(CommandError, match=message):
            call_command("export", *arguments, "-o", str(tmp_path / "x"), stdout=io.StringIO())


def test_create_user_keeps_a_hostile_display_name_as_text(monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password 1\n"))
    call_command(
        "create_user", "mallory", "--display-name", XSS, "--password-stdin", stdout=io.StringIO()
    )
    assert User.objects.get(username="mallory").display_name == XSS
