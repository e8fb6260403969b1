"""A refused form in the browser: the text is kept, the limit is named, and the page says what
to do; a form whose CSRF token expired gets the desk's own page, and Back brings the text back."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from amendments.models import Comment
from amendments.services.discussion import comment_post
from tests.amendments.conftest import body_paragraph, propose
from tests.browser.conftest import assert_no_serious_axe_violations, log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The screenshots go where the developer asks (REFUSED_FORM_SHOTS=/tmp/x), never into the tree.
SHOTS = os.environ.get("REFUSED_FORM_SHOTS", "")


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_a_reply_with_line_breaks_up_to_the_browsers_limit_is_posted(
    page, seed_chapter, member, other_member
) -> None:
    # The browser counts a line break as one character and sends it as two (CR LF); the
    # server counted two and refused what the browser had let through.
    p5 = body_paragraph(seed_chapter, 5)
    amendment = propose(member, p5)
    comment_post(author=other_member, body="Why?", amendment=amendment)
    log_in(page, "alice", PASSWORD)
    page.goto(amendment.get_absolute_url())
    comment = page.locator(".comment").first
    comment.locator("summary").click()
    box = comment.get_by_label(re.compile("Your reply to"))
    box.fill("Because it reads better.\n" * 199)  # 4,975 characters, 199 line breaks
    box.press("End")
    box.press_sequentially("x" * 40)  # typed: the browser stops at its maxlength
    assert box.evaluate("el => el.value.length") == 5000
    comment.get_by_role("button", name="Post reply").click()
    expect(page.get_by_role("status")).to_contain_text("Your comment was posted.")
    reply = Comment.objects.get(parent__isnull=False)
    assert len(reply.body) == 5000 and reply.body.count("\n") == 199


def test_a_refused_reply_comes_back_filled_in_on_its_own_page(
    page, seed_chapter, member, other_member
) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    amendment = propose(member, p5)
    comment_post(author=other_member, body="Why?", amendment=amendment)
    log_in(page, "alice", PASSWORD)
    page.goto(amendment.get_absolute_url())
    comment = page.locator(".comment").first
    comment.locator("summary").click()
    box = comment.get_by_label(re.compile("Your reply to"))
    # A script (or an old browser) gets past maxlength; the server still says no.
    box.evaluate("el => el.removeAttribute('maxlength')")
    box.fill("Because. " * 600)
    comment.get_by_role("button", name="Post reply").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your reply to Bob Member")
    expect(page.get_by_role("alert")).to_contain_text(
        "The comment is 5,399 characters; the maximum is 5,000."
    )
    again = page.get_by_label("Comment", exact=True)
    expect(again).to_have_value(re.compile(r"^Because\. Because\."))
    assert_no_serious_axe_violations(page)
    _shot(page, "refused-reply")
    again.fill("Because it is clearer.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_role("status")).to_contain_text("Your comment was posted.")
    assert Comment.objects.filter(parent__isnull=False).get().body == "Because it is clearer."


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
