"""Two people sign up at the same moment with the last use of one invitation, on two real
database connections: exactly one gets an account. PostgreSQL only (CI runs it there)."""

from __future__ import annotations

import time

from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import Invitation, User
from accounts.services import member_sign_up
from tests.amendments.test_concurrency import _at_the_same_moment
from tests.conftest import postgres_only

pytestmark = postgres_only("row-lock proofs need PostgreSQL (set DATABASE_URL; CI runs them there)")


def test_two_sign_ups_racing_for_the_last_use_of_an_invitation_make_one_account(
    settings, monkeypatch
) -> None:
    settings.SIGNUP_REQUIRES_INVITATION = True
    Invitation.objects.create(code="last-one", max_uses=1)
    real_user_create = services.user_create

    def slow_user_create(**kwargs):  # type: ignore[no-untyped-def]
        # After the use was counted, before the transaction ends: a busy server.
        time.sleep(0.4)
        return real_user_create(**kwargs)

    monkeypatch.setattr(services, "user_create", slow_user_create)

    def sign_up(name: str):  # type: ignore[no-untyped-def]
        return lambda: member_sign_up(
            username=name,
            email=f"{name}@example.org",
            password="a long enough passphrase 42",
            display_name=name.title(),
            invitation_code="last-one",
        )

    results = _at_the_same_moment(sign_up("first"), sign_up("second"))
    created = [r for r in results if isinstance(r, User)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(created) == 1 and len(refused) == 1, results
    assert refused[0].code == "invitation_invalid"
    assert Invitation.objects.get(code="last-one").uses == 1
    assert User.objects.count() == 1
