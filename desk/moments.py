"""The moment each request arrived: the services judge a round's deadline at it, so a proposal
sent before the deadline is taken even if the server gets to it after."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from common import clock


class ReceivedAtMiddleware:
    """Set ``request.received_at`` (read with ``common.moments.received_at``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.received_at = clock.now()  # type: ignore[attr-defined]  # our own attribute
        return self.get_response(request)
