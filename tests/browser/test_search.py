"""Searching in Chromium: from the header's box to a result, and on to its line."""

from __future__ import annotations

import pytest

from amendments.services.discussion import comment_post
from tests.amendments.conftest import body_paragraph
from tests.browser.conftest import assert_no_serious_axe_violations, screenshot
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_from_the_header_and_follow_a_result_to_its_line(page, seed_chapter) -> None:
    member = make_user("reader")
    comment_post(
        author=member,
        body="<b>Myriad</b> problems, as the text says.",
        paragraph=body_paragraph(seed_chapter, 5),
    )
    page.goto("/")
    page.get_by_role("search", name="Search the desk").get_by_role("searchbox").fill(
        '"myriad of problems"'
    )
    page.get_by_role("search", name="Search the desk").get_by_role("button").click()
    assert page.locator("h1").inner_text() == "Search"
    text_results = page.get_by_test_id("results-text")
    assert text_results.locator("mark").first.inner_text().lower().startswith("myriad")
    assert_no_serious_axe_violations(page)
    screenshot(page, "search")
    text_results.get_by_role("link", name="¶ 5, lines 22–26").click()
    assert page.url.endswith("/chapters/socialism-and-the-soviet-union/#L22")
    assert "myriad of problems" in page.locator("#L22").inner_text()


def test_search_works_on_a_phone(phone_page, seed_chapter) -> None:
    phone_page.goto(seed_chapter.get_absolute_url())
    box = phone_page.get_by_role("search", name="Search the desk").get_by_role("searchbox")
    assert box.is_visible()
    box.fill("cooperatives")
    box.press("Enter")
    assert phone_page.get_by_test_id("results-text").locator("mark").count() > 0
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_serious_axe_violations(phone_page)
