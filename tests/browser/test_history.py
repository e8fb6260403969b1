"""An editor accepts an amendment, compares the chapter with its published text, sees exactly
that change, reverts it from the paragraph's history, and the chapter reads as published."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.amendments.conftest import body_paragraph, propose
from tests.browser.conftest import PHONE, assert_no_serious_axe_violations, log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_accept_compare_revert_and_the_chapter_reads_as_published(
    page, seed_chapter, member, editor
) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    published = p5.text
    amendment = propose(
        member,
        p5,
        published.replace("a myriad of problems", "many problems"),
        title="Fewer words for the problems",
    )

    log_in(page, "erin", PASSWORD)
    page.goto(amendment.get_absolute_url())
    page.get_by_role("button", name=f"Accept #{amendment.pk}").click()
    expect(page.get_by_role("status")).to_contain_text("accepted; the text is updated")

    page.goto(seed_chapter.get_absolute_url())
    page.get_by_role("link", name="What changed since publication").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Compare")
    expect(page.get_by_label("From", exact=True)).to_have_value("published")
    expect(page.get_by_label("To", exact=True)).to_have_value("now")
    changed = page.locator(".compare-block:not([data-change='same'])")
    expect(changed).to_have_count(1)
    expect(changed).to_have_attribute("id", f"p{p5.key}")
    expect(changed.locator("del")).to_have_text("[deleted: a myriad of]")
    expect(changed.locator("ins")).to_have_text("[inserted: many]")
    expect(page.locator(".compare-summary")).to_contain_text(
        "1 paragraph changed, 0 inserted, 0 deleted"
    )
    expect(page.locator(".compare-summary")).to_contain_text(
        f"#{amendment.pk} Fewer words for the problems"
    )
    page.get_by_label("Show only the paragraphs that changed").check()
    page.get_by_role("button", name="Compare").click()
    expect(page.locator(".compare-block")).to_have_count(1)
    assert_no_serious_axe_violations(page)
    screenshot(page, "compare")

    changed.get_by_role("link", name="¶ 5").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("History of ¶ 5")
    expect(page.locator(".version")).to_have_count(2)
    expect(page.locator(".version").first).to_contain_text(f"amendment #{amendment.pk} accepted")
    assert_no_serious_axe_violations(page)
    screenshot(page, "paragraph-history")
    page.get_by_text("Restore version 1").click()
    page.get_by_label("Why restore it? (logged)").fill("The committee kept the original.")
    page.get_by_role("button", name="Restore as the newest version").click()
    expect(page.get_by_role("status")).to_contain_text("restored")
    expect(page.locator(".version")).to_have_count(3)

    page.goto(f"/chapters/{seed_chapter.slug}/compare/")
    expect(page.get_by_test_id("no-changes")).to_be_visible()
    expect(page.locator(".compare-block:not([data-change='same'])")).to_have_count(0)
    page.goto(seed_chapter.get_absolute_url())
    expect(page.locator(f"#p{p5.key}")).to_contain_text("a myriad of problems")
    p5.refresh_from_db()
    assert p5.text == published


def test_compare_reads_on_a_phone(phone_page, seed_chapter, member, editor) -> None:
    from amendments.services.deciding import amendment_accept

    p5 = body_paragraph(seed_chapter, 5)
    amendment_accept(
        amendment=propose(member, p5, p5.text.replace("myriad", "multitude")), editor=editor
    )
    phone_page.goto(f"/chapters/{seed_chapter.slug}/compare/?only=changes")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"
    expect(phone_page.locator(".compare-block")).to_have_count(1)
    assert_no_serious_axe_violations(phone_page)
