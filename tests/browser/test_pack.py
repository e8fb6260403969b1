"""The congress pack from the chapter page: the page passes axe, and the PDF booklet downloads
and opens."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from tests.browser.conftest import assert_no_serious_axe_violations, log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_download_the_booklet_from_the_chapter_page(page, seed_chapter, member, tmp_path) -> None:
    log_in(page, "alice", PASSWORD)
    page.goto(seed_chapter.get_absolute_url())
    page.get_by_role("link", name="The congress pack of this chapter").click()
    page.get_by_role("heading", name="Congress pack: Socialism and the Soviet Union").wait_for()
    assert_no_serious_axe_violations(page)
    page.get_by_label("Booklet (PDF)").check()
    page.get_by_label("The text", exact=True).select_option(label="at the milestone “As published”")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == "socialism-and-the-soviet-union-as-published-pack.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    reader = PdfReader(str(path))
    assert "Congress pack".upper() in reader.pages[0].extract_text().upper()
    assert "1 The socialist insurrection" in reader.pages[2].extract_text()
