"""The Django admin of the text store: milestones, and the read-only history every admin page
of a tracked model shows. The Manifesto, its chapters and paragraphs are registered by the
amendments app (amendments/admin.py): their changes go through the desk's services, so the
word-count guard and the decision log cannot be bypassed there."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from common.admin_mixins import AdminActionsOnListedIds
from common.fields import DeskCharField
from manifesto.models import Milestone


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


class MilestoneAdminForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ("chapter", "name", "moment", "created_by")
        field_classes = {"name": DeskCharField}


@admin.register(Milestone)
class MilestoneAdmin(AdminActionsOnListedIds, admin.ModelAdmin):
    form = MilestoneAdminForm
    list_display = ("chapter", "name", "moment", "created_by")
