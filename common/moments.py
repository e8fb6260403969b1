"""The moment a request arrived (set by desk.moments.ReceivedAtMiddleware)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest

from common import clock


def received_at(request: HttpRequest) -> datetime:
    """When ``request`` arrived; now for a request the middleware did not see (a test's)."""
    moment = getattr(request, "received_at", None)
    return moment if isinstance(moment, datetime) else clock.now()
