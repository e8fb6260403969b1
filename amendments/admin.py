"""Read-only views of the desk's records: decisions are taken on the desk's own pages, where
the services enforce the rules and keep the log."""

from django.contrib import admin

from amendments.models import Amendment, Comment, Decision, Support
from common.admin_mixins import AdminActionsOnListedIds


class _ReadOnly(AdminActionsOnListedIds, admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Amendment)
class AmendmentAdmin(_ReadOnly):
    list_display = (
        "id",
        "title",
        "chapter",
        "status",
        "kind",
        "author",
        "word_delta",
        "accepted_word_delta",
        "created_at",
    )
    list_filter = ("status", "kind", "chapter")
    search_fields = ("title", "proposed_text", "reason")
    list_select_related = ("chapter", "author")


@admin.register(Comment)
class CommentAdmin(_ReadOnly):
    list_display = ("id", "author", "amendment", "paragraph", "created_at", "is_deleted")
    list_select_related = ("author",)


@admin.register(Decision)
class DecisionAdmin(_ReadOnly):
    list_display = ("created_at", "chapter", "action", "actor", "amendment", "reason")
    list_filter = ("action", "chapter")
    list_select_related = ("chapter", "actor", "amendment")


@admin.register(Support)
class SupportAdmin(_ReadOnly):
    list_display = ("amendment", "user", "created_at")
