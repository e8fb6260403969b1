"""Small helpers the desk's views share."""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.datastructures import MultiValueDict

from accounts.models import User
from amendments.rules import RESTART_FROM
from manifesto.models import Chapter, Paragraph


def get_paragraph(slug: str, key: int) -> Paragraph:
    """The paragraph ``key`` of chapter ``slug`` (with chapter and Manifesto) or 404."""
    return get_object_or_404(
        Paragraph.objects.select_related("chapter__manifesto", "chapter__reference_milestone"),
        chapter__slug=slug,
        key=key,
    )


def get_chapter(slug: str) -> Chapter:
    return get_object_or_404(
        Chapter.objects.select_related("manifesto", "reference_milestone"), slug=slug
    )


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


def start_again_from(form: Form, shown_version_id: int) -> None:
    """After "the paragraph changed while you were writing", or a form naming a version that is
    not the paragraph's own, the next submission is written against the version the service
    named in its refusal (``RESTART_FROM``); after a hidden version field the form itself
    refused, against the version the page shows (``shown_version_id``)."""
    if not form.is_bound:
        return
    restart = restart_version(form)
    if restart is None and form.has_error("seen_version"):
        restart = shown_version_id
    if restart is not None:
        show_instead(form, seen_version=str(restart))


def show_instead(form: Form, **values: str) -> None:
    """Make the bound ``form`` show ``values`` in place of those sent with it, everything else
    as sent (a copy: request.POST cannot be changed)."""
    sent = form.data
    data: MutableMapping[str, Any] = sent.copy() if isinstance(sent, MultiValueDict) else dict(sent)
    for name, value in values.items():
        data[name] = value
    form.data = data


def restart_version(form: Form) -> int | None:
    """The version a service's refusal on ``form`` says to start again from, if any."""
    for errors in form.errors.as_data().values():
        for error in errors:
            params = error.params if isinstance(error.params, dict) else {}
            if RESTART_FROM in params:
                return int(params[RESTART_FROM])
    return None


def require_editor(user: User | AnonymousUser) -> None:
    if not (user.is_authenticated and user.is_editor):
        raise PermissionDenied("Only editors can do this.")


@dataclass(frozen=True)
class FormPage:
    """What the page of a refused form says around it (see ``form_again``)."""

    heading: str
    action_url: str
    submit_label: str
    back_url: str
    back_label: str
    quoted: str = ""
    quoted_by: str = ""


def form_again(request: HttpRequest, form: Form, page: FormPage) -> HttpResponse:
    """The page a refused form comes back on when it was sent from a panel of a bigger page (a
    reply, a rejection, a revert): the form filled with what was typed, and why it was refused."""
    return render(request, "amendments/form_again.html", {"form": form, "page": page})
