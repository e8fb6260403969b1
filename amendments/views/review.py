from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.auth import signed_in
from accounts.models import User
from amendments import selectors
from amendments.acceptance_preview import acceptance_preview
from amendments.filtering import RECOMMENDATION_FILTER_LABELS, SORT_LABELS
from amendments.forms import (
    AcceptForm,
    AcceptWithChangesForm,
    BatchForm,
    DuplicateForm,
    LimitForm,
    LineNumberingForm,
    ManifestoLimitForm,
    QueueFilterForm,
    ReferenceForm,
    RejectForm,
    ReopenForm,
    RevertForm,
    UnmarkDuplicateForm,
)
from amendments.ledger import chapter_ledger, manifesto_ledger
from amendments.models import Amendment
from amendments.permissions import amendment_permissions
from amendments.queue_cache import QueueShown, queue_page, rendered_groups, rendered_ledgers
from amendments.review_queue import review_queue
from amendments.services.deciding import (
    AcceptItem,
    amendment_accept,
    amendment_accept_with_changes,
    amendment_mark_duplicate,
    amendment_reopen,
    amendment_unmark_duplicate,
    amendments_accept,
    amendments_reject,
)
from amendments.services.limits import chapter_set_limit, manifesto_set_limit
from amendments.services.paragraphs import paragraph_revert
from amendments.services.texts import line_numbering_update, reference_set
from amendments.views._helpers import (
    FormPage,
    add_service_errors,
    form_again,
    get_chapter,
    require_editor,
    start_again_from,
)
from manifesto.selectors import latest_version, manifesto_current

NO_MANIFESTO_YET = (
    "There is no Manifesto yet: its word limit can be set once a chapter has been imported."
)


def _get_amendment(pk: int) -> Amendment:
    return get_object_or_404(Amendment.objects.select_related("chapter", "paragraph"), pk=pk)


def _refusal(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@login_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    require_editor(request.user)
    filter_form = QueueFilterForm(request.GET)
    filters = filter_form.filters()
    page_number = filter_form.page_number()
    query = request.GET.copy()
    query.pop("page", None)
    filter_values = {name: request.GET.get(name, "")[:40] for name in ("paragraph", "lines")}
    notices = filter_form.notices()
    shown = QueueShown(filters, page_number, filter_values, notices, query.urlencode())

    def context() -> dict[str, Any]:
        result = review_queue(manifesto_current(), filters, page_number)
        return {
            "queue": result,
            "groups": rendered_groups(result, signed_in(request)),
            "ledgers": rendered_ledgers(result),
            "filters": filters,
            "filter_notices": shown.notices,
            "filter_values": filter_values,
            "sort_labels": SORT_LABELS,
            "recommendation_labels": RECOMMENDATION_FILTER_LABELS,
            "statuses": Amendment.Status.choices,
            "query": shown.query,
        }

    part = queue_page(request, shown, context)
    return render(request, "amendments/queue.html", {"part": part})


Act = Callable[[Amendment, User, dict[str, Any]], object]


def _decide(
    request: HttpRequest, pk: int, form: forms.Form, act: Act, done: str, page: str
) -> HttpResponse:
    """Run one decision on amendment ``pk`` with ``form``'s input and go back to where the
    editor came from; a refused form that carries what the editor typed comes back with it."""
    amendment = _get_amendment(pk)
    if form.is_valid():
        try:
            act(amendment, signed_in(request), form.cleaned_data)
        except ValidationError as error:
            if not any(value not in (None, "") for value in form.cleaned_data.values()):
                _refusal(request, error)  # nothing typed to keep: say why where they were
                return _back(request, amendment)
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return _back(request, amendment)
    return form_again(
        request,
        form,
        FormPage(
            heading=format_html("{} #{} <bdi>{}</bdi>", page, amendment.pk, amendment.title),
            action_url=request.path,
            submit_label=f"{page} #{amendment.pk}",
            back_url=amendment.get_absolute_url(),
            back_label=f"Amendment #{amendment.pk}",
        ),
    )


def _back(request: HttpRequest, amendment: Amendment) -> HttpResponse:
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = amendment.get_absolute_url()
    return redirect(back)


@login_required
@require_safe
def accept_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """What accepting one amendment would do (its new text, the words, what becomes of the
    other amendments on the paragraph), with the confirmation; nothing is written."""
    require_editor(request.user)
    amendment = get_object_or_404(
        Amendment.objects.select_related("chapter", "paragraph", "author"), pk=pk
    )
    return _accept_preview_page(request, amendment, AcceptForm())


def _accept_preview_page(
    request: HttpRequest, amendment: Amendment, form: AcceptForm
) -> HttpResponse:
    preview = acceptance_preview([amendment], editor=signed_in(request))
    return render(
        request,
        "amendments/accept_preview.html",
        {"preview": preview, "single": True, "form": form, "chapter": amendment.chapter},
    )


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    require_editor(request.user)
    form = AcceptForm(request.POST)
    if form.is_valid() and form.cleaned_data["seen"] is not None:
        return _confirm_accept(request, pk, form)
    return _decide(
        request,
        pk,
        form,
        lambda amendment, editor, data: amendment_accept(
            amendment=amendment, editor=editor, reason=data["reason"]
        ),
        f"Amendment #{pk} was accepted; the text is updated.",
        "Accept",
    )


def _confirm_accept(request: HttpRequest, pk: int, form: AcceptForm) -> HttpResponse:
    """The confirmation sent from an acceptance preview: refused, back on a new preview, if
    the text changed since the editor saw it."""
    amendment = _get_amendment(pk)
    try:
        amendment_accept(
            amendment=amendment,
            editor=signed_in(request),
            reason=form.cleaned_data["reason"],
            seen=form.cleaned_data["seen"],
        )
    except ValidationError as error:
        # The new preview, with the reason the editor typed, to confirm again.
        form.add_error(None, error)
        return _accept_preview_page(request, amendment, form)
    messages.success(request, f"Amendment #{pk} was accepted; the text is updated.")
    return redirect(amendment)


@login_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    require_editor(request.user)
    return _decide(
        request,
        pk,
        RejectForm(request.POST, prefix="reject"),
        lambda amendment, editor, data: amendments_reject(
            [amendment], editor=editor, reason=data["reason"]
        ),
        f"Amendment #{pk} was rejected.",
        "Reject",
    )


@login_required
@require_http_methods(["GET", "POST"])
def duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark as a duplicate in two steps: the editor names a number (GET, or a POST without
    ``confirmed``) and sees the amendment it would duplicate, with warnings; a confirmed POST
    marks it."""
    require_editor(request.user)
    amendment = get_object_or_404(
        Amendment.objects.select_related("chapter", "paragraph", "author"), pk=pk
    )
    if not amendment_permissions(request.user, amendment).mark_duplicate:
        _refusal(request, ValidationError(_undecidable(amendment, request.user.pk)))
        return redirect(amendment)
    data = request.POST if request.method == "POST" else request.GET
    form = DuplicateForm(data if "duplicate_of" in data else None)
    valid = form.is_valid()
    # A usable number is checked even when the note is refused, so the page keeps both.
    number = form.cleaned_data.get("duplicate_of") if form.is_bound else None
    check = selectors.duplicate_check(amendment=amendment, number=number) if number else None
    confirmed = request.method == "POST" and data.get("confirmed") == "yes"
    if check and check.original and confirmed and valid:
        try:
            marked = amendment_mark_duplicate(
                amendment=amendment,
                editor=signed_in(request),
                duplicate_of=check.named or check.original,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"Amendment #{pk} was marked as a duplicate of #{marked.duplicate_of_id}."
            )
            return redirect(amendment)
    if check and check.refusal:
        form.add_error("duplicate_of", check.refusal)
    return render(
        request,
        "amendments/confirm_duplicate.html",
        {"amendment": amendment, "chapter": amendment.chapter, "form": form, "check": check},
    )


def _undecidable(amendment: Amendment, user_id: int | None) -> str:
    if amendment.author_id == user_id:
        return "Editors cannot decide their own amendments; another editor must."
    return f"#{amendment.pk} is {amendment.get_status_display().lower()} already."


@login_required
@require_POST
def unmark_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    """An editor undoes a duplicate marking (while the chapter is open); it is logged."""
    require_editor(request.user)

    def act(amendment: Amendment, editor: User, data: dict[str, Any]) -> object:
        return amendment_unmark_duplicate(amendment=amendment, editor=editor, reason=data["reason"])

    form = UnmarkDuplicateForm(request.POST)
    done = f"#{pk} is no longer marked as a duplicate."
    return _decide(request, pk, form, act, done, "Undo the duplicate marking of")


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    if not signed_in(request).is_admin:
        raise PermissionDenied("Only admins can reopen a decision.")
    return _decide(
        request,
        pk,
        ReopenForm(request.POST),
        lambda amendment, admin, data: amendment_reopen(
            amendment=amendment, admin=admin, reason=data["reason"]
        ),
        f"Amendment #{pk} was reopened.",
        "Reopen",
    )


@login_required
@require_http_methods(["GET", "POST"])
def accept_with_changes(request: HttpRequest, pk: int) -> HttpResponse:
    require_editor(request.user)
    try:
        amendment = selectors.amendment_for_page(pk, request.user)
    except Amendment.DoesNotExist:
        raise Http404("No such amendment.") from None
    paragraph = amendment.paragraph
    latest = latest_version(paragraph)
    form = AcceptWithChangesForm(
        request.POST or None,
        initial={"text": amendment.proposed_text.strip(), "seen_version": latest.history_id},
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "preview":
            preview = selectors.proposal_preview(
                paragraph=paragraph, kind=amendment.kind, text=form.cleaned_data["text"]
            )
        else:
            try:
                amendment_accept_with_changes(
                    amendment=amendment,
                    editor=signed_in(request),
                    text=form.cleaned_data["text"],
                    reason=form.cleaned_data["reason"],
                    seen_version_id=form.cleaned_data["seen_version"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Amendment #{pk} was accepted with your changes.")
                return redirect(amendment)
    start_again_from(form, latest.history_id)
    return render(
        request,
        "amendments/accept_with_changes.html",
        {
            "amendment": amendment,
            "chapter": amendment.chapter,
            "paragraph": paragraph,
            "form": form,
            "preview": preview,
            "diffs": selectors.amendment_diffs(amendment),
        },
    )


@login_required
@require_POST
def batch(request: HttpRequest) -> HttpResponse:
    """Decide several amendments from the queue: accept together, or reject with one reason
    after a confirmation page."""
    require_editor(request.user)
    form = BatchForm(request.POST)
    valid = form.is_valid()
    query = form.cleaned_data.get("query", "")
    back = reverse("amendments:queue") + (f"?{query}" if query else "")
    if not valid:
        return _batch_refused(request, form, back)
    if form.cleaned_data["action"] == "accept":
        return _batch_accept(request, form, back)
    return _batch_reject(request, form, back)


def _batch_refused(request: HttpRequest, form: BatchForm, back: str) -> HttpResponse:
    """An altered batch: said on the queue, or on the confirmation page it was sent from."""
    refusal = [str(error) for errors in form.errors.values() for error in errors]
    if "batch-reason" not in request.POST:
        messages.error(request, " ".join(refusal))
        return redirect(back)
    # Sent from the confirmation page: it comes back with the reason the editor typed.
    reason_form = RejectForm(request.POST, prefix="batch")
    reason_form.is_valid()
    reason_form.add_error(None, refusal)
    return _confirm_reject(request, form, reason_form)


def _batch_accept(request: HttpRequest, form: BatchForm, back: str) -> HttpResponse:
    """Accept the ticked amendments together (the guard judges their net effect), once the
    preview of what that does was confirmed; a refused confirmation shows a new preview."""
    amendments = list(form.cleaned_data["ids"])
    editor = signed_in(request)
    if form.cleaned_data.get("confirmed") == "yes":
        try:
            items = [AcceptItem(a) for a in amendments]
            amendments_accept(items, editor=editor, seen=form.cleaned_data["seen"])
        except ValidationError as error:
            _refusal(request, error)
        else:
            numbers = ", ".join(f"#{a.pk}" for a in amendments)
            messages.success(request, f"Accepted together: {numbers}.")
            return redirect(back)
    return render(
        request,
        "amendments/accept_preview.html",
        {
            "preview": acceptance_preview(amendments, editor=editor),
            "single": False,
            "query": form.cleaned_data.get("query", ""),
        },
    )


def _batch_reject(request: HttpRequest, form: BatchForm, back: str) -> HttpResponse:
    """Reject the ticked amendments with one reason, once the confirmation page was sent."""
    confirmed = form.cleaned_data.get("confirmed") == "yes"
    reason_form = RejectForm(request.POST if confirmed else None, prefix="batch")
    if confirmed and reason_form.is_valid():
        amendments = list(form.cleaned_data["ids"])
        try:
            amendments_reject(
                amendments, editor=signed_in(request), reason=reason_form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(reason_form, error)
        else:
            messages.success(request, f"Rejected {len(amendments)} amendments.")
            return redirect(back)
    return _confirm_reject(request, form, reason_form)


def _confirm_reject(request: HttpRequest, form: BatchForm, reason_form: RejectForm) -> HttpResponse:
    return render(
        request,
        "amendments/confirm_reject.html",
        {
            "amendments": form.cleaned_data.get("ids", []),
            "form": reason_form,
            "query": form.cleaned_data.get("query", ""),
        },
    )


@require_safe
def decision_log(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = get_chapter(slug)
    return render(
        request,
        "amendments/decision_log.html",
        {"chapter": chapter, "decisions": selectors.chapter_decisions(chapter)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def set_limit(request: HttpRequest, slug: str) -> HttpResponse:
    require_editor(request.user)
    chapter = get_chapter(slug)
    form = LimitForm(
        request.POST or None,
        initial={
            "word_limit": chapter.word_limit,
            "tolerance_percent": chapter.limit_tolerance_percent,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            chapter_set_limit(
                chapter=chapter,
                editor=signed_in(request),
                word_limit=form.cleaned_data["word_limit"],
                tolerance_percent=form.cleaned_data["tolerance_percent"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The word limit was changed.")
            return redirect(chapter)
    return render(
        request,
        "amendments/set_limit.html",
        {"chapter": chapter, "form": form, "ledger": chapter_ledger(chapter)},
    )


@login_required
@require_POST
def revert(request: HttpRequest, slug: str, key: int) -> HttpResponse:
    """Restore one of a paragraph's earlier versions (editors; guarded like any change)."""
    require_editor(request.user)
    chapter = get_chapter(slug)
    paragraph = get_object_or_404(chapter.paragraphs, key=key)
    history = reverse("manifesto:history", args=[chapter.slug, paragraph.key])
    form = RevertForm(request.POST)
    if form.is_valid():
        try:
            paragraph_revert(
                paragraph=paragraph,
                editor=signed_in(request),
                history_id=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The earlier version was restored as the newest version.")
            return redirect(history)
    page = FormPage(
        heading="Restore an earlier version of the paragraph",
        action_url=request.path,
        submit_label="Restore as the newest version",
        back_url=history,
        back_label="The paragraph's history",
    )
    return form_again(request, form, page)


@login_required
@require_http_methods(["GET", "POST"])
def set_manifesto_limit(request: HttpRequest) -> HttpResponse:
    """The whole Manifesto's word limit and whether footnotes count (editors)."""
    require_editor(request.user)
    manifesto = manifesto_current()
    if manifesto is None:
        messages.error(request, NO_MANIFESTO_YET)
        return redirect("manifesto:index")
    form = ManifestoLimitForm(
        request.POST or None,
        initial={"word_limit": manifesto.word_limit, "count_footnotes": manifesto.count_footnotes},
    )
    if request.method == "POST" and form.is_valid():
        try:
            manifesto_set_limit(
                manifesto=manifesto,
                editor=signed_in(request),
                word_limit=form.cleaned_data["word_limit"],
                count_footnotes=form.cleaned_data["count_footnotes"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The Manifesto's word limit was changed.")
            return redirect("manifesto:index")
    return render(
        request,
        "amendments/set_manifesto_limit.html",
        {"manifesto": manifesto, "form": form, "ledger": manifesto_ledger(manifesto)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def line_numbering(request: HttpRequest) -> HttpResponse:
    """How lines are numbered (editors): their length, and whether they run on through the
    Manifesto; each chapter's reference text."""
    require_editor(request.user)
    manifesto = manifesto_current()
    if manifesto is None:
        messages.error(request, NO_MANIFESTO_YET)
        return redirect("manifesto:index")
    form = LineNumberingForm(
        request.POST or None,
        initial={
            "line_width": manifesto.line_width,
            "continuous": manifesto.continuous_line_numbers,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            line_numbering_update(
                manifesto=manifesto,
                editor=signed_in(request),
                line_width=form.cleaned_data["line_width"],
                continuous=form.cleaned_data["continuous"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The line numbering was saved.")
            return redirect("amendments:numbering")
    return render(
        request,
        "amendments/numbering.html",
        {
            "manifesto": manifesto,
            "form": form,
            "chapters": manifesto.chapters.select_related("reference_milestone").order_by(
                "order", "id"
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def set_reference(request: HttpRequest, slug: str) -> HttpResponse:
    """Which milestone a chapter's ¶ and line numbers refer to (editors)."""
    require_editor(request.user)
    chapter = get_chapter(slug)
    form = ReferenceForm(
        request.POST or None,
        chapter=chapter,
        initial={"milestone": chapter.reference_milestone_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            reference_set(
                chapter=chapter,
                editor=signed_in(request),
                milestone=form.cleaned_data["milestone"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"¶ and line numbers of “{chapter.title}” now refer to "
                f"“{form.cleaned_data['milestone'].name}”.",
            )
            return redirect(chapter)
    return render(request, "amendments/set_reference.html", {"chapter": chapter, "form": form})
