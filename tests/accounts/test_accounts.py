"""Sign-up (with and without invitations), log-in, roles, password reset, the user command."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, User
from accounts.services import invitation_redeem
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db

SIGNUP = {"email": "new@example.org"}
FINISH = {
    "username": "newcomrade",
    "display_name": "New Comrade",
    "password1": "a long enough passphrase 42",
    "password2": "a long enough passphrase 42",
}


def test_an_invitation_is_refused_when_unknown_used_up_or_expired() -> None:
    now = timezone.now()
    Invitation.objects.create(code="used-up", max_uses=1, uses=1)
    Invitation.objects.create(code="expired", max_uses=5, expires_at=now - timedelta(minutes=1))
    Invitation.objects.create(code="fresh", max_uses=2, expires_at=now + timedelta(days=1))
    for code in ("unknown", "used-up", "expired", "", "  "):
        with pytest.raises(ValidationError) as refused:
            invitation_redeem(code=code)
        assert refused.value.code == "invitation_invalid"
    assert invitation_redeem(code=" fresh ").uses == 1
    assert invitation_redeem(code="fresh").uses == 2
    with pytest.raises(ValidationError):
        invitation_redeem(code="fresh")
    uses = dict(Invitation.objects.values_list("code", "uses"))
    assert uses == {"used-up": 1, "expired": 0, "fresh": 2}


def _link_in_last_mail() -> str:
    return re.search(r"http://\S+(/accounts/signup/\S+/)", mail.outbox[-1].body).group(1)


def test_sign_up_sends_a_link_that_creates_a_member_and_logs_them_in(client, settings) -> None:
    settings.SIGNUP_REQUIRES_INVITATION = False
    response = client.post(reverse("accounts:signup"), SIGNUP)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:signup_sent")
    assert not User.objects.exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@example.org"]
    link = _link_in_last_mail()
    page = client.get(link).content.decode()
    assert "new@example.org" in page
    response = client.post(link, FINISH, follow=True)
    user = User.objects.get(username="newcomrade")
    assert (user.role, user.public_name, user.email) == ("member", "New Comrade", "new@example.org")
    assert not user.is_staff
    page = response.content.decode()
    assert "Welcome, <bdi>New Comrade</bdi>. You can now propose amendments." in page
    # The link made its account; it makes no second one.
    client.post(reverse("accounts:logout"))
    assert "This address has an account now" in client.get(link).content.decode()
    again = client.post(link, {**FINISH, "username": "other", "display_name": "Other"})
    assert "This address has an account now" in again.content.decode()
    assert User.objects.count() == 1


def test_a_broken_or_old_sign_up_link_says_so(client, settings, time_machine) -> None:
    settings.SIGNUP_REQUIRES_INVITATION = False
    assert "does not work" in client.get("/accounts/signup/not-a-token/").content.decode()
    time_machine.move_to("2026-12-02 10:00Z", tick=False)
    client.post(reverse("accounts:signup"), SIGNUP)
    time_machine.shift(settings.PASSWORD_RESET_TIMEOUT + 60)
    response = client.post(_link_in_last_mail(), FINISH)
    assert response.status_code == 200 and "does not work" in response.content.decode()
    assert not User.objects.exists()


def test_sign_up_requires_a_valid_invitation_when_set(client, settings) -> None:
    settings.SIGNUP_REQUIRES_INVITATION = True
    response = client.post(reverse("accounts:signup"), {**SIGNUP, "invitation_code": "nope"})
    assert response.status_code == 200
    assert "not valid" in response.content.decode()
    assert not mail.outbox

    invitation = Invitation.objects.create(code="welcome-2026", max_uses=1)
    response = client.post(
        reverse("accounts:signup"), {**SIGNUP, "invitation_code": "welcome-2026"}
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.uses == 0  # used when the account is made
    assert client.post(_link_in_last_mail(), FINISH).status_code == 302
    invitation.refresh_from_db()
    assert invitation.uses == 1 and not invitation.is_usable

    client.post(reverse("accounts:logout"))
    second = {"email": "second@example.org", "invitation_code": "welcome-2026"}
    response = client.post(reverse("accounts:signup"), second)
    assert "not valid" in response.content.decode()
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("invitations", [False, True], ids=["open", "by invitation"])
def test_sign_up_answers_the_same_whether_the_address_has_an_account(
    member, settings, invitations: bool
) -> None:
    # Sign-up said "An account with this e-mail address exists already": anyone could learn
    # who has an account. Now the page is the same; the owner is told someone tried.
    settings.SIGNUP_REQUIRES_INVITATION = invitations
    Invitation.objects.create(code="many", max_uses=10)
    answers = []
    for email in ("fresh@example.org", member.email.upper()):
        client = client_for(None)
        response = client.post(
            reverse("accounts:signup"), {"email": email, "invitation_code": "many"}, follow=True
        )
        answers.append((response.status_code, response.redirect_chain, response.content))
    assert answers[0] == answers[1]
    assert User.objects.filter(email__iexact=member.email).count() == 1
    fresh, taken = mail.outbox
    assert fresh.to == ["fresh@example.org"] and "/accounts/signup/" in fresh.body
    assert taken.to == [member.email] and "/accounts/signup/" not in taken.body
    assert "tried to sign up" in taken.subject and member.username in taken.body
    assert "/accounts/password-reset/" in taken.body


def test_the_welcome_has_one_full_stop_after_a_name_that_ends_in_one(client, settings) -> None:
    settings.SIGNUP_REQUIRES_INVITATION = False
    client.post(reverse("accounts:signup"), SIGNUP)
    response = client.post(_link_in_last_mail(), {**FINISH, "display_name": "Rosa L."}, follow=True)
    page = response.content.decode()
    assert "Welcome, <bdi>Rosa L.</bdi> You can now propose amendments." in page
    assert "L..</bdi>" not in page and "</bdi>." not in page


def test_log_in_and_log_out(client, member) -> None:
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "Log in" in client.get("/").content.decode()


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, member) -> None:
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": "x"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_password_reset_sends_a_working_link_on_the_site_not_on_the_requests_host(
    client, member, settings
) -> None:
    settings.SITE_URL = "https://desk.example.org"
    client.post(reverse("accounts:password_reset"), {"email": member.email})
    assert len(mail.outbox) == 1
    assert "testserver" not in mail.outbox[0].body  # the Host header the request came with
    link = re.search(r"https://desk\.example\.org(/accounts/reset/\S+)", mail.outbox[0].body)
    link = link.group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "brand new secret words", "new_password2": "brand new secret words"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("brand new secret words")


def test_password_reset_for_an_unknown_address_says_the_same(client, db) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302 and len(mail.outbox) == 0


def test_the_profile_refuses_to_clear_the_email_address(member) -> None:
    # Clearing it made a password reset impossible.
    response = client_for(member).post(
        reverse("accounts:profile"), {"display_name": "Alice Typed", "email": "  "}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "without one, you could not reset your password" in page
    assert 'value="Alice Typed"' in page  # the form comes back filled
    member.refresh_from_db()
    assert (member.email, member.display_name) == ("alice@example.org", "Alice Member")
    assert "Alice Typed" not in page.split("<main")[0]  # not shown as saved in the header


def test_the_profile_service_refuses_to_clear_the_email_address(member) -> None:
    from django.core.exceptions import ValidationError

    from accounts.services import user_update_profile

    with pytest.raises(ValidationError) as refused:
        user_update_profile(user=member, display_name="", email="", wants_daily_digest=False)
    assert "reset your password" in refused.value.message_dict["email"][0]


def test_profile_changes_the_display_name(member) -> None:
    client = client_for(member)
    client.post(reverse("accounts:profile"), {"display_name": "Alice B.", "email": member.email})
    member.refresh_from_db()
    assert member.display_name == "Alice B."


def test_create_user_command_with_roles(db, monkeypatch) -> None:
    def stdin(text: str) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO(text))

    stdin("a very good passphrase\n")
    call_command("create_user", "ed", "--role", "editor", "--password-stdin", stdout=io.StringIO())
    ed = User.objects.get(username="ed")
    assert ed.is_editor and not ed.is_staff
    call_command("create_user", "ed", "--role", "admin", "--set-role", stdout=io.StringIO())
    ed.refresh_from_db()
    assert ed.is_admin and ed.is_staff and ed.is_superuser
    stdin("a very good passphrase\n")
    with pytest.raises(CommandError, match="taken"):
        call_command("create_user", "ed", "--password-stdin")
    stdin("abc\n")
    with pytest.raises(CommandError, match=r"too short|too common"):
        call_command("create_user", "weak", "--password-stdin")


def test_seed_command_creates_demo_accounts_only_locally(db, settings, monkeypatch) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", "demo password here")
    out = io.StringIO()
    call_command("seed", stdout=out)
    call_command("seed", stdout=out)  # repeatable
    assert User.objects.get(username="editor").is_editor
    assert User.objects.get(username="comrade").role == "member"
    assert User.objects.get(username="comrade").check_password("demo password here")
    chair = User.objects.get(username="chair")
    assert chair.is_congress_chair and chair.records_votes and not chair.is_editor
    assert "chair / demo password here" in out.getvalue()
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="local mode"):
        call_command("seed", stdout=out)


@pytest.mark.parametrize("invisible", ["\u200b\u200b", " \u00ad ", "\u200e\u2066", "\t"])
def test_a_display_name_of_invisible_characters_is_no_name(member, invisible: str) -> None:
    client = client_for(member)
    client.post(
        reverse("accounts:profile"),
        {"display_name": invisible, "email": member.email},
    )
    member.refresh_from_db()
    assert member.display_name == ""
    assert member.public_name == "alice"  # the username shows instead


def test_display_names_are_one_line_with_single_spaces(member) -> None:
    client_for(member).post(
        reverse("accounts:profile"), {"display_name": " Rosa \n  Luxemburg ", "email": member.email}
    )
    member.refresh_from_db()
    assert member.display_name == "Rosa Luxemburg"


def test_the_create_user_service_cleans_display_names_too(db) -> None:
    from accounts.services import user_create

    user = user_create(username="zw", password="x", display_name="\u200b", validate=False)
    assert (user.display_name, user.public_name) == ("", "zw")


def test_a_log_in_that_names_a_page_off_the_site_says_where_it_went(client, member) -> None:
    # The address was dropped without a word.
    response = client.post(
        reverse("accounts:login"),
        {"username": "alice", "password": PASSWORD, "next": "https://evil.example/phish"},
        follow=True,
    )
    assert response.redirect_chain == [("/", 302)]
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        "The page to return to after logging in was not one of the desk's, so you are on the "
        "Manifesto's first page instead."
    ]
    ordinary = client_for(None).post(
        reverse("accounts:login"), {"username": "alice", "password": PASSWORD, "next": "/review/"}
    )
    assert ordinary["Location"] == "/review/"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("username", "u" * 151, "The username is 151 characters; the maximum is 150."),
        ("display_name", "Rosa " * 17, "The display name is 84 characters; the maximum is 80."),
    ],
)
def test_the_create_user_command_names_the_limit(db, monkeypatch, field, value, message) -> None:
    # A username over its column's size was a server error on PostgreSQL.
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase 42\n"))
    arguments = {"username": "zw", "display_name": "Z"} | {field: value}
    with pytest.raises(CommandError, match=message):
        call_command(
            "create_user",
            arguments["username"],
            "--display-name",
            arguments["display_name"],
            "--password-stdin",
        )
    assert not User.objects.exists()
