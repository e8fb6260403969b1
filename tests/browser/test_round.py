"""An amendment round in Chromium, as issue 15 tells it: an editor opens a round with a
deadline; a member finds an amendment through search, supports and follows it; another member
comments; the first member sees the notice on the site and in the mail outbox; after the
deadline (the clock moved) the propose page says the round is closed, and a proposal sent from
a page opened before the deadline is refused with nothing stored.

The live server runs in this process, so time-machine moves its clock too."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail

from amendments.models import Amendment
from tests.amendments.conftest import body_paragraph, propose
from tests.browser.conftest import assert_no_serious_axe_violations, log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Tuesday 12 January 2027, noon in London (GMT, so UTC too); the deadline is Friday 18:00.
TUESDAY_NOON = datetime(2027, 1, 12, 12, 0, tzinfo=UTC)
AFTER_THE_DEADLINE = datetime(2027, 1, 15, 18, 0, 1, tzinfo=UTC)


def _words(text: str | None) -> str:
    return " ".join((text or "").split())


def _editor_opens_the_round(page, editor) -> None:  # type: ignore[no-untyped-def]
    log_in(page, editor.username, PASSWORD)
    page.goto("/review/round/")
    form = page.locator("form").filter(
        has=page.get_by_role("button", name="Save the Manifesto's round")
    )
    form.get_by_label("Phase").select_option("open")
    form.get_by_label("Amendments close").fill("2027-01-15T18:00")
    form.get_by_label("Reason").fill("The round opens for the first chapter.")
    form.get_by_role("button", name="Save the Manifesto's round").click()
    assert_no_serious_axe_violations(page)
    screenshot(page, "round-page")
    page.goto("/")
    assert "Amendments close on Friday 15 January 2027, 18:00 (in 3 days)" in _words(
        page.locator("main").inner_text()
    )


def test_a_round_from_its_opening_to_its_deadline(
    browser, live_server, seed_chapter, member, other_member, editor
) -> None:
    def context():  # type: ignore[no-untyped-def]
        made = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        made.set_default_timeout(10_000)
        return made

    with time_machine.travel(TUESDAY_NOON, tick=False):
        amendment = propose(
            editor,
            body_paragraph(seed_chapter, 7),
            title="Name the cooperatives",
            reason="The collectivisation of the land deserves its own sentence.",
        )
        editors, first, second = context(), context(), context()
        _editor_opens_the_round(editors.new_page(), editor)

        # The first member finds the amendment by another form of a word in its reason.
        page = first.new_page()
        log_in(page, member.username, PASSWORD)
        search = page.get_by_role("search", name="Search the desk")
        search.get_by_role("searchbox").fill("collectivised")
        search.get_by_role("button").click()
        page.get_by_test_id("results-amendments").get_by_role(
            "link", name=re.compile("Name the cooperatives")
        ).first.click()
        assert page.url.endswith(amendment.get_absolute_url())
        page.get_by_role("button", name="Support this amendment").click()
        # Supporting follows the amendment, and says so on the button.
        assert page.get_by_role("button", name=re.compile("Following this amendment")).is_visible()

        # Another member comments on it.
        other = second.new_page()
        log_in(other, other_member.username, PASSWORD)
        other.goto(amendment.get_absolute_url())
        other.get_by_label("Add a comment").fill("Which cooperatives, though?")
        other.get_by_role("button", name="Post comment").click()

        # The first member is told, on the site and by e-mail.
        page.goto("/")
        nav = page.get_by_test_id("nav-notifications")
        assert _words(nav.text_content()) == "Notifications 1 unread"
        nav.click()
        notice = page.locator(".notice-item").first
        assert "commented" in notice.inner_text()
        screenshot(page, "round-notice")
        sent = [message for message in mail.outbox if member.email in message.to]
        assert len(sent) == 1
        assert "Which cooperatives, though?" in sent[0].body
        assert sent[0].extra_headers["List-Unsubscribe"].startswith("<http")

        # A proposal started before the deadline...
        page.goto(
            f"{seed_chapter.get_absolute_url()}p/{body_paragraph(seed_chapter, 9).key}/propose/"
        )
        assert "Amendments close on Friday 15 January 2027, 18:00" in _words(
            page.inner_text("main")
        )
        page.get_by_label("Text", exact=True).fill("A text that arrives too late.")
        page.get_by_label("Title").fill("Too late")
        page.get_by_label("Reason").fill("Sent a second after the deadline.")

    stored = Amendment.objects.count()
    with time_machine.travel(AFTER_THE_DEADLINE, tick=False):
        # ...and sent a second after it is refused, nothing stored.
        page.get_by_role("button", name="Submit amendment").click()
        assert "closed" in _words(
            page.locator(".messages, .errorlist, .form-errors").first.inner_text()
        )
        assert Amendment.objects.count() == stored
        # The propose page now says the round is closed.
        page.goto(
            f"{seed_chapter.get_absolute_url()}p/{body_paragraph(seed_chapter, 9).key}/propose/"
        )
        assert "closed" in _words(page.inner_text("main")).lower()
        assert page.get_by_role("button", name="Submit amendment").count() == 0
        screenshot(page, "round-closed")
    for made in (editors, first, second):
        made.close()
