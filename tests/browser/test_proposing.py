"""A member proposes a replacement to ¶ 5 with the live diff; another supports and replies."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.amendments.conftest import body_paragraph, propose
from tests.browser.conftest import assert_no_serious_axe_violations, log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_propose_with_live_diff_then_support_and_reply(
    page, browser, live_server, seed_chapter, member, other_member
) -> None:
    log_in(page, "alice", PASSWORD)
    page.goto(seed_chapter.get_absolute_url())
    page.get_by_role("link", name="Propose a change to paragraph 5", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose an amendment to ¶ 5")

    box = page.get_by_label("Text", exact=True)
    box.fill(box.input_value().replace("a myriad of problems", "many grave problems"))
    # The live preview arrives before anything is submitted.
    diff = page.get_by_test_id("diff")
    expect(diff.locator("del")).to_contain_text("myriad")
    expect(diff.locator("ins")).to_contain_text("many grave")
    expect(page.get_by_test_id("word-delta")).to_have_text("+2 / −3 words")
    expect(page.locator("#live-preview")).to_contain_text("The chapter would have 5192 words")
    page.get_by_label("Title").fill("Say which problems were grave")
    page.get_by_label("Reason").fill("“Myriad” is vague.")
    assert_no_serious_axe_violations(page)
    screenshot(page, "propose-live-diff", full_page=True)
    page.get_by_role("button", name="Submit amendment").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Say which problems were grave")
    amendment_url = page.url
    assert_no_serious_axe_violations(page)
    page.goto(seed_chapter.get_absolute_url())
    expect(page.get_by_role("link", name=re.compile("1 amendment to paragraph 5"))).to_be_visible()
    page.get_by_role("link", name="My amendments").click()
    expect(
        page.get_by_role("link", name=re.compile("Say which problems were grave"))
    ).to_be_visible()
    assert_no_serious_axe_violations(page)

    other = browser.new_context(base_url=live_server.url).new_page()
    log_in(other, "bob", PASSWORD)
    other.goto(amendment_url)
    other.get_by_role("button", name="Support this amendment").click()
    expect(other.get_by_test_id("support-count")).to_have_text("1")
    other.get_by_label("Add a comment").fill("Agreed, but name them?")
    other.get_by_role("button", name="Post comment").click()
    comment = other.locator(".comment").first
    comment.locator("summary").click()
    comment.get_by_label(re.compile("Your reply to")).fill("Replying to myself for the record.")
    comment.get_by_role("button", name="Post reply").click()
    expect(other.locator(".thread--replies")).to_contain_text("Replying to myself")
    screenshot(other, "amendment-page", full_page=True)
    other.context.close()


def test_the_propose_page_works_on_a_phone_and_without_javascript(
    browser, live_server, seed_chapter, member
) -> None:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = context.new_page()
    log_in(page, "alice", PASSWORD)
    page.goto(seed_chapter.get_absolute_url())
    page.get_by_role("link", name="Propose a change to paragraph 5", exact=True).click()
    box = page.get_by_label("Text", exact=True)
    box.fill(box.input_value() + " One more sentence.")
    page.get_by_role("button", name="Preview the change").click()
    expect(page.get_by_test_id("word-delta")).to_have_text("+3 / −0 words")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "propose-phone-no-js", full_page=False)
    context.close()


def test_proposing_works_with_the_keyboard_alone(page, seed_chapter, member) -> None:
    log_in(page, "alice", PASSWORD)
    page.goto(seed_chapter.get_absolute_url())

    def tab_to(predicate: str, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(
                f"(() => {{ const el = document.activeElement; return {predicate}; }})()"
            ):
                return
        raise AssertionError(f"Tab never reached: {predicate}")

    p5_key = body_paragraph(seed_chapter, 5).key
    tab_to(f"(el.getAttribute('href') || '').endsWith('/p/{p5_key}/propose/')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose an amendment to ¶ 5")
    tab_to("el.tagName === 'TEXTAREA' && el.name === 'text'")
    page.keyboard.press("End")
    page.keyboard.type(" Typed by keyboard.")
    expect(page.get_by_test_id("word-delta")).to_have_text("+3 / −0 words")
    tab_to("el.name === 'title'")
    page.keyboard.type("Keyboard only")
    tab_to("el.name === 'reason'")
    page.keyboard.type("Because it works.")
    tab_to("el.tagName === 'BUTTON' && el.value === 'submit'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Keyboard only")


def test_an_addition_starts_empty_and_a_change_from_the_paragraph_with_javascript(
    page, seed_chapter, member
) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    url = f"/chapters/{seed_chapter.slug}/p/{p5.key}/propose/"
    log_in(page, "alice", PASSWORD)
    page.goto(url + "?kind=insert")
    box = page.get_by_label("Text", exact=True)
    expect(box).to_have_value("")
    # Switching to a change fills the box with the paragraph, even on a page opened as an
    # addition (the script used to fill it with what the box held on arrival: nothing).
    page.get_by_label("Change the text").check()
    expect(box).to_have_value(p5.text.strip())
    page.get_by_label("Add a new paragraph after it").check()
    expect(box).to_have_value("")
    box.fill("A paragraph of my own.")
    page.get_by_label("Change the text").check()
    expect(box).to_have_value("A paragraph of my own.")  # what the member wrote is kept
    assert_no_serious_axe_violations(page)


def test_an_addition_starts_empty_without_javascript_and_a_copy_is_refused(
    browser, live_server, seed_chapter, member
) -> None:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = context.new_page()
    p5 = body_paragraph(seed_chapter, 5)
    log_in(page, "alice", PASSWORD)
    page.goto(f"/chapters/{seed_chapter.slug}/p/{p5.key}/propose/")
    box = page.get_by_label("Text", exact=True)
    page.get_by_label("Add a new paragraph after it").check()
    page.get_by_role("button", name="Preview the change").click()
    expect(page.get_by_test_id("box-note")).to_contain_text("An addition starts from an empty")
    expect(box).to_have_value("")
    box.fill(p5.text)  # pasting the paragraph itself back is refused by the service
    page.get_by_label("Title").fill("A copy")
    page.get_by_label("Reason").fill("By mistake.")
    page.get_by_role("button", name="Submit amendment").click()
    expect(page.get_by_role("alert")).to_contain_text("the paragraph it would follow")
    expect(page.get_by_label("Title")).to_have_value("A copy")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()  # axe needs JavaScript: the page is checked with it in the test above


def test_withdrawing_asks_first(page, seed_chapter, member) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    amendment = propose(member, p5, p5.text + " On second thoughts.", title="Second thoughts")
    log_in(page, "alice", PASSWORD)
    page.goto(amendment.get_absolute_url())
    page.get_by_role("link", name="Withdraw…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Withdraw amendment #{amendment.pk}?"
    )
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="No, keep it").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Second thoughts")
    page.get_by_role("link", name="Withdraw…").click()
    page.get_by_role("button", name="Yes, withdraw it").click()
    expect(page.get_by_role("status")).to_contain_text(f"Amendment #{amendment.pk} was withdrawn")


def test_the_author_updates_an_amendment_in_conflict_without_losing_it(
    page, seed_chapter, member, other_member, editor
) -> None:
    from amendments.services.deciding import amendment_accept

    p5 = body_paragraph(seed_chapter, 5)
    mine = propose(
        member,
        p5,
        p5.text.replace("a myriad of problems", "countless woes").replace(
            "weakest link", "weakest point"
        ),
        title="Woes and a point",
    )
    theirs = propose(
        other_member, p5, p5.text.replace("a myriad of problems", "many problems"), title="Many"
    )
    amendment_accept(amendment=theirs, editor=editor)
    log_in(page, "alice", PASSWORD)
    page.goto(mine.get_absolute_url())
    expect(page.get_by_test_id("conflict")).to_contain_text("Update it against today's text")
    page.get_by_role("link", name="Update it against today's text").click()
    expect(page.get_by_test_id("original-change").locator("ins").first).to_contain_text("countless")
    expect(page.get_by_test_id("collisions")).to_contain_text("many problems")
    box = page.get_by_label("Text", exact=True)
    expect(box).to_have_value(re.compile("faced many problems.*weakest point"))
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="Start from my original wording instead").click()
    expect(box).to_have_value(re.compile("faced countless woes.*weakest point"))
    box.fill(box.input_value().replace("countless woes", "many grave problems"))
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text(f"Amendment #{mine.pk} was updated")
    expect(page.get_by_test_id("diff-as-written").locator("ins").first).to_contain_text("grave")


@pytest.mark.parametrize(
    ("status", "headers", "body", "says"),
    [
        (
            413,
            {"Content-Type": "text/plain"},
            "The text is 5,001 characters; the maximum is 5,000.",
            "The text is 5,001 characters; the maximum is 5,000.",
        ),
        (
            429,
            {"Content-Type": "text/html; charset=utf-8", "Retry-After": "120"},
            "<!doctype html><title>Too many</title>",
            "The preview is paused: it was asked for many times in a short time; it starts "
            "again in about 2 minutes.",
        ),
        (
            500,
            {"Content-Type": "text/html; charset=utf-8"},
            "<!doctype html><title>Error</title>",
            "The preview could not be made (the desk answered 500).",
        ),
    ],
)
def test_live_preview_says_why_when_the_desk_refuses_it(
    page, seed_chapter, member, status, headers, body, says
) -> None:
    log_in(page, "alice", PASSWORD)
    page.goto(
        reverse("amendments:propose", args=[seed_chapter.slug, body_paragraph(seed_chapter, 5).key])
    )
    box = page.get_by_label("Text", exact=True)
    box.fill(box.input_value().replace("a myriad of problems", "many grave problems"))
    expect(page.get_by_test_id("diff").locator("ins")).to_contain_text("many grave")

    def refuse(route) -> None:  # type: ignore[no-untyped-def]
        route.fulfill(status=status, headers=headers, body=body)

    page.route("**/preview/", refuse)
    box.fill(box.input_value() + " And more.")
    preview = page.locator("#live-preview")
    # The answer replaces the preview of the older text, and says why in words.
    expect(preview).to_contain_text(says)
    expect(page.get_by_test_id("diff")).to_have_count(0)
    assert "<" not in preview.locator(".preview-problem").inner_text()
    assert_no_serious_axe_violations(page)
