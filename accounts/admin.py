from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import Invitation, User
from accounts.services import user_set_role


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "display_name", "email", "role", "is_active", "date_joined")
    list_filter = ("role", "is_active")
    search_fields = ("username", "display_name", "email")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Amendment desk", {"fields": ("display_name", "role", "wants_daily_digest")}),
    )

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        # The role decides staff/superuser rights; one service keeps them in step.
        user_set_role(user=obj, role=obj.role)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("code", "note", "uses", "max_uses", "expires_at", "created_by", "created_at")
    readonly_fields = ("uses", "created_by", "created_at")
    search_fields = ("code", "note")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
