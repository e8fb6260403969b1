"""Production hardening: the Content-Security-Policy on every page, no inline script or style
for it to block, our own error pages (never Django's debug pages), and production mode run for
real: HTTPS redirect, HSTS, secure cookies, and the proxy's X-Forwarded-Proto trusted.

`manage.py check --deploy` under production settings is tests/manifesto/test_settings.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path, reverse

from tests.amendments.conftest import propose
from tests.conftest import ROOT, client_for


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret detail that must not reach the page")


# The desk's own URLs plus one view that fails, for the 500 page (see @pytest.mark.urls).
urlpatterns = [path("boom/", _boom), path("", include("desk.urls"))]


def _main_pages(p5, member, editor, admin_user) -> list[tuple[object, str, int]]:  # type: ignore[no-untyped-def]
    amendment = propose(member, p5)
    slug = p5.chapter.slug
    return [
        (None, reverse("manifesto:index"), 200),
        (None, p5.chapter.get_absolute_url(), 200),
        (None, p5.get_absolute_url(), 200),
        (None, amendment.get_absolute_url(), 200),
        (None, reverse("amendments:log", args=[slug]), 200),
        (None, reverse("accounts:login"), 200),
        (None, reverse("accounts:signup"), 200),
        (None, "/no-such-page/", 404),
        (None, "/?q=%00", 400),
        (member, reverse("amendments:propose", args=[slug, p5.key]), 200),
        (member, reverse("amendments:mine"), 200),
        (member, reverse("accounts:profile"), 200),
        (member, reverse("amendments:queue"), 403),
        (editor, reverse("amendments:queue"), 200),
        (editor, reverse("amendments:limit", args=[slug]), 200),
        (admin_user, reverse("admin:index"), 200),
        (admin_user, reverse("admin:amendments_amendment_changelist"), 200),
        (admin_user, reverse("admin:manifesto_paragraph_change", args=[p5.pk]), 200),
    ]


@pytest.mark.django_db
def test_every_page_sends_the_content_security_policy(p5, member, editor, admin_user) -> None:
    policy = settings.CONTENT_SECURITY_POLICY
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    for user, url, status in _main_pages(p5, member, editor, admin_user):
        response = client_for(user).get(url)  # type: ignore[arg-type]
        assert response.status_code == status, url
        assert response["Content-Security-Policy"] == policy, url


_INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE), "an inline <script>"),
    (re.compile(r"<style\b", re.IGNORECASE), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "a style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "an inline event handler"),
    (re.compile(r"javascript:", re.IGNORECASE), "a javascript: URL"),
]


@pytest.mark.parametrize(
    "template", sorted((ROOT / "templates").rglob("*.html")), ids=lambda p: p.name
)
def test_no_template_relies_on_inline_script_or_style(template: Path) -> None:
    # The policy blocks all of these; the pages' behaviour lives in static/js, their look in
    # static/css. (The HTML exports carry their own stylesheet: they are downloads, not pages.)
    source = template.read_text(encoding="utf-8")
    for pattern, what in _INLINE:
        assert not pattern.search(source), f"{template.relative_to(ROOT)} has {what}"


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_an_error_shows_our_500_page_and_nothing_of_the_error(client) -> None:
    client.raise_request_exception = False
    response = client.get("/boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in page and 'href="/static/css/site.css"' in page
    assert "secret detail" not in page and "Traceback" not in page
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY


CSRF_PAGE = ("The form could not be sent", "Nothing was saved.", "<strong>Back</strong> button")


@pytest.mark.django_db
def test_a_form_refused_for_its_csrf_token_says_how_to_get_the_text_back(member, p5) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    url = reverse("amendments:comment_paragraph", args=[p5.chapter.slug, p5.key])
    # Without the cookie (blocked, or never set), then with a cookie but a stale token.
    no_cookie = client.post(url, {"body": "My long comment."})
    client.get(p5.get_absolute_url())  # the page sets the CSRF cookie
    stale = client.post(url, {"body": "My long comment.", "csrfmiddlewaretoken": "x" * 64})
    for response in (no_cookie, stale):
        page = response.content.decode()
        assert response.status_code == 403
        assert all(said in page for said in CSRF_PAGE), page
        assert "CSRF verification failed" not in page  # not Django's page for developers
        assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert "blocks cookies" in no_cookie.content.decode()
    assert "the form had expired" in stale.content.decode()
    from amendments.models import Comment

    assert not Comment.objects.exists()


PRODUCTION_PROBE = textwrap.dedent(
    """
    import json, sys, tempfile
    import django
    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from django.conf import settings
    with tempfile.TemporaryDirectory() as static_root, override_settings(STATIC_ROOT=static_root):
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        client = Client(HTTP_HOST="desk.example.org")
        client.raise_request_exception = False
        plain = client.get("/no-such-page/")
        secure = client.get("/no-such-page/", secure=True)
        proxied = client.get("/no-such-page/", headers={"x-forwarded-proto": "https"})
        login = client.get("/accounts/login/", secure=True)
        other_host = Client(HTTP_HOST="evil.example.com").get("/", secure=True)
        forged = Client(HTTP_HOST="desk.example.org", enforce_csrf_checks=True).post(
            "/accounts/login/", {"username": "someone", "password": "x"}, secure=True
        )
    print(json.dumps({
        "debug": settings.DEBUG,
        "plain": [plain.status_code, plain.get("Location", "")],
        "secure": [secure.status_code, secure.content.decode(), dict(secure.headers)],
        "proxied": proxied.status_code,
        "login": [login.status_code, login.cookies["csrftoken"].output()],
        "other_host": other_host.status_code,
        "forged": [forged.status_code, forged.content.decode()],
    }))
    """
)


def test_production_mode_for_real(tmp_path) -> None:
    inherited = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "APP_MODE", "DEBUG"}
    environment = {k: v for k, v in os.environ.items() if k not in inherited} | {
        "APP_MODE": "production",
        "SECRET_KEY": "a-real-secret-" + "x" * 50,
        "ALLOWED_HOSTS": "desk.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "desk.settings",
    }
    result = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["debug"] is False
    # Plain HTTP is sent to HTTPS; behind the proxy, its X-Forwarded-Proto is believed.
    assert seen["plain"] == [301, "https://desk.example.org/no-such-page/"]
    assert seen["proxied"] == 404
    status, page, headers = seen["secure"]
    assert status == 404
    assert "There is nothing at this address" in page
    assert "URLconf" not in page and "DEBUG = True" not in page  # not Django's debug page
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    status, cookie = seen["login"]
    assert status == 200
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert seen["other_host"] == 400  # a Host header not in ALLOWED_HOSTS
    # A form without its CSRF token: the desk's own page, not Django's.
    status, page = seen["forged"]
    assert status == 403
    assert "The form could not be sent" in page and "Nothing was saved." in page
    assert "Back</strong> button" in page
    assert "CSRF verification failed" not in page and "Help" not in page
