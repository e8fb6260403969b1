from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.auth import signed_in
from accounts.limits import rate_limit
from amendments import selectors
from amendments.forms import EditForm, ProposeForm
from amendments.ledger import chapter_ledger
from amendments.models import Amendment
from amendments.permissions import amendment_permissions
from amendments.rules import same_words
from amendments.selectors import Preview
from amendments.services.proposing import (
    amendment_edit,
    amendment_propose,
    amendment_withdraw,
    support_add,
    support_remove,
)
from amendments.views._helpers import (
    add_service_errors,
    get_paragraph,
    show_instead,
    start_again_from,
)
from common.moments import received_at
from manifesto.models import Paragraph
from manifesto.reference import paragraph_citation
from manifesto.selectors import body_numbers, latest_version


def _preview_for(
    form: ProposeForm, paragraph: Paragraph, kind: str | None = None
) -> Preview | None:
    """The diff and budget of the form's text; none for a text the form refused (past its
    limit there is nothing to preview, and diffing a pasted megabyte would keep a worker busy
    for many seconds)."""
    form.is_valid()
    text = form.cleaned_data.get("text")
    kind = kind or form.cleaned_data.get("kind") or Amendment.Kind.REPLACE
    if text is None:
        return None
    return selectors.proposal_preview(paragraph=paragraph, kind=kind, text=text)


@dataclass(frozen=True)
class _Sent:
    """What became of a proposal form sent to the propose or edit page."""

    response: HttpResponse | None = None  # the redirect to the amendment, once it was saved
    preview: Preview | None = None
    box_note: str = ""


def _send_proposal(
    request: HttpRequest,
    form: ProposeForm,
    paragraph: Paragraph,
    *,
    save: Callable[[dict[str, Any]], Amendment],
    done: str,
    kind: str | None = None,
    fill_box: bool = False,
) -> _Sent:
    """Preview or save what the member sent (a new amendment or an edit of theirs): a refused
    form comes back filled, with the refusal and the preview of its text; ``fill_box`` lets
    the box follow a change of kind (see ``_box_for_kind``). ``done`` names the amendment as
    ``{pk}``."""
    if request.method != "POST":
        return _Sent()
    if not form.is_valid():
        return _Sent(preview=_preview_for(form, paragraph, kind))
    if request.POST.get("action") == "preview":
        note = _box_for_kind(form, paragraph) if fill_box else ""
        return _Sent(preview=_preview_for(form, paragraph, kind), box_note=note)
    try:
        amendment = save(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        if fill_box:
            _box_for_kind(form, paragraph)
        return _Sent(preview=_preview_for(form, paragraph, kind))
    messages.success(request, done.format(pk=amendment.pk))
    return _Sent(response=redirect(amendment))


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("propose", "60/h")
def propose(request: HttpRequest, slug: str, key: int) -> HttpResponse:
    paragraph = get_paragraph(slug, key)
    chapter = paragraph.chapter
    latest = latest_version(paragraph)
    kind = request.GET.get("kind", "")
    kind = kind if kind in Amendment.Kind.values else Amendment.Kind.REPLACE
    initial = {
        # An addition is new text: its box starts empty, not with a copy of the paragraph.
        "text": "" if kind == Amendment.Kind.INSERT else paragraph.text.strip(),
        "kind": kind,
        "seen_version": latest.history_id,
    }
    form = ProposeForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> Amendment:
        return amendment_propose(
            author=signed_in(request),
            paragraph=paragraph,
            kind=data["kind"],
            insert_kind=data["insert_kind"] or "",
            title=data["title"],
            text=data["text"],
            reason=data["reason"],
            seen_version_id=data["seen_version"],
            at=received_at(request),
        )

    sent = _send_proposal(
        request, form, paragraph, save=save, done="Amendment #{pk} was submitted.", fill_box=True
    )
    if sent.response is not None:
        return sent.response
    start_again_from(form, latest.history_id)
    numbers = body_numbers([chapter])
    return render(
        request,
        "amendments/propose.html",
        {
            "chapter": chapter,
            "paragraph": paragraph,
            "number": numbers.get(paragraph.pk),
            "citation": paragraph_citation(paragraph, numbers.get(paragraph.pk)),
            "reference_name": chapter.reference_name,
            "form": form,
            "preview": sent.preview,
            "box_note": sent.box_note,
            "ledger": sent.preview.ledger if sent.preview else chapter_ledger(chapter),
        },
    )


def _box_for_kind(form: ProposeForm, paragraph: Paragraph) -> str:
    """Without JavaScript nothing clears or fills the box when the member switches the kind:
    an addition still holding the paragraph's own text starts empty, and a change left empty
    starts from the paragraph. Returns what the page says about it ('' if nothing changed)."""
    kind, text = form.data.get("kind"), form.data.get("text", "")
    if kind == Amendment.Kind.INSERT and text.strip() and same_words(text, paragraph.text):
        box, note = "", "An addition starts from an empty box: write the new paragraph in it."
    elif kind == Amendment.Kind.REPLACE and not text.strip():
        box, note = paragraph.text.strip(), "A change starts from the paragraph's text: edit it."
    else:
        return ""
    show_instead(form, text=box)
    return note


@login_required
@require_POST
@rate_limit("preview", "600/h")
def preview(request: HttpRequest, slug: str, key: int) -> HttpResponse:
    """The live preview's partial: the same diff, delta and budget the no-JS preview shows."""
    paragraph = get_paragraph(slug, key)
    form = ProposeForm(request.POST)
    form.is_valid()
    refused = form.errors.get("text") or form.errors.get("kind")
    if refused:
        # The page's own form shows the refusal when it is sent; the live preview only says
        # why it stopped. A text over the limit is "too large" (413), anything else 400.
        status = 413 if form.has_error("text", "max_length") else 400
        return HttpResponse(" ".join(map(str, refused)), status=status, content_type="text/plain")
    preview = _preview_for(form, paragraph)
    return render(
        request,
        "amendments/_partials/proposal_preview.html",
        {"preview": preview, "chapter": paragraph.chapter},
    )


SUPPORT_ALTERED = (
    "The form was altered: it neither adds nor withdraws your support. Nothing was changed."
)


def _own_amendment(request: HttpRequest, pk: int) -> Amendment:
    try:
        amendment = selectors.amendment_for_page(pk, request.user)
    except Amendment.DoesNotExist:
        raise Http404("No such amendment.") from None
    if amendment.author_id != request.user.pk:
        raise PermissionDenied("Only the author can change this amendment.")
    return amendment


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    amendment = _own_amendment(request, pk)
    paragraph = amendment.paragraph
    paragraph.chapter = amendment.chapter
    if not amendment_permissions(request.user, amendment).edit:
        messages.error(request, "Only pending or in-conflict amendments can be edited.")
        return redirect(amendment)
    latest = latest_version(paragraph)
    conflict = None
    if amendment.status == Amendment.Status.CONFLICT:
        conflict = selectors.conflict_update(
            amendment, from_original=request.GET.get("start") == "original"
        )
    initial = {
        "seen_version": latest.history_id,
        "title": amendment.title,
        "reason": amendment.reason,
        "text": conflict.starting_text if conflict else amendment.proposed_text.strip(),
    }
    form = EditForm(request.POST or None, initial=initial, kind=amendment.kind)

    def save(data: dict[str, Any]) -> Amendment:
        return amendment_edit(
            amendment=amendment,
            user=signed_in(request),
            title=data["title"],
            text=data["text"],
            reason=data["reason"],
            seen_version_id=data["seen_version"],
            at=received_at(request),
        )

    done = "Amendment #{pk} was updated."
    sent = _send_proposal(request, form, paragraph, save=save, done=done, kind=amendment.kind)
    if sent.response is not None:
        return sent.response
    start_again_from(form, latest.history_id)
    return render(
        request,
        "amendments/edit.html",
        {
            "amendment": amendment,
            "chapter": amendment.chapter,
            "paragraph": paragraph,
            "form": form,
            "conflict": conflict,
            "preview": sent.preview,
            "ledger": sent.preview.ledger if sent.preview else chapter_ledger(amendment.chapter),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks the author to confirm (there is no undo); POST withdraws."""
    amendment = _own_amendment(request, pk)
    if request.method == "GET":
        if not amendment_permissions(request.user, amendment).withdraw:
            messages.error(
                request,
                f"Amendment #{amendment.pk} is {amendment.get_status_display().lower()}; it can "
                "no longer be withdrawn.",
            )
            return redirect(amendment)
        return render(
            request,
            "amendments/confirm_withdraw.html",
            {"amendment": amendment, "diffs": selectors.amendment_diffs(amendment)},
        )
    try:
        amendment_withdraw(amendment=amendment, user=signed_in(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Amendment #{amendment.pk} was withdrawn.")
    return redirect(amendment)


@login_required
@require_POST
@rate_limit("support", "120/h")
def support(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        amendment = Amendment.objects.get(pk=pk)
    except Amendment.DoesNotExist:
        raise Http404("No such amendment.") from None
    choice = request.POST.get("support", "add")
    try:
        if choice == "remove":
            support_remove(amendment=amendment, user=signed_in(request), at=received_at(request))
            messages.success(request, "You no longer support this amendment.")
        elif choice == "add":
            support_add(amendment=amendment, user=signed_in(request), at=received_at(request))
            messages.success(request, "You support this amendment.")
        else:
            raise ValidationError(SUPPORT_ALTERED)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(amendment)


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    amendments = selectors.member_amendments(signed_in(request))
    return render(request, "amendments/mine.html", {"amendments": amendments})
