"""The main pages work in Chromium under their Content-Security-Policy: styles apply, the live
preview runs, nothing is blocked; and the policy really is enforced (an injected inline script
does not run, and is reported as the page fixture's watcher expects)."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.amendments.conftest import body_paragraph, propose
from tests.browser.conftest import log_in, watch_for_csp_violations
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _styled(page) -> bool:  # type: ignore[no-untyped-def]
    # site.css sets the header's layout; unstyled, the element would be a plain block.
    return page.evaluate(
        "() => getComputedStyle(document.querySelector('.skip-link')).position"
    ) in ("absolute", "fixed")


def test_the_main_pages_work_under_the_policy(page, seed_chapter, member, editor, admin_user):  # type: ignore[no-untyped-def]
    p5 = body_paragraph(seed_chapter, 5)
    amendment = propose(member, p5, p5.text.replace("myriad", "multitude"))
    response = page.goto("/")
    assert response.headers["content-security-policy"] == settings.CONTENT_SECURITY_POLICY
    assert _styled(page)
    for url in (seed_chapter.get_absolute_url(), p5.get_absolute_url(), "/no-such-page/"):
        page.goto(url)
        assert _styled(page), url

    log_in(page, "alice", PASSWORD)
    page.goto(f"/chapters/{seed_chapter.slug}/p/{p5.key}/propose/")
    box = page.get_by_label("Text", exact=True)
    box.fill(box.input_value().replace("a myriad of problems", "many problems"))
    # propose.js (a static file) fetched the live preview and put it in the page.
    expect(page.get_by_test_id("diff").locator("ins")).to_contain_text("many")
    page.goto(amendment.get_absolute_url())
    assert _styled(page)

    page.context.clear_cookies()
    log_in(page, "erin", PASSWORD)
    for url in ("/review/", f"/amendments/{amendment.pk}/accept-with-changes/"):
        page.goto(url)
        assert _styled(page), url

    page.context.clear_cookies()
    log_in(page, "ada", PASSWORD)
    header = "() => getComputedStyle(document.querySelector('#header')).backgroundColor"
    for url in ("/admin/", "/admin/amendments/amendment/", f"/admin/manifesto/paragraph/{p5.pk}/"):
        page.goto(url)
        # The admin's own stylesheets and scripts are static files too.
        assert page.evaluate(header) != "rgba(0, 0, 0, 0)", url
    assert page.evaluate("() => typeof window.django") == "object"


def test_an_injected_inline_script_is_blocked_and_reported(browser, live_server, seed_chapter):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url)
    violations = watch_for_csp_violations(context)
    page = context.new_page()
    page.goto(seed_chapter.get_absolute_url())
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injectedRan = true";
            document.head.appendChild(script);
            document.body.setAttribute("style", "background: red");
        }"""
    )
    assert page.evaluate("() => window.injectedRan") is None
    page.wait_for_timeout(200)
    context.close()
    assert any("inline script" in v for v in violations), violations
