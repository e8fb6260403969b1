"""Names people go by: nobody takes a name that looks like another person's, names hold no
direction controls or invisible characters, and editors' and admins' names show their role."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import NameClaim, User
from accounts.services import user_create, user_update_profile
from amendments.services.discussion import comment_post
from tests.amendments.conftest import propose
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

EDITORS_NAME_LOOKALIKES = [
    "Erin Editor",
    "erin editor",
    "ERIN  EDITOR",
    "ErinEditor",
    "Ｅｒｉｎ Editor",  # fullwidth
    "ℰ𝓇𝒾𝓃 Editor",  # mathematical script
    "erin",  # the editor's username
    "ＥＲＩＮ",
]


def _profile(user: User, display_name: str):  # type: ignore[no-untyped-def]
    return client_for(user).post(
        reverse("accounts:profile"), {"display_name": display_name, "email": user.email}
    )


@pytest.mark.parametrize("name", EDITORS_NAME_LOOKALIKES)
def test_a_member_cannot_take_the_editors_name(member, editor, name: str) -> None:
    response = _profile(member, name)
    page = response.content.decode()
    assert response.status_code == 200
    assert "is taken: another person&#x27;s name or username looks the same" in page
    assert f'value="{name}"' in page  # the form comes back filled
    member.refresh_from_db()
    assert member.display_name == "Alice Member"


@pytest.mark.parametrize("name", EDITORS_NAME_LOOKALIKES)
def test_the_profile_service_refuses_the_editors_name_too(member, editor, name: str) -> None:
    with pytest.raises(ValidationError) as refused:
        user_update_profile(
            user=member, display_name=name, email=member.email, wants_daily_digest=False
        )
    assert [e.code for e in refused.value.error_dict["display_name"]] == ["name_taken"]
    member.refresh_from_db()
    assert member.display_name == "Alice Member"


@pytest.mark.parametrize(
    ("name", "character"),
    [
        ("Erin\u200bEditor", "U+200B ZERO WIDTH SPACE"),
        ("Erin\u200dEditor", "U+200D ZERO WIDTH JOINER"),
        ("Bob \u202e(on 2 December)", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("Bob\u2067", "U+2067 RIGHT-TO-LEFT ISOLATE"),
        ("Bob\u200f", "U+200F RIGHT-TO-LEFT MARK"),
        ("Bo\u00adb", "U+00AD SOFT HYPHEN"),
    ],
)
def test_a_name_with_direction_controls_or_invisible_characters_is_refused(
    member, name: str, character: str
) -> None:
    response = _profile(member, name)
    page = response.content.decode()
    assert "cannot hold direction controls or invisible characters" in page
    assert character in page
    member.refresh_from_db()
    assert member.display_name == "Alice Member"
    with pytest.raises(ValidationError):
        user_create(username="zed", password="x", display_name=name, validate=False)


@pytest.mark.parametrize("name", ["Bob (editor)", "Bob [Admin]", "Bob （ editor ）", "(admins)"])
def test_a_name_cannot_carry_a_role(member, name: str) -> None:
    page = _profile(member, name).content.decode()
    assert "cannot carry a role" in page
    member.refresh_from_db()
    assert member.display_name == "Alice Member"


@pytest.mark.parametrize(
    "name",
    ["علی\u200cرضا", "👩\u200d🔬 Alice", "Алиса", "אליס", "Zoë", "Alice 🏳️‍🌈"],
)
def test_real_names_in_any_script_are_kept(member, name: str) -> None:
    assert _profile(member, name).status_code == 302
    member.refresh_from_db()
    assert member.display_name == name


def test_a_member_keeps_their_own_name_in_another_case(member) -> None:
    assert _profile(member, "alice").status_code == 302  # their own username
    assert _profile(member, "ALICE MEMBER").status_code == 302
    assert _profile(member, "Alice Member").status_code == 302
    assert set(NameClaim.objects.filter(user=member).values_list("user", flat=True)) == {member.pk}


def test_a_name_given_up_is_free_for_others(member, other_member) -> None:
    assert _profile(member, "Rosa").status_code == 302
    assert _profile(other_member, "rosa").status_code == 200
    assert _profile(member, "Alice").status_code == 302
    assert _profile(other_member, "rosa").status_code == 302


def test_two_claims_of_one_name_are_refused_by_the_database(member, other_member) -> None:
    # The unique claim, not the form's look-up, is what decides: the second of two requests
    # that both passed the form's check is refused here.
    user_update_profile(
        user=member, display_name="Rosa", email=member.email, wants_daily_digest=False
    )
    with pytest.raises(ValidationError) as refused:
        user_update_profile(
            user=other_member,
            display_name="ROSA",
            email=other_member.email,
            wants_daily_digest=False,
        )
    assert [e.code for e in refused.value.error_dict["display_name"]] == ["name_taken"]
    other_member.refresh_from_db()
    assert other_member.display_name == "Bob Member"


def test_a_new_username_cannot_look_like_a_display_name(editor, client, settings) -> None:
    settings.SIGNUP_REQUIRES_INVITATION = False
    client.post(reverse("accounts:signup"), {"email": "new@example.org"})
    link = mail.outbox[-1].body.split("http://127.0.0.1:8000", 1)[1].split()[0]
    response = client.post(
        link,
        {
            "username": "ErinEditor",
            "display_name": "",
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
        },
    )
    assert response.status_code == 200
    assert "is taken" in response.content.decode()
    assert not User.objects.filter(email="new@example.org").exists()
    with pytest.raises(ValidationError):
        user_create(username="erin.editor".replace(".", ""), password="x", validate=False)


def test_the_create_user_command_refuses_a_username_like_a_display_name(
    editor, monkeypatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a very good passphrase\n"))
    with pytest.raises(CommandError, match="is taken"):
        call_command("create_user", "ERINEDITOR", "--password-stdin", stdout=io.StringIO())


def test_the_create_user_service_folds_compatibility_forms_of_a_username(editor) -> None:
    with pytest.raises(ValidationError):
        user_create(username="ｅｒｉｎ", password="x", validate=False)  # fullwidth "erin"


def test_the_admin_refuses_a_taken_display_name(admin_user, member, editor) -> None:
    client = client_for(admin_user)
    url = reverse("admin:accounts_user_change", args=[member.pk])
    form = client.get(url).context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and key not in ("password", "groups", "user_permissions")
    }
    data.update(
        {
            "display_name": "erin editor",
            "date_joined_0": member.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": member.date_joined.strftime("%H:%M:%S"),
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "is taken" in response.content.decode()
    data["display_name"] = "Alice the Second"
    assert client.post(url, data).status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Alice the Second"
    assert NameClaim.objects.filter(user=member).count() == 2


# --- roles beside names ------------------------------------------------------------------------


def test_editors_and_admins_show_their_role_wherever_their_name_appears(
    member, editor, admin_user, p5
) -> None:
    amendment = propose(member, p5)
    comment_post(author=editor, body="An editor speaks.", amendment=amendment)
    comment_post(author=admin_user, body="An admin speaks.", amendment=amendment)
    comment_post(author=member, body="A member speaks.", amendment=amendment)
    page = client_for(member).get(amendment.get_absolute_url()).content.decode()
    assert (
        '<bdi class="person">Erin Editor</bdi> <span class="person__role">(editor)</span>' in page
    )
    assert '<bdi class="person">Ada Admin</bdi> <span class="person__role">(admin)</span>' in page
    assert '<bdi class="person">Alice Member</bdi><' in page  # members show none
    assert 'aria-label="Comment by \u2068Erin Editor\u2069 (editor)"' in page
    queue = client_for(editor).get(reverse("amendments:queue")).content.decode()
    assert 'by <bdi class="person">Alice Member</bdi>' in queue
