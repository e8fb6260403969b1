"""Checks on an uploaded chapter file before anything parses it: its size, its real type (by
content, never by name), zip bombs in DOCX and ODT, and XML that declares entities or a DTD.

Every refusal is an ``ImportRefused`` whose message names the problem, raised before any
expensive work: a zip's members are judged from its directory first, then read with a cap on
what they may expand to, so a "bomb" stops at the cap and never at the gigabytes it claims.
"""

from __future__ import annotations

import io
import zipfile
from typing import Literal

from lxml import etree

from textcore.chapter_text import ChapterFormatError

FileKind = Literal["docx", "odt", "markdown", "text"]

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# A chapter's document expands to a few hundred kilobytes; these leave room for large drafts
# and refuse what can only be an attack or something that is not a chapter.
MAX_MEMBERS = 400
MAX_MEMBER_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 60 * 1024 * 1024
MAX_RATIO = 200
_RATIO_FROM_BYTES = 1024 * 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


class ImportRefused(ChapterFormatError):
    """The file is refused before parsing; the message names the problem."""


def sniff(data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES) -> FileKind:
    """The file's real type from its content: DOCX, ODT (zips that say so inside), or UTF-8
    text, which is Markdown when it has Markdown's headings. Refuses everything else."""
    if not data.strip():
        raise ImportRefused("The file is empty.")
    if len(data) > max_bytes:
        raise ImportRefused(
            f"The file has {len(data):,} bytes; the limit is {max_bytes:,} bytes "
            f"({max_bytes // (1024 * 1024)} MB)."
        )
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused(
            "The file is an old Word (.doc) or other binary Office file; save it as .docx or "
            ".odt and try again."
        )
    if b"\x00" in data[:8192]:
        raise ImportRefused("The file is binary, not a DOCX, ODT, Markdown or text chapter.")
    return "markdown" if looks_like_markdown(data) else "text"


def looks_like_markdown(data: bytes) -> bool:
    """Markdown has ATX headings ("# Title"); the plain-text chapter format never starts a
    line with "#"."""
    return any(line.lstrip().startswith(b"# ") for line in data.splitlines()[:50])


def _zip_kind(data: bytes) -> FileKind:
    archive = open_zip(data)
    names = set(archive.namelist())
    if "mimetype" in names and read_member(archive, "mimetype").strip() == ODT_MIMETYPE:
        return "odt"
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return "docx"
    raise ImportRefused(
        "The file is a zip archive but neither a Word document (.docx) nor an OpenDocument "
        "text (.odt)."
    )


def open_zip(data: bytes) -> zipfile.ZipFile:
    """The zip archive in ``data``, refused if its directory promises a zip bomb: too many
    members, a member or a total too large once expanded, or an extreme compression ratio."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ImportRefused(f"The file is a damaged zip archive ({error}).") from error
    if len(members) > MAX_MEMBERS:
        raise ImportRefused(
            f"The archive has {len(members)} parts; a document has at most {MAX_MEMBERS}."
        )
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > MAX_MEMBER_BYTES:
            raise ImportRefused(
                f"The archive's part {member.filename!r} would expand to {member.file_size:,} "
                f"bytes (a zip bomb?); the limit is {MAX_MEMBER_BYTES:,}."
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FROM_BYTES and ratio > MAX_RATIO:
            raise ImportRefused(
                f"The archive's part {member.filename!r} is compressed {ratio:,.0f} to 1 "
                "(a zip bomb?); refused."
            )
    if total > MAX_TOTAL_BYTES:
        raise ImportRefused(
            f"The archive would expand to {total:,} bytes (a zip bomb?); the limit is "
            f"{MAX_TOTAL_BYTES:,}."
        )
    return archive


def read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    """One member's bytes, read in chunks and stopped as soon as it grows past what its
    directory entry declared or the per-part limit (a forged directory cannot fool this)."""
    info = archive.getinfo(name)
    cap = min(info.file_size, MAX_MEMBER_BYTES)
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(64 * 1024):
                size += len(chunk)
                if size > cap:
                    raise ImportRefused(
                        f"The archive's part {name!r} expands past its declared size (a zip "
                        "bomb?); refused."
                    )
                chunks.append(chunk)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise ImportRefused(f"The archive's part {name!r} is damaged ({error}).") from error
    return b"".join(chunks)


def parse_xml(data: bytes, what: str) -> etree._Element:
    """Parse one XML part without a DTD, entities or network access. A part that declares a
    DOCTYPE (how external entities and "billion laughs" are smuggled in) is refused."""
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise ImportRefused(
            f"The document's {what} declares a DTD or entities (XML external entities are "
            "never resolved); refused."
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise ImportRefused(f"The document's {what} is not well-formed XML ({error}).") from error
