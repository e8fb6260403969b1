"""Rate limits and the log-in lock-out, counted in the database.

Counters live in the database, not in one process's memory, so a limit holds however many
gunicorn workers and app servers answer: each hit is one atomic UPDATE of a row that every
process sees. Windows are fixed (a limit of 10 a minute allows 10 from 12:00:00 to 12:00:59).
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import RateCounter
from common import clock

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

# What the 429 page tells someone who hit the limit of each action.
SCOPE_MESSAGES = {
    "login": "You have tried to log in many times in a short time.",
    "signup": "Many accounts were created from your network in a short time.",
    "password-reset": "Many password resets were asked for from your network in a short time.",
    "propose": "You have sent many amendments and previews in a short time.",
    "preview": "You have asked for many previews in a short time.",
    "support": "You have supported and withdrawn support many times in a short time.",
    "comment": "You have posted many comments in a short time.",
    "follow": "You have followed and unfollowed many times in a short time.",
    "pack": "You have made many congress packs in a short time.",
    "pack-manifesto": "You have made many congress packs of the whole Manifesto in a short time.",
}

LOGIN_FAILURES_ALLOWED = 5
LOGIN_LOCK_SECONDS = 15 * 60


@dataclass(frozen=True)
class Rate:
    """A number of hits allowed in a window of some seconds, written like "10/m" or "5/15m"."""

    hits: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        count, _, period = text.partition("/")
        multiple, unit = period[:-1] or "1", period[-1]
        return cls(int(count), int(multiple) * _UNITS[unit])


@dataclass(frozen=True)
class Usage:
    hits: int
    allowed: int
    retry_after: int

    @property
    def over(self) -> bool:
        return self.hits > self.allowed


def _now() -> int:
    return int(clock.now().timestamp())


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def rate_hit(*, scope: str, key: str, rate: Rate) -> Usage:
    """Count one hit of `key` on `scope` in the current window and return the window's usage."""
    now = _now()
    window_start = now - now % rate.seconds
    expires_at = window_start + rate.seconds
    row = {"scope": scope, "key": _digest(key), "window_start": window_start}
    with transaction.atomic():
        if not RateCounter.objects.filter(**row).update(hits=F("hits") + 1):
            try:
                with transaction.atomic():
                    RateCounter.objects.create(**row, expires_at=expires_at, hits=1)
            except IntegrityError:  # another process opened the window first
                RateCounter.objects.filter(**row).update(hits=F("hits") + 1)
            else:
                RateCounter.objects.filter(expires_at__lt=now).delete()
        hits = RateCounter.objects.values_list("hits", flat=True).get(**row)
    return Usage(hits=hits, allowed=rate.hits, retry_after=max(expires_at - now, 1))


def client_ip(request: HttpRequest) -> str:
    """The client's address; behind TRUSTED_PROXIES proxies, the one they put in X-Forwarded-For."""
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        if len(forwarded) >= proxies and forwarded[-proxies]:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def too_many_requests(request: HttpRequest, *, scope: str, retry_after: int) -> HttpResponse:
    """The 429 page: what was limited and how long to wait."""
    minutes = math.ceil(retry_after / 60)
    context = {"message": SCOPE_MESSAGES.get(scope, ""), "minutes": minutes}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limit(scope: str, rate: str, *, key: str = "user") -> Callable[[Any], Any]:
    """Refuse a view's POSTs with a 429 page once a client went over `rate` on `scope`.

    `key` is "user" (the signed-in member; views with it require log-in) or "ip".
    """
    parsed = Rate.parse(rate)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST" and settings.RATELIMIT_ENABLE:
                client = (
                    f"user:{request.user.pk}"
                    if key == "user" and request.user.is_authenticated
                    else f"ip:{client_ip(request)}"
                )
                usage = rate_hit(scope=scope, key=client, rate=parsed)
                if usage.over:
                    return too_many_requests(request, scope=scope, retry_after=usage.retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _login_key(username: str) -> str:
    return username.strip().casefold()


def login_lock_remaining(username: str) -> int:
    """Seconds until log-in to this account is allowed again; 0 when it is not locked."""
    lock = (
        RateCounter.objects.filter(
            scope="login-lock", key=_digest(_login_key(username)), expires_at__gt=_now()
        )
        .values_list("expires_at", flat=True)
        .first()
    )
    return lock - _now() if lock else 0


def login_failure_record(username: str) -> int:
    """Count a failed log-in; the fifth within 15 minutes locks the account for 15 minutes.

    Returns the seconds the account is now locked for (0 while it is not).
    """
    key = _login_key(username)
    failures = rate_hit(
        scope="login-failures", key=key, rate=Rate(LOGIN_FAILURES_ALLOWED, LOGIN_LOCK_SECONDS)
    )
    if failures.hits < LOGIN_FAILURES_ALLOWED:
        return 0
    now = _now()
    with transaction.atomic():
        RateCounter.objects.filter(scope="login-failures", key=_digest(key)).delete()
        RateCounter.objects.get_or_create(
            scope="login-lock",
            key=_digest(key),
            window_start=now,
            defaults={"expires_at": now + LOGIN_LOCK_SECONDS, "hits": failures.hits},
        )
    return LOGIN_LOCK_SECONDS


def login_failures_clear(username: str) -> None:
    """Forget failed attempts once the right password was given."""
    RateCounter.objects.filter(scope="login-failures", key=_digest(_login_key(username))).delete()
