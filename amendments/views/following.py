"""Following things, and the notifications page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from accounts.auth import signed_in
from accounts.limits import rate_limit
from amendments import selectors
from amendments.models import Amendment, Notification
from amendments.services.following import Followable, follow_set
from amendments.services.notifications import (
    notification_mark_read,
    notifications_mark_all_read,
)
from amendments.views._helpers import get_chapter, get_paragraph


@login_required
@require_safe
def notifications(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    context = {
        "page": selectors.notifications_page(user, request.GET.get("page")),
        "following": selectors.followed_by(user),
    }
    return render(request, "amendments/notifications.html", context)


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    notification = get_object_or_404(
        selectors.with_details(Notification.objects.filter(recipient=user)), pk=pk
    )
    notification_mark_read(user=user, notification=notification)
    return redirect(selectors.target_path(notification))


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(user=signed_in(request))
    messages.success(request, f"{count} notice(s) marked read." if count else "Nothing was unread.")
    return redirect("amendments:notifications")


def _follow(request: HttpRequest, thing: Followable, back: str) -> HttpResponse:
    what = {"Chapter": "chapter", "Paragraph": "paragraph"}.get(type(thing).__name__, "amendment")
    wanted = request.POST.get("follow")
    if wanted not in ("0", "1"):
        # The button sends 1 or 0; anything else is an altered form, and nothing is changed.
        messages.error(
            request, f"The form asked neither to follow nor to stop following this {what}."
        )
        return redirect(back)
    active = wanted == "1"
    follow_set(user=signed_in(request), thing=thing, active=active)
    if active:
        messages.success(
            request, f"You follow this {what}: its news is on your notifications page."
        )
    else:
        messages.success(request, f"You no longer follow this {what}.")
    return redirect(back)


@login_required
@require_POST
@rate_limit("follow", "120/h")
def follow_chapter(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = get_chapter(slug)
    return _follow(request, chapter, chapter.get_absolute_url())


@login_required
@require_POST
@rate_limit("follow", "120/h")
def follow_paragraph(request: HttpRequest, slug: str, key: int) -> HttpResponse:
    paragraph = get_paragraph(slug, key)
    return _follow(request, paragraph, paragraph.get_absolute_url())


@login_required
@require_POST
@rate_limit("follow", "120/h")
def follow_amendment(request: HttpRequest, pk: int) -> HttpResponse:
    amendment = get_object_or_404(Amendment, pk=pk)
    return _follow(request, amendment, amendment.get_absolute_url())
