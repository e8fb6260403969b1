"""Hostile files sent to the desk's import page: each refused fast, with a message that names
the problem, the form back, and nothing written (no database row, nothing staged)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from amendments.models import Decision
from manifesto.models import Chapter, Paragraph
from tests.conftest import client_for
from tests.unzipping import MOST_EXPANDED, decompressed

pytestmark = pytest.mark.django_db
W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@pytest.fixture(autouse=True)
def _staging(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.IMPORT_STAGING_DIR = tmp_path / "imports"
    return tmp_path / "imports"


def _docx(document_xml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", document_xml)
    return buffer.getvalue()


def _gigabyte_bomb() -> bytes:
    # A document.xml whose directory entry says it expands to 2 GB, in a few kilobytes: zero
    # bytes deflate about 1000:1, so 30 MB are written and the header claims the rest.
    return _docx(b"<w:document " + W + b">" + b" " * (30 * 1024 * 1024) + b"</w:document>")


XXE = _docx(
    b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<w:document " + W + b"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
)

CASES = [
    pytest.param(b"", "chapter.docx", "The submitted file is empty", id="empty"),
    pytest.param(bytes(range(256)) * 8, "chapter.docx", "binary", id="renamed-binary"),
    pytest.param(
        b"\x89PNG\r\n\x1a\n" + bytes(2000), "chapter.md", "binary", id="picture-named-markdown"
    ),
    pytest.param(_gigabyte_bomb(), "chapter.docx", "zip bomb", id="docx-bomb"),
    pytest.param(XXE, "chapter.docx", "DTD or entities", id="xml-external-entity"),
    pytest.param(
        b"x" * (50 * 1024 * 1024), "chapter.txt", "the limit is 2,097,152 bytes", id="50-MB"
    ),
]


@pytest.mark.parametrize(("data", "name", "message"), CASES)
def test_a_hostile_upload_is_refused_fast_and_nothing_is_written(
    editor: User, _staging: Path, data: bytes, name: str, message: str
) -> None:
    client = client_for(editor)
    # "Fast" as the bytes decompressed before the refusal (a bomb is refused unexpanded),
    # counted rather than timed.
    with decompressed() as expanded:
        response = client.post(
            reverse("amendments:import"),
            {"file": SimpleUploadedFile(name, data), "slug": "kept-slug", "word_limit": "4000"},
        )
    assert expanded[0] <= MOST_EXPANDED
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'value="kept-slug"' in page and 'value="4000"' in page  # the form comes back filled
    assert (Chapter.objects.count(), Paragraph.objects.count(), Decision.objects.count()) == (
        0,
        0,
        0,
    )
    assert not _staging.exists() or list(_staging.iterdir()) == []
