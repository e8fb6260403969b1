"""An editor uploads a DOCX, reads the preview, confirms, and the chapter is on the index with
its line numbers."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_serious_axe_violations, log_in, screenshot
from tests.conftest import PASSWORD, ROOT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DOCX = ROOT / "fixtures" / "import" / "seed-export-libreoffice.docx"


@pytest.fixture(autouse=True)
def _staging(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.IMPORT_STAGING_DIR = tmp_path / "imports"


def test_an_editor_imports_a_docx_chapter(page, editor) -> None:  # type: ignore[no-untyped-def]
    log_in(page, "erin", PASSWORD)
    page.goto("/")
    page.get_by_role("link", name="Import the first chapter").click()
    assert_no_serious_axe_violations(page)
    page.get_by_label("The chapter's file").set_input_files(str(DOCX))
    page.get_by_label("Word limit (optional)").fill("5600")
    page.get_by_role("button", name="Preview the import").click()

    page.get_by_role("heading", name="New chapter: Socialism and the Soviet Union").wait_for()
    preview = page.get_by_role("article", name="The chapter as it will read")
    assert preview.get_by_text("¶ 73", exact=True).is_visible()
    assert preview.locator(".line__no", has_text="1").first.is_visible()
    assert page.get_by_text("5193 words counted against a limit of 5600").is_visible()
    assert page.get_by_role("heading", name="1 warning").is_visible()
    screenshot(page, "import-preview")
    assert_no_serious_axe_violations(page)

    page.get_by_role("button", name="Import the chapter").click()
    page.get_by_text("The chapter was imported.").wait_for()
    assert page.locator("#L1").count() == 1  # the chapter page numbers its lines
    page.goto("/")
    card = page.locator(".chapter-card", has_text="Socialism and the Soviet Union")
    assert card.get_by_text("5193 of 5600 words").is_visible()


def test_the_preview_of_a_revised_draft_reads_at_phone_width(  # type: ignore[no-untyped-def]
    phone_page, seed_chapter, editor
) -> None:
    source = (ROOT / "fixtures" / "socialism-and-the-soviet-union.txt").read_text("utf-8")
    draft = source.replace("genuinely popular revolution", "truly popular revolution")
    log_in(phone_page, "erin", PASSWORD)
    phone_page.goto("/review/import/")
    phone_page.get_by_label("Import as").select_option(seed_chapter.slug)
    phone_page.get_by_label("The chapter's file").set_input_files(
        files=[{"name": "draft.txt", "mimeType": "text/plain", "buffer": draft.encode()}]
    )
    phone_page.get_by_role("button", name="Preview the import").click()
    phone_page.get_by_role("heading", name="Paragraph by paragraph").wait_for()
    assert phone_page.get_by_text("1 changed, 0 inserted, 0 deleted, 93 unchanged").is_visible()
    assert phone_page.locator(".import-row--changed ins").first.is_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_serious_axe_violations(phone_page)
