"""Small helpers the desk's views share."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from accounts.models import User
from manifesto.models import Chapter, Paragraph


def get_paragraph(slug: str, key: int) -> Paragraph:
    """The paragraph ``key`` of chapter ``slug`` (with chapter and Manifesto) or 404."""
    return get_object_or_404(
        Paragraph.objects.select_related("chapter__manifesto"), chapter__slug=slug, key=key
    )


def get_chapter(slug: str) -> Chapter:
    return get_object_or_404(Chapter.objects.select_related("manifesto"), slug=slug)


def add_service_errors(
    form: Form, error: ValidationError, field_map: dict[str, str] | None = None
) -> None:
    """Show a service's refusal on the form, field by field where it names fields."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = (field_map or {}).get(field, field)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, error)


def require_editor(user) -> None:  # type: ignore[no-untyped-def]
    if not (user.is_authenticated and user.is_editor):
        raise PermissionDenied("Only editors can do this.")


def signed_in(request: HttpRequest) -> User:
    """The logged-in user of a view behind login_required (typed as our User)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Log in first.")
    return user
