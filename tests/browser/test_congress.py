"""The congress in Chromium: an editor records two votes on the congress page, and the
projector, open in another window, shows the item under vote and moves to the next one
without being reloaded; axe finds nothing serious on either page."""

from __future__ import annotations

import pytest

from amendments.models import Amendment, CongressVote
from tests.amendments.conftest import body_paragraph, propose
from tests.amendments.test_congress_votes import to_congress
from tests.browser.conftest import assert_no_serious_axe_violations, log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The projector asks every five seconds; allow three of its turns.
PROJECTOR_WAIT = 15_000


def test_an_editor_records_votes_and_the_projector_follows_without_reloading(
    browser, live_server, seed_chapter, member, other_member, editor
) -> None:
    p5, p6 = body_paragraph(seed_chapter, 5), body_paragraph(seed_chapter, 6)
    first = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))
    second = propose(other_member, p6, p6.text + " Added at the congress.", title="Longer")
    to_congress(seed_chapter, editor)

    def context():  # type: ignore[no-untyped-def]
        made = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        made.set_default_timeout(10_000)
        return made

    chair_context, hall_context = context(), context()
    chair, hall = chair_context.new_page(), hall_context.new_page()
    try:
        log_in(chair, editor.username, PASSWORD)
        chair.goto(f"/chapters/{seed_chapter.slug}/congress/")
        assert_no_serious_axe_violations(chair)
        chair.get_by_role("button", name=f"Put #{first.pk} on the projector").click()
        assert chair.get_by_text(f"Now voting on #{first.pk}.").is_visible()

        hall.goto(f"/chapters/{seed_chapter.slug}/projector/")
        now = hall.get_by_test_id("now-voting")
        assert now.get_attribute("data-amendment") == str(first.pk)
        assert "many" in now.locator(".diff").inner_text()
        assert_no_serious_axe_violations(hall)
        screenshot(hall, "projector")
        hall.evaluate("window.notReloaded = true")

        item = chair.locator(f"#item-{first.pk}")
        item.get_by_label("Carried").check()
        item.get_by_label("For", exact=True).fill("100")
        item.get_by_label("Against", exact=True).fill("10")
        item.get_by_label("Abstaining", exact=True).fill("2")
        item.get_by_role("button", name=f"Record the vote on #{first.pk}").click()
        assert chair.get_by_text(f"#{first.pk}: Carried and applied to the text").is_visible()

        chair.get_by_role("button", name=f"Put #{second.pk} on the projector").click()
        hall.locator(f'[data-amendment="{second.pk}"]').wait_for(timeout=PROJECTOR_WAIT)
        assert hall.evaluate("window.notReloaded") is True  # updated in place
        assert f"Last vote: #{first.pk}" in hall.get_by_test_id("last-vote").inner_text()

        item = chair.locator(f"#item-{second.pk}")
        item.get_by_label("Lost").check()
        item.get_by_label("Majority by show of hands (no counts)").check()
        item.get_by_role("button", name=f"Record the vote on #{second.pk}").click()
        record = chair.get_by_test_id("congress-record")
        assert record.get_by_test_id("recorded-vote").count() == 2
        assert_no_serious_axe_violations(chair)
        screenshot(chair, "congress-page")

        hall.get_by_test_id("nothing-under-vote").wait_for(timeout=PROJECTOR_WAIT)
        assert hall.evaluate("window.notReloaded") is True
    finally:
        chair_context.close()
        hall_context.close()

    assert Amendment.objects.get(pk=first.pk).status == Amendment.Status.ACCEPTED
    assert Amendment.objects.get(pk=second.pk).status == Amendment.Status.REJECTED
    assert CongressVote.objects.count() == 2
