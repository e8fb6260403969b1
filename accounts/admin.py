from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.db import transaction

from accounts.forms import NameFieldsMixin
from accounts.models import Invitation, User
from accounts.services import user_names_claim, user_set_role


class AdminUserChangeForm(NameFieldsMixin, UserChangeForm):  # type: ignore[misc]
    """The admin's user form refuses names as sign-up and the profile do."""


class AdminUserCreationForm(NameFieldsMixin, UserCreationForm):  # type: ignore[misc]
    pass


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    list_display = ("username", "display_name", "email", "role", "is_active", "date_joined")
    list_filter = ("role", "is_active")
    search_fields = ("username", "display_name", "email")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Amendment desk", {"fields": ("display_name", "role", "wants_daily_digest")}),
    )

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            # The role decides staff/superuser rights; one service keeps them in step, and
            # another keeps the names the user goes by claimed.
            user_set_role(user=obj, role=obj.role)
            user_names_claim(user=obj)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("code", "note", "uses", "max_uses", "expires_at", "created_by", "created_at")
    readonly_fields = ("uses", "created_by", "created_at")
    search_fields = ("code", "note")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
