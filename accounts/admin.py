from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    UserChangeForm,
)
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest

from accounts.auth import signed_in
from accounts.forms import DeskUsernameField, NameFieldsMixin, new_password_fields
from accounts.models import Invitation, User
from accounts.services import user_names_claim, user_set_role
from common.admin_mixins import AdminActionsOnListedIds
from common.fields import DeskCharField, DeskEmailField


class DeskUserChangeForm(NameFieldsMixin, UserChangeForm):
    """The admin's user form, with names and addresses counted as the desk counts them, and
    names refused as sign-up and the profile refuse them."""

    class Meta(UserChangeForm.Meta):
        model = User
        field_classes = {
            "username": DeskUsernameField,
            "first_name": DeskCharField,
            "last_name": DeskCharField,
            "email": DeskEmailField,
            "display_name": DeskCharField,
        }


class DeskAdminUserCreationForm(NameFieldsMixin, AdminUserCreationForm):
    password1, password2 = new_password_fields("Password")

    class Meta(AdminUserCreationForm.Meta):
        model = User
        field_classes = {"username": DeskUsernameField}


class DeskAdminPasswordChangeForm(AdminPasswordChangeForm):
    password1, password2 = new_password_fields("Password")


@admin.register(User)
class UserAdmin(AdminActionsOnListedIds, DjangoUserAdmin):
    form = DeskUserChangeForm
    add_form = DeskAdminUserCreationForm
    change_password_form = DeskAdminPasswordChangeForm
    list_display = ("username", "display_name", "email", "role", "is_active", "date_joined")
    list_filter = ("role", "is_active")
    search_fields = ("username", "display_name", "email")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            "Amendment desk",
            {"fields": ("display_name", "role", "wants_daily_digest", "deadline_reminders")},
        ),
    )

    def save_model(
        self, request: HttpRequest, obj: User, form: forms.ModelForm[User], change: bool
    ) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            # The role decides staff/superuser rights; one service keeps them in step, and
            # another keeps the names the user goes by claimed.
            user_set_role(user=obj, role=obj.role)
            user_names_claim(user=obj)


class InvitationAdminForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ("code", "note", "max_uses", "expires_at")
        field_classes = {"code": DeskCharField, "note": DeskCharField}


@admin.register(Invitation)
class InvitationAdmin(AdminActionsOnListedIds, admin.ModelAdmin):
    form = InvitationAdminForm
    list_display = ("code", "note", "uses", "max_uses", "expires_at", "created_by", "created_at")
    readonly_fields = ("uses", "created_by", "created_at")
    search_fields = ("code", "note")

    def save_model(
        self, request: HttpRequest, obj: Invitation, form: InvitationAdminForm, change: bool
    ) -> None:
        if not change:
            obj.created_by = signed_in(request)
        super().save_model(request, obj, form, change)


admin.site.unregister(Group)


@admin.register(Group)
class DeskGroupAdmin(AdminActionsOnListedIds, GroupAdmin):
    pass
