"""The protocol of a chapter's congress as files: a standalone HTML document that prints well
(and turns into PDF as it is) and a DOCX; the page, the downloads and ``manage.py export``
share them."""

from __future__ import annotations

from django.template.loader import render_to_string

from amendments.congress import protocol
from manifesto.models import Chapter
from textcore.export.protocol import render_protocol_docx

PROTOCOL_FORMATS = {
    "protocol-html": ("html", "text/html; charset=utf-8"),
    "protocol-docx": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
}


def protocol_filename(chapter: Chapter, extension: str) -> str:
    return f"{chapter.slug}-protocol.{extension}"


def protocol_file(chapter: Chapter, fmt: str) -> tuple[bytes, str, str]:
    """The protocol of ``chapter`` in ``fmt`` (a key of PROTOCOL_FORMATS): its bytes, file
    name and content type."""
    extension, content_type = PROTOCOL_FORMATS[fmt]
    document = protocol(chapter)
    if extension == "docx":
        content = render_protocol_docx(document)
    else:
        html = render_to_string("amendments/protocol_document.html", {"protocol": document})
        content = html.encode("utf-8")
    return content, protocol_filename(chapter, extension), content_type
