"""The protocol of a chapter's congress as files: a standalone HTML document that prints well
(and is printed to PDF as it is, by WeasyPrint) and a DOCX; the page, the downloads and
``manage.py export`` share them."""

from __future__ import annotations

from functools import cache as once

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from amendments.congress import protocol
from manifesto.models import Chapter
from textcore.export.pdf import html_to_pdf
from textcore.export.protocol import render_protocol_docx

PROTOCOL_FORMATS = {
    "protocol-html": ("html", "text/html; charset=utf-8"),
    "protocol-docx": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "protocol-pdf": ("pdf", "application/pdf"),
}


def protocol_filename(chapter: Chapter, extension: str) -> str:
    return f"{chapter.slug}-protocol.{extension}"


@once
def _stylesheet() -> SafeString:
    """The download's own stylesheet (static/css/protocol-print.css), inlined: the file is
    opened on its own, away from the desk and its static files."""
    css = (settings.BASE_DIR / "static" / "css" / "protocol-print.css").read_text("utf-8")
    # Our own file, never user input: safe to inline as it is.
    return SafeString(f"<style>\n{css}</style>")  # nosec B703


def protocol_file(chapter: Chapter, fmt: str) -> tuple[bytes, str, str]:
    """The protocol of ``chapter`` in ``fmt`` (a key of PROTOCOL_FORMATS): its bytes, file
    name and content type."""
    extension, content_type = PROTOCOL_FORMATS[fmt]
    document = protocol(chapter)
    if extension == "docx":
        return render_protocol_docx(document), protocol_filename(chapter, extension), content_type
    html = render_to_string(
        "amendments/protocol_document.html", {"protocol": document, "stylesheet": _stylesheet()}
    )
    # The PDF is the same standalone document printed by WeasyPrint (its own @page CSS);
    # it names no resource, so it needs no base URL.
    content = html_to_pdf(html, base_url=None) if extension == "pdf" else html.encode("utf-8")
    return content, protocol_filename(chapter, extension), content_type
