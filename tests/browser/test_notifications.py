"""Following in Chromium: a member follows an amendment with the button, another member
comments, and the first sees the unread count, the notice, and the comment it leads to."""

from __future__ import annotations

import re

import pytest

from amendments.services.discussion import comment_post
from tests.amendments.conftest import body_paragraph, propose
from tests.browser.conftest import assert_no_serious_axe_violations, log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _words(text: str | None) -> str:
    return " ".join((text or "").split())


def test_follow_an_amendment_then_hear_of_a_comment_on_it(
    page, seed_chapter, member, other_member, editor
) -> None:
    amendment = propose(editor, body_paragraph(seed_chapter, 5), title="Say it plainly")
    log_in(page, member.username, PASSWORD)
    page.goto(amendment.get_absolute_url())
    page.get_by_role("button", name="Follow this amendment").click()
    assert page.get_by_role("button", name=re.compile("Following this amendment")).is_visible()
    assert "You follow this amendment" in page.locator(".messages").inner_text()
    nav = page.get_by_test_id("nav-notifications")
    assert _words(nav.text_content()) == "Notifications"

    comment = comment_post(author=other_member, body="Plainer still?", amendment=amendment)

    page.goto("/")
    # The count is said in words to screen readers, not only shown as a badge.
    assert _words(nav.text_content()) == "Notifications 1 unread"
    assert nav.locator(".count-badge").is_visible()
    nav.click()
    assert_no_serious_axe_violations(page)
    screenshot(page, "notifications")
    notice = page.locator(".notice-item").first
    assert "New, unread:" in _words(notice.text_content())
    assert "Bob Member" in notice.inner_text() and "commented" in notice.inner_text()
    notice.get_by_role("button").click()
    assert page.url.endswith(f"{amendment.get_absolute_url()}#comment-{comment.pk}")
    assert page.locator(f"#comment-{comment.pk}").is_visible()
    assert _words(page.get_by_test_id("nav-notifications").text_content()) == "Notifications"


def test_the_notifications_page_fits_a_phone(
    phone_page, seed_chapter, member, other_member
) -> None:
    amendment = propose(member, body_paragraph(seed_chapter, 5), title="A long title " * 6)
    for number in range(3):
        comment_post(author=other_member, body=f"Comment {number}", amendment=amendment)
    log_in(phone_page, member.username, PASSWORD)
    phone_page.goto("/notifications/")
    assert phone_page.locator(".notice-item").count() == 3
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_serious_axe_violations(phone_page)
