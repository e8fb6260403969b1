"""Line numbers on the chapter page in Chromium: in the margin at desktop and phone widths,
without sideways scrolling, "Go to line" with the keyboard alone, and accessible."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from amendments.services.deciding import amendment_accept
from tests.amendments.conftest import body_paragraph, propose
from tests.browser.conftest import DESKTOP, assert_no_serious_axe_violations, log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_375 = {"width": 375, "height": 740}

# How many numbered lines are drawn on more than one row of the screen (their text wraps).
_WRAPPED = """() => [...document.querySelectorAll('.chapter__text .line__text')].filter(text => {
    const height = parseFloat(getComputedStyle(text).lineHeight);
    return text.getBoundingClientRect().height > height * 1.5;
}).length"""


def _number_visible(page, line: int) -> bool:  # type: ignore[no-untyped-def]
    return bool(
        page.evaluate(
            "(id) => getComputedStyle(document.querySelector(`#${id} .line__no`)).visibility",
            f"L{line}",
        )
        == "visible"
    )


def _assert_lines_in_the_margin(page) -> None:  # type: ignore[no-untyped-def]
    assert page.locator(".chapter__text .line").count() == 450
    assert page.locator("#L450").count() == 1
    # Every fifth number shows; the others wait for hover, focus or the checkbox.
    assert _number_visible(page, 5) and _number_visible(page, 450)
    assert not _number_visible(page, 6)
    # The number sits left of its line's text, in the gutter.
    number = page.locator("#L5 .line__no").bounding_box()
    text = page.locator("#L5 .line__text").bounding_box()
    assert number is not None and text is not None
    assert number["x"] + number["width"] <= text["x"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_line_numbers_at_desktop_width(page, seed_chapter) -> None:
    page.goto(seed_chapter.get_absolute_url())
    _assert_lines_in_the_margin(page)
    # At 80 characters a line the numbered lines fit the column: almost none wraps.
    assert page.evaluate(_WRAPPED) <= 5
    page.get_by_label("Show all line numbers").check()
    assert _number_visible(page, 6)
    page.get_by_label("Show all line numbers").uncheck()
    page.locator("#L7").hover()
    assert _number_visible(page, 6)  # the hovered paragraph's numbers
    assert_no_serious_axe_violations(page)
    page.mouse.move(0, 0)
    page.goto(seed_chapter.get_absolute_url() + "#L21")
    screenshot(page, "chapter-lines")


def test_line_numbers_on_a_phone_without_sideways_scrolling(browser, live_server, seed_chapter):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport=PHONE_375, base_url=live_server.url, is_mobile=True, has_touch=True
    )
    try:
        phone = context.new_page()
        phone.goto(seed_chapter.get_absolute_url())
        _assert_lines_in_the_margin(phone)
        assert_no_serious_axe_violations(phone)
        phone.goto(seed_chapter.get_absolute_url() + "#L20")
        screenshot(phone, "chapter-lines-phone")
    finally:
        context.close()


def test_go_to_a_line_with_the_keyboard_only(page, seed_chapter) -> None:
    page.set_viewport_size(DESKTOP)
    page.goto(seed_chapter.get_absolute_url())
    field = page.get_by_label("Go to line")
    for _ in range(60):  # Tab through the page until the field has the focus
        page.keyboard.press("Tab")
        if field.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the “Go to line” field")
    page.keyboard.type("123")
    page.keyboard.press("Enter")
    page.wait_for_url("**#L123")
    assert page.evaluate("document.querySelector(':target').id") == "L123"
    assert _number_visible(page, 123)
    # The line is scrolled into view.
    box = page.locator("#L123").bounding_box()
    assert box is not None and 0 <= box["y"] < DESKTOP["height"]


def test_an_editor_moves_the_reference_and_the_queue_cites_and_filters_by_lines(
    page, seed_chapter, member, editor
) -> None:
    p2, p11 = body_paragraph(seed_chapter, 2), body_paragraph(seed_chapter, 11)
    amendment_accept(amendment=propose(member, p2, "", kind="delete"), editor=editor)
    reworded = propose(member, p11, p11.text.replace("the", "THE", 1), title="Emphasis")
    first = p11.ref_first_line

    log_in(page, "erin", PASSWORD)
    page.goto(f"/review/?lines={first}")
    expect(page.locator(".queue-item", has_text="Emphasis")).to_contain_text(f"¶ 11, line {first}")
    assert_no_serious_axe_violations(page)
    page.goto("/review/?lines=12x")
    expect(page.get_by_role("status").first).to_contain_text("is not a line")

    # Mark today's text and number against it: ¶ 11 becomes ¶ 10.
    page.goto(seed_chapter.get_absolute_url() + "#export")
    page.get_by_label("Mark the text as it stands now as a milestone").fill("Congress draft")
    page.get_by_role("button", name="Mark").click()
    page.goto("/review/numbering/")
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name=f"change the reference text of {seed_chapter.title}").click()
    page.get_by_label("Numbers refer to").select_option(label="Congress draft")
    page.get_by_label("Reason (optional)").fill("The congress works from this draft.")
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Renumber against this milestone").click()
    expect(page.get_by_text("now refer to “Congress draft”")).to_be_visible()
    page.goto(reworded.get_absolute_url())
    expect(page.get_by_test_id("citation")).to_contain_text("¶ 10, line")
    expect(page.get_by_test_id("citation")).to_contain_text(
        f"proposed as ¶ 11, line {first} of As published"
    )
