"""The unsubscribe link of the notice e-mails: works without logging in, asks before it acts
on GET, acts on a one-click POST without a CSRF token, and only for the member it was made for."""

from __future__ import annotations

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from accounts.models import NoticeEmail, User
from accounts.unsubscribe import SALT, unsubscribe_token, unsubscribe_url
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _setting(user: User) -> str:
    return User.objects.get(pk=user.pk).notice_email


def test_get_asks_and_changes_nothing(member) -> None:
    url = reverse("accounts:unsubscribe", args=[unsubscribe_token(member)])
    page = Client().get(url).content.decode()
    assert "Stop the e-mails" in page and "Alice Member" in page
    assert f'action="{url}"' in page
    assert _setting(member) == NoticeEmail.IMMEDIATELY


def test_one_click_post_without_a_session_or_csrf_token_stops_the_mails(editor) -> None:
    editor.wants_daily_digest = True
    editor.save()
    url = reverse("accounts:unsubscribe", args=[unsubscribe_token(editor)])
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "E-mails stopped" in response.content.decode()
    assert _setting(editor) == NoticeEmail.NEVER
    assert not User.objects.get(pk=editor.pk).wants_daily_digest


def test_the_editors_digest_carries_the_link_too(member, editor, p5, settings) -> None:
    from django.core import mail

    from amendments.services.notifications import send_editor_digest
    from common import clock
    from tests.amendments.conftest import propose

    settings.SITE_URL = "https://desk.example.org"
    editor.wants_daily_digest = True
    editor.save()
    since = clock.now()
    propose(member, p5, title="Something new")
    assert send_editor_digest(since=since) == (1, 1)
    [digest] = mail.outbox
    link = unsubscribe_url(editor)
    assert digest.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Stop these e-mails: {link}" in digest.body


@pytest.mark.parametrize(
    "token",
    [
        "tampered",
        "x" * 500,
        "<script>",
    ],
)
def test_a_tampered_or_made_up_token_does_nothing(member, token) -> None:
    url = reverse("accounts:unsubscribe", args=[token])
    for method in ("get", "post"):
        response = getattr(Client(enforce_csrf_checks=True), method)(url)
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
    assert _setting(member) == NoticeEmail.IMMEDIATELY


def test_a_token_names_one_member_and_cannot_be_edited_for_another(member, other_member) -> None:
    token = unsubscribe_token(member)
    # Swap the signed value for another member's id and keep the signature: refused.
    signature = token.rsplit(":", 1)[1]
    forged = signing.dumps({"u": other_member.pk}, salt=SALT, compress=True).rsplit(":", 1)[0]
    for bad in (f"{forged}:{signature}", token[:-2] + ("aa" if token[-2:] != "aa" else "bb")):
        Client().post(reverse("accounts:unsubscribe", args=[bad]))
    # A token signed for another purpose (another salt) is refused too.
    other_salt = signing.dumps({"u": other_member.pk}, salt="accounts.signup", compress=True)
    Client().post(reverse("accounts:unsubscribe", args=[other_salt]))
    assert _setting(member) == _setting(other_member) == NoticeEmail.IMMEDIATELY
    Client().post(reverse("accounts:unsubscribe", args=[token]))
    assert (_setting(member), _setting(other_member)) == (NoticeEmail.NEVER, "immediate")


def test_the_link_is_absolute_from_site_url(member, settings) -> None:
    settings.SITE_URL = "https://desk.example.org/"
    assert unsubscribe_url(member).startswith("https://desk.example.org/accounts/unsubscribe/")


def test_the_profile_sets_how_notices_are_mailed(member) -> None:
    client = client_for(member)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'name="notice_email" value="immediate"' in page and "checked" in page
    form = {"display_name": "Alice Member", "email": member.email, "notice_email": "daily"}
    assert client.post(reverse("accounts:profile"), form).status_code == 302
    assert _setting(member) == NoticeEmail.DAILY
    refused = client.post(reverse("accounts:profile"), {**form, "notice_email": "hourly"})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert 'value="Alice Member"' in refused.content.decode()
    assert _setting(member) == NoticeEmail.DAILY


def test_a_profile_form_without_the_setting_keeps_it(member) -> None:
    member.notice_email = NoticeEmail.DAILY
    member.save()
    form = {"display_name": "Alice M", "email": member.email}
    assert client_for(member).post(reverse("accounts:profile"), form).status_code == 302
    assert _setting(member) == NoticeEmail.DAILY
