"""Rate limits on sign-up, log-in, proposing and commenting, and the log-in lock-out.

Time is frozen (time-machine) so a run never straddles the edge of a window.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.limits import Rate, rate_hit
from accounts.models import RateCounter, User
from amendments.models import Amendment, Comment
from manifesto.models import Paragraph
from tests.amendments.conftest import body_paragraph
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db

# Ten seconds into a minute and into an hour: every window tested here starts before it.
START = datetime(2026, 11, 26, 12, 0, 10, tzinfo=UTC)


@pytest.fixture
def limits_on(settings):  # type: ignore[no-untyped-def]
    settings.RATELIMIT_ENABLE = True
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def p5(seed_chapter) -> Paragraph:  # type: ignore[no-untyped-def]
    return body_paragraph(seed_chapter, 5)


def _log_in(client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.mark.parametrize(
    ("text", "rate"),
    [("10/m", Rate(10, 60)), ("5/h", Rate(5, 3600)), ("5/15m", Rate(5, 900))],
)
def test_rates_are_written_as_hits_per_period(text: str, rate: Rate) -> None:
    assert Rate.parse(text) == rate


def test_hits_are_counted_per_scope_and_key(limits_on) -> None:
    rate = Rate(3, 60)
    assert [rate_hit(scope="a", key="k", rate=rate).hits for _ in range(4)] == [1, 2, 3, 4]
    assert rate_hit(scope="a", key="other", rate=rate).hits == 1
    assert rate_hit(scope="b", key="k", rate=rate).hits == 1


def test_a_new_window_starts_from_zero_and_old_windows_are_deleted(limits_on) -> None:
    rate = Rate(3, 60)
    for _ in range(4):
        rate_hit(scope="a", key="k", rate=rate)
    limits_on.shift(timedelta(minutes=2))
    usage = rate_hit(scope="a", key="k", rate=rate)
    assert (usage.hits, usage.over) == (1, False)
    assert RateCounter.objects.filter(scope="a").count() == 1


def test_log_in_attempts_from_one_address_are_limited(limits_on, member, other_member) -> None:
    client = client_for(None)
    # Different accounts, so the per-account lock-out does not step in first.
    statuses = [_log_in(client, f"nobody{i}", "wrong").status_code for i in range(10)] + [
        _log_in(client, "alice", PASSWORD).status_code
    ]
    assert statuses == [200] * 10 + [429]
    last = _log_in(client, "bob", PASSWORD)
    assert last.status_code == 429
    assert "tried to log in many times" in last.content.decode()
    assert 0 < int(last["Retry-After"]) <= 60
    limits_on.shift(timedelta(minutes=1))
    assert _log_in(client, "bob", PASSWORD).status_code == 302


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(limits_on, member) -> None:
    client = client_for(None)
    for _ in range(4):
        assert "correct username and password" in _log_in(client, "alice", "x").content.decode()
    fifth = _log_in(client, "Alice", "x").content.decode()  # usernames are matched loosely
    assert "locked for 15 minutes" in fifth
    refused = _log_in(client, "alice", PASSWORD)
    assert refused.status_code == 200
    assert "locked for 15 minutes" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    limits_on.shift(timedelta(minutes=14))
    assert "locked for 1 minute." in _log_in(client, "alice", PASSWORD).content.decode()
    limits_on.shift(timedelta(minutes=1))
    assert _log_in(client, "alice", PASSWORD).status_code == 302


def test_the_lock_out_holds_with_rate_limits_switched_off(member, settings) -> None:
    settings.RATELIMIT_ENABLE = False
    client = client_for(None)
    for _ in range(5):
        _log_in(client, "alice", "x")
    assert "locked" in _log_in(client, "alice", PASSWORD).content.decode()


def test_a_right_password_forgets_earlier_failures(member, other_member, settings) -> None:
    settings.RATELIMIT_ENABLE = False  # more attempts than the per-address limit allows
    client = client_for(None)
    for _ in range(4):
        _log_in(client, "alice", "x")
    assert _log_in(client, "alice", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _log_in(client, "alice", "x")
    assert _log_in(client, "alice", PASSWORD).status_code == 302
    # One account's lock is not another's.
    for _ in range(5):
        _log_in(client, "bob", "x")
    client.logout()
    assert _log_in(client, "alice", PASSWORD).status_code == 302


def test_sign_up_is_limited_per_address(limits_on, settings) -> None:
    settings.SIGNUP_REQUIRES_INVITATION = False
    statuses = []
    for i in range(6):
        client = client_for(None)
        statuses.append(
            client.post(
                reverse("accounts:signup"),
                {"email": f"new{i}@example.org"},
            ).status_code
        )
    assert statuses == [302] * 5 + [429]
    assert [message.to for message in mail.outbox] == [[f"new{i}@example.org"] for i in range(5)]


def test_proposing_is_limited_per_member(limits_on, member, other_member, p5) -> None:
    url = reverse("amendments:propose", args=[p5.chapter.slug, p5.key])

    def submit(user: User, i: int) -> int:
        body = {
            "kind": "replace",
            "text": f"{p5.text} Addition {i}.",
            "title": f"Add {i}",
            "reason": "Clearer.",
            "action": "submit",
        }
        return client_for(user).post(url, body).status_code

    statuses = [submit(member, i) for i in range(61)]
    assert statuses == [302] * 60 + [429]
    assert Amendment.objects.filter(author=member).count() == 60
    assert submit(other_member, 0) == 302


def test_commenting_is_limited_per_member(limits_on, member, p5) -> None:
    client = client_for(member)
    url = reverse("amendments:comment_paragraph", args=[p5.chapter.slug, p5.key])
    statuses = [client.post(url, {"body": f"Point {i}."}).status_code for i in range(61)]
    assert statuses == [302] * 60 + [429]
    page = client.post(url, {"body": "One more."})
    assert "posted many comments" in page.content.decode()
    assert Comment.objects.count() == 60


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(limits_on, settings) -> None:
    settings.TRUSTED_PROXIES = 1
    client = client_for(None)

    def attempt(forwarded_for: str) -> int:
        return client.post(
            reverse("accounts:login"),
            {"username": "nobody", "password": "x"},
            HTTP_X_FORWARDED_FOR=forwarded_for,
        ).status_code

    # The proxy appends the address it saw: the last entry is the client, whatever came before.
    assert [attempt(f"10.0.0.{i}") for i in range(11)] == [200] * 11
    assert [attempt(f"198.51.100.{i}, 10.0.0.50") for i in range(11)] == [200] * 10 + [429]
    settings.TRUSTED_PROXIES = 0  # no proxy: the header is the client's to forge, and ignored
    assert [attempt(f"10.0.1.{i}") for i in range(11)] == [200] * 10 + [429]
