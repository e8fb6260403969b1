"""A mixin for the admin pages of every app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

if TYPE_CHECKING:
    # What the mixin is mixed into, for the checker; at run time it is a plain class.
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object


class AdminActionsOnListedIds(_ModelAdmin):
    """A ModelAdmin mixin: an action on ids no changelist shows ("abc", a NUL, a number past 64
    bits) is refused with a message. The admin filters by them as they come, which is a server
    error for anything but a number a database id can be."""

    def response_action(
        self, request: HttpRequest, queryset: QuerySet[Any], *args: Any, **kwargs: Any
    ) -> HttpResponse | None:
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(pk.isascii() and pk.isdecimal() and len(pk) <= 18 for pk in selected):
            messages.error(
                request,
                "The form was altered: it chose items by something that is not one of their "
                "numbers. Nothing was changed.",
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset, *args, **kwargs)
