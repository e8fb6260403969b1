"""The Django admin of the text store: milestones, and the read-only history every admin page
of a tracked model shows. The Manifesto, its chapters and paragraphs are registered by the
amendments app (amendments/admin.py): their changes go through the desk's services, so the
word-count guard and the decision log cannot be bypassed there."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from common.admin_mixins import AdminActionsOnListedIds


class ReadOnlyHistoryAdmin(AdminActionsOnListedIds, SimpleHistoryAdmin):
    """The admin's history pages show versions; none can be saved back from there."""

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method != "GET":
            raise PermissionDenied(
                "The history is read-only. Editors restore a version on the paragraph's "
                "history page, where the word limit is checked."
            )
        return super().history_form_view(request, object_id, version_id, extra_context)
