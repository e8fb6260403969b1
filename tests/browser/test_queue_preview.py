"""The queue as a committee works it: diffs in place, j/k to move, and "Accept together" that
shows what will happen (both diffs, the net word change) before it is confirmed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from amendments.models import Amendment
from tests.amendments.conftest import body_paragraph, propose
from tests.browser.conftest import assert_no_serious_axe_violations, log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _two_on_two_paragraphs(seed_chapter, member, other_member):  # type: ignore[no-untyped-def]
    p5, p6 = body_paragraph(seed_chapter, 5), body_paragraph(seed_chapter, 6)
    first = propose(
        member, p5, p5.text.replace("a myriad of problems", "many problems"), title="Fewer words"
    )
    second = propose(other_member, p6, "In short, " + p6.text, title="A short opening")
    return first, second


def test_accept_two_together_through_the_preview(
    page, seed_chapter, member, other_member, editor
) -> None:
    first, second = _two_on_two_paragraphs(seed_chapter, member, other_member)
    log_in(page, "erin", PASSWORD)
    page.goto("/review/")
    expect(page.get_by_text("Keyboard: j/k next/previous, a accept, r reject")).to_be_visible()
    row = page.locator(f"#queue-{first.pk}")
    expect(row.get_by_test_id("queue-diff")).to_contain_text("[deleted: a myriad of]")
    expect(row.get_by_test_id("queue-diff")).to_contain_text("[inserted: many]")
    assert_no_serious_axe_violations(page)

    # j/k move between the amendments, and the one the keys are on has the focus.
    page.locator("body").press("j")
    expect(page.locator("[data-queue-item]").nth(0)).to_be_focused()
    page.keyboard.press("j")
    expect(page.locator("[data-queue-item]").nth(1)).to_be_focused()
    page.keyboard.press("k")
    expect(page.locator("[data-queue-item]").nth(0)).to_be_focused()
    # Typed in a field, the letters are text.
    page.get_by_label("Author (name as shown)").fill("")
    page.get_by_label("Author (name as shown)").press_sequentially("jak")
    expect(page.get_by_label("Author (name as shown)")).to_have_value("jak")
    expect(page).to_have_url(re.compile(r"/review/$"))

    page.get_by_label(f"Select #{first.pk}", exact=True).check()
    page.get_by_label(f"Select #{second.pk}", exact=True).check()
    page.get_by_role("button", name="Accept together…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accept 2 amendments together?")
    diffs = page.get_by_test_id("preview-diff")
    expect(diffs).to_have_count(2)
    expect(diffs.nth(0)).to_contain_text("[inserted: many]")
    expect(diffs.nth(1)).to_contain_text("[inserted: In short, ]")
    # "a myriad of" becomes "many" (−2), "In short," is added (+2): the net change is nil.
    expect(page.get_by_test_id("preview-words")).to_contain_text("would change by 0 words")
    assert_no_serious_axe_violations(page)
    screenshot(page, "accept-together-preview", full_page=True)
    assert Amendment.objects.filter(status="accepted").count() == 0

    page.get_by_role("button", name="Yes, accept them together").click()
    expect(page.locator(".message--success")).to_contain_text(
        f"Accepted together: #{first.pk}, #{second.pk}."
    )
    assert set(
        Amendment.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    ) == {"accepted"}


def test_a_opens_the_acceptance_preview_of_the_current_amendment(
    page, seed_chapter, member, other_member, editor
) -> None:
    first, _ = _two_on_two_paragraphs(seed_chapter, member, other_member)
    log_in(page, "erin", PASSWORD)
    page.goto("/review/")
    page.locator("body").press("j")
    page.keyboard.press("a")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Accept #{first.pk}")
    expect(page.get_by_text("No other pending amendment is affected.")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.goto("/review/")
    page.locator("body").press("j")
    page.keyboard.press("r")
    expect(page).to_have_url(re.compile(rf"/amendments/{first.pk}/#decide-reject$"))


def test_the_queue_and_the_preview_on_a_phone(
    phone_page, seed_chapter, member, other_member, editor
) -> None:
    first, second = _two_on_two_paragraphs(seed_chapter, member, other_member)
    log_in(phone_page, "erin", PASSWORD)
    phone_page.goto("/review/")
    expect(phone_page.locator(f"#queue-{second.pk}").get_by_test_id("queue-diff")).to_be_visible()
    assert_no_serious_axe_violations(phone_page)
    phone_page.get_by_label(f"Select #{first.pk}", exact=True).check()
    phone_page.get_by_label(f"Select #{second.pk}", exact=True).check()
    phone_page.get_by_role("button", name="Accept together…").click()
    expect(phone_page.get_by_test_id("preview-diff")).to_have_count(2)
    assert_no_serious_axe_violations(phone_page)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= phone_page.viewport_size["width"], "the preview scrolls sideways"
