"""The word budget in the browser: a warning while drafting, a refusal, a paid-for addition."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from amendments.services.limits import chapter_set_limit
from tests.amendments.conftest import body_paragraph, propose
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADDITION = " ".join(["Workers’ councils mattered."] * 12)  # 36 words


def test_over_limit_warning_refusal_and_a_cut_that_pays(
    page, browser, live_server, seed_chapter, member, other_member, editor
) -> None:
    chapter_set_limit(
        chapter=seed_chapter, editor=editor, word_limit=5193 + 20, reason="Keep it short"
    )
    p7 = body_paragraph(seed_chapter, 7)  # 62 words: deleting it pays for the addition
    cut = propose(other_member, p7, "", kind="delete", title="Drop ¶ 7")

    log_in(page, "alice", PASSWORD)
    page.goto(seed_chapter.get_absolute_url())
    page.get_by_role("link", name="Propose a change to paragraph 5", exact=True).click()
    box = page.get_by_label("Text", exact=True)
    box.fill(box.input_value() + " " + ADDITION)
    warning = page.get_by_test_id("over-limit-warning")
    expect(warning).to_contain_text("16 words over its limit of 5213")
    expect(warning).to_contain_text("The longest paragraphs are")
    screenshot(page, "over-limit-warning", full_page=True)
    page.get_by_label("Title").fill("Say why the councils mattered")
    page.get_by_label("Reason").fill("It is the point of the chapter.")
    page.get_by_role("button", name="Submit amendment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Say why the councils mattered")
    addition_url = page.url

    editor_page = browser.new_context(base_url=live_server.url).new_page()
    log_in(editor_page, "erin", PASSWORD)
    editor_page.goto(addition_url)
    editor_page.get_by_role("button", name=re.compile(r"^Accept #")).click()
    expect(editor_page.locator(".message--error")).to_contain_text(
        "would have 5229 words, 16 over its limit of 5213"
    )

    editor_page.goto("/review/")
    addition_pk = addition_url.rstrip("/").rsplit("/", 1)[-1]
    editor_page.get_by_label(f"Select #{addition_pk}").check()
    editor_page.get_by_label(f"Select #{cut.pk}").check()
    editor_page.get_by_role("button", name="Accept together").click()
    # The preview first: together they stay within the limit.
    expect(editor_page.get_by_test_id("preview-words")).to_contain_text("within it")
    editor_page.get_by_role("button", name="Yes, accept them together").click()
    expect(editor_page.locator(".message--success")).to_contain_text("Accepted together")

    editor_page.goto(seed_chapter.get_absolute_url())
    ledger = editor_page.locator(".ledger").first
    expect(ledger).to_contain_text("5167")  # 5193 + 36 − 62
    expect(ledger).to_contain_text("46")  # words left of 5213
    screenshot(editor_page, "ledger-after", full_page=False)
    editor_page.context.close()
