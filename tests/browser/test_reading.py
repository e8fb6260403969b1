"""Reading the seed chapter in Chromium: footnotes both ways, accessibility, phone width."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import assert_no_serious_axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_follow_a_footnote_reference_to_its_note_and_back(page, seed_chapter) -> None:
    page.goto(seed_chapter.get_absolute_url())
    assert page.locator("h1").inner_text() == "Socialism and the Soviet Union"
    reference = page.locator("#fnref-1-1")
    reference.click()
    assert page.url.endswith("#fn-1")
    note = page.locator("#fn-1")
    assert "Full quote" in note.inner_text()
    assert note.is_visible()
    note.get_by_role("link", name=re.compile("Back to reference")).click()
    assert page.url.endswith("#fnref-1-1")
    # The second reference to note 2 has its own way back.
    page.locator("#fn-2").get_by_role("link").nth(1).click()
    assert page.url.endswith("#fnref-2-2")


def test_chapter_and_index_have_no_serious_accessibility_violations(page, seed_chapter) -> None:
    page.goto("/")
    assert_no_serious_axe_violations(page)
    screenshot(page, "index")
    page.goto(seed_chapter.get_absolute_url())
    assert_no_serious_axe_violations(page)
    screenshot(page, "chapter-desktop")


def test_chapter_reads_on_a_phone_without_sideways_scrolling(phone_page, seed_chapter) -> None:
    phone_page.goto(seed_chapter.get_absolute_url())
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(phone_page, "chapter-phone")


def test_the_measure_is_comfortable_on_desktop(page, seed_chapter) -> None:
    page.goto(seed_chapter.get_absolute_url())
    # About 70 characters a line: the text column is between 55 and 80 average characters wide.
    chars_per_line = page.evaluate(
        """() => {
            const p = document.querySelector('.block__text');
            const style = getComputedStyle(p);
            const probe = document.createElement('span');
            probe.style.font = style.font;
            probe.textContent = 'abcdefghijklmnopqrstuvwxyz'.repeat(4);
            document.body.appendChild(probe);
            const perChar = probe.getBoundingClientRect().width / 104;
            probe.remove();
            return p.getBoundingClientRect().width / perChar;
        }"""
    )
    assert 55 <= chars_per_line <= 85, chars_per_line


def test_other_main_pages_have_no_serious_accessibility_violations(
    page, seed_chapter, member, editor
) -> None:
    from tests.amendments.conftest import body_paragraph, propose
    from tests.browser.conftest import log_in
    from tests.conftest import PASSWORD

    p5 = body_paragraph(seed_chapter, 5)
    amendment = propose(member, p5, p5.text.replace("myriad", "multitude"))
    for url in ("/accounts/login/", "/accounts/signup/", "/accounts/password-reset/"):
        page.goto(url)
        assert_no_serious_axe_violations(page)
    log_in(page, "erin", PASSWORD)
    for url in (
        p5.get_absolute_url(),
        amendment.get_absolute_url(),
        f"/chapters/{seed_chapter.slug}/log/",
        f"/chapters/{seed_chapter.slug}/limit/",
        f"/amendments/{amendment.pk}/accept-with-changes/",
        "/accounts/profile/",
    ):
        page.goto(url)
        assert_no_serious_axe_violations(page)
