"""Downloading the chapter as a Word document from the chapter page."""

from __future__ import annotations

import zipfile

import pytest
from docx import Document

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_download_a_docx_from_the_chapter_page(page, seed_chapter, tmp_path) -> None:
    page.goto(seed_chapter.get_absolute_url())
    export = page.get_by_role("region", name="Export this chapter")
    export.scroll_into_view_if_needed()
    screenshot(page, "export-form")
    export.get_by_label("Format").select_option("docx")
    export.get_by_label("as published").check()
    with page.expect_download() as download_info:
        export.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == "socialism-and-the-soviet-union-as-published.docx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    document = Document(str(path))
    assert document.core_properties.title == "Socialism and the Soviet Union"
    assert any(p.text == "War Communism" for p in document.paragraphs)
    assert b"Full quote" in zipfile.ZipFile(path).read("word/footnotes.xml")
