"""The committee recommends through the amendment page, publishes, the proposer disagrees on a
phone, and the voting list shows the amendment, at desktop and phone width, axe-clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.amendments.conftest import body_paragraph, propose
from tests.browser.conftest import assert_no_serious_axe_violations, log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_recommend_publish_disagree_and_the_voting_list(
    page, phone_page, seed_chapter, member, editor
) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    amendment = propose(
        member,
        p5,
        p5.text.replace("a myriad of problems", "many problems"),
        title="Fewer words for the problems",
    )
    voting_list = f"/chapters/{seed_chapter.slug}/voting-list/"

    log_in(page, "erin", PASSWORD)
    page.goto(f"/amendments/{amendment.pk}/")
    page.get_by_role("radio", name="Accept as modified").check()
    page.get_by_role("textbox", name="Modified text").fill(
        p5.text.replace("a myriad of problems", "several problems")
    )
    page.get_by_role("button", name="Save the recommendation").click()
    expect(page.get_by_test_id("recommendation-kind")).to_contain_text("Accept as modified")
    expect(page.get_by_test_id("recommendation-diff")).to_contain_text("several")
    expect(page.get_by_text("only editors see it")).to_be_visible()
    assert_no_serious_axe_violations(page)

    # Before publication the proposer sees nothing of it.
    log_in(phone_page, "alice", PASSWORD)
    phone_page.goto(f"/amendments/{amendment.pk}/")
    expect(phone_page.get_by_test_id("recommendation-kind")).to_have_count(0)

    page.goto(f"/chapters/{seed_chapter.slug}/recommendations/publish/")
    page.get_by_role("button", name="Publish").click()
    expect(page).to_have_url(voting_list)
    expect(page.get_by_test_id("nothing-to-vote")).to_be_visible()

    phone_page.goto(f"/amendments/{amendment.pk}/")
    expect(phone_page.get_by_test_id("recommendation-kind")).to_contain_text("Accept as modified")
    phone_page.get_by_role("radio", name="I disagree").check()
    phone_page.get_by_role("textbox", name="Comment (needed if you disagree").fill(
        "Many is the word we need."
    )
    phone_page.get_by_role("button", name="Send my answer").click()
    expect(phone_page.get_by_test_id("recommendation-answer")).to_contain_text("disagreed")

    phone_page.goto(voting_list)
    item = phone_page.get_by_test_id("voting-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(f"#{amendment.pk} Fewer words for the problems")
    expect(item).to_contain_text("the proposer disagreed")
    expect(item).to_contain_text("Many is the word we need.")
    assert_no_serious_axe_violations(phone_page)

    page.goto(voting_list)
    expect(page.get_by_test_id("voting-item")).to_contain_text(f"#{amendment.pk}")
    assert_no_serious_axe_violations(page)
    page.goto("/review/?recommendation=disagreed")
    expect(page.locator(".queue-item")).to_have_count(1)
    expect(page.get_by_test_id("recommendation-line")).to_contain_text("disagreed")
