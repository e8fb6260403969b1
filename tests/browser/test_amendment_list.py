"""The amendment list on a phone: filtered through its form without JavaScript tricks, with
the filters kept in the address, readable without sideways scrolling, and accessible; the
chapter's contents fold opens and jumps to a section."""

from __future__ import annotations

import pytest

from tests.amendments.conftest import body_paragraph, propose
from tests.browser.conftest import assert_no_serious_axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_filter_the_list_on_a_phone(phone_page, seed_chapter, member, other_member) -> None:
    propose(member, body_paragraph(seed_chapter, 3), title="Alice's change")
    propose(other_member, body_paragraph(seed_chapter, 5), title="Bob's change")
    phone_page.goto("/")
    phone_page.get_by_role("navigation", name="Main").get_by_role("link", name="Amendments").click()
    assert phone_page.locator("h1").inner_text() == "All amendments"
    assert phone_page.locator(".amendment-row").count() == 2
    phone_page.get_by_role("combobox", name="Author").fill("bob member")
    phone_page.locator("select[name=sort]").select_option("newest")
    phone_page.get_by_role("button", name="Apply").click()
    assert "author=bob+member" in phone_page.url and "sort=newest" in phone_page.url
    rows = phone_page.locator(".amendment-row")
    assert rows.count() == 1 and "Bob's change" in rows.inner_text()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_serious_axe_violations(phone_page)
    screenshot(phone_page, "amendment-list-phone")


def test_the_chapter_contents_jump_to_a_section_on_a_phone(phone_page, seed_chapter) -> None:
    phone_page.goto(seed_chapter.get_absolute_url())
    phone_page.locator(".contents__fold summary").click()
    phone_page.locator(".contents__fold").get_by_role("link", name="War Communism").click()
    assert phone_page.url.endswith("#" + phone_page.evaluate("location.hash.slice(1)"))
    target = phone_page.locator(phone_page.evaluate("location.hash"))
    assert "War Communism" in target.inner_text()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_serious_axe_violations(phone_page)
