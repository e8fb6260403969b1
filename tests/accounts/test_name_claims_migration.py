"""The migration that claims the names of existing users: it never fails on a collision."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0002_rate_counter")]
AFTER = [("accounts", "0003_name_claims")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_afterwards")
def test_existing_lookalike_names_are_claimed_once_and_the_migration_does_not_fail(
    capsys,
) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    OldUser = old_apps.get_model("accounts", "User")

    def user(username: str, display_name: str = "", role: str = "member"):  # type: ignore[no-untyped-def]
        return OldUser.objects.create(username=username, display_name=display_name, role=role)

    member = user("mallory", "Erin Editor")  # joined first, took the editor's name
    editor = user("erin", "Erin\u200bEditor", role="editor")
    copycat = user("bob", "ERIN")  # a username that is not his
    twin = user("Erin")  # only the exact spelling of usernames was unique
    honest = user("ana", "Ana \u202eB")  # an override left open
    empty = user("zed", "\u200b")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    from accounts.models import NameClaim, User
    from textcore.oneline import name_key

    names = dict(User.objects.values_list("pk", "display_name"))
    assert names[editor.pk] == "ErinEditor"  # editors first, and cleaned
    assert names[member.pk] == ""  # the member's copy is cleared: the username shows
    assert names[copycat.pk] == ""
    assert names[honest.pk] == "Ana B"
    assert names[empty.pk] == ""
    assert NameClaim.objects.get(key=name_key("erin")).user_id == editor.pk
    assert NameClaim.objects.get(key=name_key("Erin Editor")).user_id == editor.pk
    assert not NameClaim.objects.filter(user_id=twin.pk).exists()
    assert NameClaim.objects.filter(user_id=member.pk).count() == 1  # "mallory"
    printed = capsys.readouterr().out
    assert "username 'Erin'" in printed and "display name 'Erin Editor' of 'mallory'" in printed
