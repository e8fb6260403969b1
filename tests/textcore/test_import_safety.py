"""Files refused before parsing: empty, binary, too large, zip bombs, XML entities. Each is
refused fast, with a message that names the problem."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.unzipping import MOST_EXPANDED, decompressed
from textcore.importing import ImportRefused, read_chapter
from textcore.importing.safety import MAX_UPLOAD_BYTES, sniff

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _docx(document_xml: bytes) -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": document_xml})


def _refused(data: bytes, message: str) -> None:
    """Refused with ``message``, having decompressed next to nothing of it (the work counted
    in bytes, not timed: a bomb must be refused before it is expanded)."""
    with decompressed() as expanded, pytest.raises(ImportRefused, match=message):
        read_chapter(data)
    assert expanded[0] <= MOST_EXPANDED


def test_an_empty_file_is_refused() -> None:
    _refused(b"", "empty")
    _refused(b"  \n\n", "empty")


def test_a_renamed_binary_is_refused_by_its_content() -> None:
    _refused(bytes(range(256)) * 4, "binary")
    _refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old Word")
    _refused(_zip({"hello.txt": b"hi"}), "neither a Word document")
    _refused(b"PK\x03\x04 not really a zip", "damaged zip")


def test_a_file_over_the_size_limit_is_refused_before_anything_reads_it() -> None:
    _refused(b"a" * (50 * 1024 * 1024), "limit is 2,097,152 bytes")
    assert sniff(b"# T\n\nText.", max_bytes=MAX_UPLOAD_BYTES) == "markdown"


def test_a_docx_whose_xml_expands_to_gigabytes_is_refused() -> None:
    # 30 MB of one character compresses to a few kilobytes; its directory says so.
    bomb = _docx(b"<w:document " + W.encode() + b">" + b" " * (30 * 1024 * 1024) + b"</w:document>")
    assert len(bomb) < 100_000
    _refused(bomb, "zip bomb")


def test_a_compression_ratio_no_document_has_is_refused() -> None:
    _refused(_docx(b"<x>" + b"a" * (3 * 1024 * 1024) + b"</x>"), r"compressed .* to 1")


def test_an_archive_with_thousands_of_parts_is_refused() -> None:
    members = {f"part{n}.xml": b"x" for n in range(1000)}
    members["[Content_Types].xml"] = b"<Types/>"
    _refused(_zip(members, zipfile.ZIP_STORED), "1001 parts")


def test_a_part_that_expands_past_its_declared_size_is_stopped() -> None:
    data = bytearray(_docx(b"<w:document " + W.encode() + b"><w:body/></w:document>"))
    # Forge the central directory's "uncompressed size" of word/document.xml down to 10 bytes.
    directory = data.rfind(b"PK\x01\x02")
    data[directory + 24 : directory + 28] = (10).to_bytes(4, "little")
    with pytest.raises(ImportRefused, match=r"past its declared size|damaged"):
        read_chapter(bytes(data))


@pytest.mark.parametrize(
    "declaration",
    [
        b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        b'<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
        b'<!DOCTYPE w:document SYSTEM "http://example.invalid/evil.dtd">',
    ],
)
def test_xml_with_entities_or_a_dtd_is_refused(declaration: bytes) -> None:
    xml = (
        b'<?xml version="1.0"?>' + declaration + b"<w:document " + W.encode() + b"><w:body><w:p>"
        b"<w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>"
    )
    _refused(_docx(xml), "DTD or entities")


def test_broken_xml_is_refused_with_a_message() -> None:
    _refused(_docx(b"<w:document " + W.encode() + b"><w:body>"), "not well-formed")


def test_non_utf8_markdown_is_refused() -> None:
    with pytest.raises(ValueError, match="not UTF-8"):
        read_chapter("# Título\n\nTexto ñ.".encode("latin-1"))
