"""Two small middlewares (the Content-Security-Policy header, refusing NUL characters in
addresses) and the page a form refused for its CSRF token comes back to."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render

NUL_REFUSAL = (
    "The address you asked for contains a NUL character (U+0000), which no text here can hold. "
    "It sometimes comes with text pasted from another program: remove it and try again."
)


class ContentSecurityPolicyMiddleware:
    """Send ``settings.CONTENT_SECURITY_POLICY`` with every response that sets none itself.

    Our pages load scripts and styles only from their own static files, so the policy allows
    nothing inline: injected markup could neither run a script nor restyle a page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        # Django's own debug pages (DEBUG only) are styled and scripted inline.
        debug_page = settings.DEBUG and response.status_code in (404, 500)
        if policy and not debug_page and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class RefuseNulCharactersMiddleware:
    """Answer 400, with a page that says why, a request whose path or query string holds a NUL
    character.

    PostgreSQL can neither store nor compare text containing one, so such a value would become
    a server error wherever it reached a query (a filter, a search, an export's milestone).
    Refusing it at the door covers every page, the admin included. A form's fields are the
    forms' business: each text field removes a NUL and says so (common/fields.py), every
    other field refuses what is not a number or a choice, and the form comes back filled in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            return render(request, "400.html", {"reason": NUL_REFUSAL}, status=400)
        return self.get_response(request)


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The desk's own page for a form refused for its CSRF token (settings.CSRF_FAILURE_VIEW):
    what happened, that nothing was saved, and how to get the text back."""
    context = {"cookie_missing": reason == REASON_NO_CSRF_COOKIE}
    return render(request, "403_csrf.html", context, status=403)
