"""A refused form in the browser: a form whose CSRF token expired gets the desk's own page, and
Back brings the text back."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from amendments.models import Comment
from tests.amendments.conftest import body_paragraph
from tests.browser.conftest import assert_no_serious_axe_violations, log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The screenshots go where the developer asks (REFUSED_FORM_SHOTS=/tmp/x), never into the tree.
SHOTS = os.environ.get("REFUSED_FORM_SHOTS", "")


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_an_expired_form_gets_the_desks_page_and_back_keeps_the_text(
    page, seed_chapter, member
) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    log_in(page, "alice", PASSWORD)
    page.goto(p5.get_absolute_url())
    page.get_by_label("Add a comment").fill("A long thought I do not want to lose.")
    # The token the page holds no longer matches: as after logging in again in another tab.
    cookies = page.context.cookies()
    page.context.clear_cookies()
    page.context.add_cookies(
        [{**c, "value": "x" * 32} if c["name"] == "csrftoken" else c for c in cookies]
    )
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The form could not be sent")
    expect(page.get_by_text("Nothing was saved.")).to_be_visible()
    assert_no_serious_axe_violations(page)
    _shot(page, "csrf-failure")
    page.go_back()
    expect(page.get_by_label("Add a comment")).to_have_value(
        "A long thought I do not want to lose."
    )
    assert not Comment.objects.exists()
