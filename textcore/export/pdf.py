"""HTML to PDF with WeasyPrint: the congress exports' printed pages. (The congress pack's
booklet is drawn with ReportLab instead: ``textcore.export.booklet_pdf`` says why.)

WeasyPrint lays the page out with Pango and HarfBuzz (Debian: libpango-1.0-0,
libpangoft2-1.0-0, libharfbuzz0b) and embeds the glyphs of the fonts it used, so the PDF reads
the same on every machine. It fetches nothing from the network: only ``data:`` URLs and files
under ``base_url`` are read, so a page with user text cannot make the server fetch a URL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import weasyprint


class ResourceRefused(ValueError):
    """The page named a resource outside ``base_url`` (or on the network)."""


class _LocalFetcher(weasyprint.URLFetcher):
    """Reads ``data:`` URLs and local files under ``root`` only; refuses everything else."""

    def __init__(self, root: Path | None) -> None:
        super().__init__(allowed_protocols=("data", "file"))
        self._root = root

    def fetch(self, url: str, headers: Any = None) -> Any:
        parts = urlsplit(url)
        local = (
            parts.scheme == "file"
            and self._root is not None
            and Path(unquote(parts.path)).resolve().is_relative_to(self._root)
        )
        if parts.scheme != "data" and not local:
            raise ResourceRefused(f"The page may not load {url[:80]!r}.")
        return super().fetch(url, headers)


def html_to_pdf(html: str, *, base_url: str | None) -> bytes:
    """``html`` printed to PDF bytes (its own print CSS decides the pages); relative URLs are
    resolved against ``base_url`` (a ``file://`` folder, or None for a page without any)."""
    root = Path(unquote(urlsplit(base_url).path)).resolve() if base_url else None
    document = weasyprint.HTML(
        string=html, base_url=base_url, url_fetcher=_LocalFetcher(root)
    ).render()
    # Tagged: the headings, paragraphs and lists are marked up for screen readers.
    pdf = document.write_pdf(pdf_tags=True)
    assert pdf is not None  # without a target WeasyPrint returns the bytes
    return bytes(pdf)
