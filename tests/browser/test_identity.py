"""Who wrote what, in Chromium: sign-up by e-mail link, names isolated, roles shown."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from accounts.services import user_update_profile
from amendments.services.discussion import comment_post
from tests.amendments.conftest import body_paragraph, propose
from tests.browser.conftest import assert_no_serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_by_the_link_in_the_e_mail(page, settings) -> None:
    settings.SIGNUP_REQUIRES_INVITATION = False
    page.goto("/accounts/signup/")
    assert_no_serious_axe_violations(page)
    page.get_by_label("E-mail address").fill("rosa@example.org")
    page.get_by_role("button", name="Send the link").click()
    assert page.locator("h1").inner_text() == "Check your e-mail"
    link = re.search(r"https?://[^/\s]+(/accounts/signup/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    assert "rosa@example.org" in page.locator("main").inner_text()
    assert_no_serious_axe_violations(page)
    page.get_by_label("Username").fill("rosa")
    page.get_by_label("Display name").fill("Rosa L.")
    page.get_by_label(re.compile(r"^Password:?$")).fill("a long enough passphrase 42")
    page.get_by_label("Password confirmation").fill("a long enough passphrase 42")
    page.get_by_role("button", name="Create account").click()
    message = page.locator(".message").inner_text()
    assert message == "Welcome, Rosa L. You can now propose amendments."


def test_names_keep_their_direction_and_roles_show(page, member, editor, seed_chapter) -> None:
    member = user_update_profile(
        user=member, display_name="سارة", email=member.email, wants_daily_digest=False
    )
    amendment = propose(member, body_paragraph(seed_chapter, 5))
    comment_post(author=editor, body="An editor's view.", amendment=amendment)
    page.goto(amendment.get_absolute_url())
    meta = page.locator("p.meta").first.inner_text()
    # The right-to-left name does not carry "on 2 December" to its left.
    assert re.search(r"proposed by سارة on \d+ \w+ \d{4}", meta), meta
    comment = page.locator(".comment__meta").first.inner_text()
    assert comment.startswith("Erin Editor (editor)")
    assert_no_serious_axe_violations(page)
