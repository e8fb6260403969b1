from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import User
from amendments import selectors
from amendments.forms import DeskForm, ReasonForm
from amendments.models import Amendment
from amendments.review_queue import SORT_LABELS, QueueFilters, review_queue
from amendments.services.guard import chapter_ledger, manifesto_ledger
from amendments.services.review import (
    AcceptItem,
    amendment_accept,
    amendment_accept_with_changes,
    amendment_mark_duplicate,
    amendment_reopen,
    amendment_unmark_duplicate,
    amendments_accept,
    amendments_reject,
    chapter_set_limit,
    manifesto_set_limit,
    paragraph_revert,
)
from amendments.views._helpers import add_service_errors, get_chapter, require_editor, signed_in
from manifesto.selectors import latest_version
from manifesto.services import manifesto_get_or_create


class DuplicateForm(DeskForm):
    duplicate_of = forms.IntegerField(
        label="Duplicate of amendment #",
        min_value=1,
        # No id is larger (and SQLite cannot compare a number past 64 bits).
        max_value=2**63 - 1,
        error_messages={
            "min_value": "There is no amendment with that number.",
            "max_value": "There is no amendment with that number.",
        },
        help_text="The number of the amendment that says the same.",
    )
    reason = forms.CharField(
        label="Note for its author (optional)",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Without a note, the author reads “Duplicate of #…”.",
    )


class UnmarkDuplicateForm(DeskForm):
    reason = forms.CharField(
        label="Why it is not a duplicate (optional; the decision log shows it)",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AcceptWithChangesForm(DeskForm):
    text = forms.CharField(
        label="The editor's wording", strip=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    reason = forms.CharField(
        label="Why the changes", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    seen_version = forms.IntegerField(widget=forms.HiddenInput)


class LimitForm(DeskForm):
    word_limit = forms.IntegerField(
        label="Word limit",
        min_value=1,
        required=False,
        help_text="Leave empty to use the words at import plus the tolerance.",
    )
    tolerance_percent = forms.IntegerField(
        label="Tolerance (%)", min_value=0, max_value=100, required=False
    )
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 2}))


class ManifestoLimitForm(DeskForm):
    word_limit = forms.IntegerField(
        label="Overall word limit",
        min_value=1,
        required=False,
        help_text="Leave empty for no overall limit; each chapter's own limit still holds.",
    )
    count_footnotes = forms.BooleanField(
        label="Count footnotes towards the limits",
        required=False,
        help_text="Headings and body paragraphs always count; the editorial notes never do.",
    )
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 2}))


def decision_forms(amendment: Amendment) -> dict[str, forms.Form]:
    """The forms an editor sees on a pending amendment's page."""
    return {
        "reject_form": ReasonForm(prefix="reject"),
        "duplicate_form": DuplicateForm(),
    }


def _get_amendment(pk: int) -> Amendment:
    return get_object_or_404(Amendment.objects.select_related("chapter", "paragraph"), pk=pk)


def _refusal(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@login_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    require_editor(request.user)
    paragraph = request.GET.get("paragraph", "")
    filters = QueueFilters(
        chapter=request.GET.get("chapter", ""),
        paragraph=int(paragraph) if paragraph.isdecimal() else None,
        status=request.GET.get("status", "open"),
        author=request.GET.get("author", "").strip(),
        sort=request.GET.get("sort", "oldest")
        if request.GET.get("sort") in SORT_LABELS
        else "oldest",
    )
    manifesto = manifesto_get_or_create()
    result = review_queue(manifesto, filters, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "amendments/queue.html",
        {
            "queue": result,
            "filters": filters,
            "sort_labels": SORT_LABELS,
            "statuses": Amendment.Status.choices,
            "query": query.urlencode(),
            "reject_form": ReasonForm(prefix="batch"),
        },
    )


def _decide(
    request: HttpRequest, pk: int, act: Callable[[Amendment, User], object], done: str
) -> HttpResponse:
    """Run one editor's decision on amendment ``pk`` and go back where the editor came from."""
    require_editor(request.user)
    amendment = _get_amendment(pk)
    try:
        act(amendment, signed_in(request))
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, done)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = amendment.get_absolute_url()
    return redirect(back)


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _decide(
        request,
        pk,
        lambda amendment, editor: amendment_accept(
            amendment=amendment, editor=editor, reason=reason
        ),
        f"Amendment #{pk} was accepted; the text is updated.",
    )


@login_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReasonForm(request.POST, prefix="reject")

    def act(amendment: Amendment, editor: User) -> object:
        if not form.is_valid():
            raise ValidationError("Give a reason: the author will read it.")
        return amendments_reject([amendment], editor=editor, reason=form.cleaned_data["reason"])

    return _decide(request, pk, act, f"Amendment #{pk} was rejected.")


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
    if not amendment.is_open or amendment.author_id == request.user.pk:
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
    amendment = _get_amendment(pk)
    form = UnmarkDuplicateForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        undone = amendment_unmark_duplicate(
            amendment=amendment, editor=signed_in(request), reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(
            request,
            f"#{pk} is no longer marked as a duplicate; it is "
            f"{undone.get_status_display().lower()} now.",
        )
    return redirect(amendment)


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    if not signed_in(request).is_admin:
        raise PermissionDenied("Only admins can reopen a decision.")
    amendment = _get_amendment(pk)
    try:
        amendment_reopen(
            amendment=amendment, admin=signed_in(request), reason=request.POST.get("reason", "")
        )  # type: ignore[arg-type]
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, f"Amendment #{pk} was reopened.")
    return redirect(amendment)


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
    # Only numbers a database id can be ("²" is a digit int() refuses; SQLite cannot even
    # compare a number past 64 bits).
    ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdecimal() and len(pk) < 19]
    amendments = list(
        Amendment.objects.filter(pk__in=ids).select_related("chapter", "paragraph", "author")
    )
    back = reverse("amendments:queue") + (
        "?" + request.POST["query"] if request.POST.get("query") else ""
    )
    if not amendments:
        messages.error(request, "Tick at least one amendment first.")
        return redirect(back)
    action = request.POST.get("action")
    form = ReasonForm(request.POST, prefix="batch")
    if action == "accept":
        try:
            amendments_accept([AcceptItem(a) for a in amendments], editor=signed_in(request))
        except ValidationError as error:
            _refusal(request, error)
        else:
            numbers = ", ".join(f"#{a.pk}" for a in amendments)
            messages.success(request, f"Accepted together: {numbers}.")
        return redirect(back)
    if action == "reject" and request.POST.get("confirmed") == "yes" and form.is_valid():
        try:
            amendments_reject(
                amendments, editor=signed_in(request), reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _refusal(request, error)
        else:
            messages.success(request, f"Rejected {len(amendments)} amendments.")
        return redirect(back)
    if action == "reject":
        return render(
            request,
            "amendments/confirm_reject.html",
            {"amendments": amendments, "form": form, "query": request.POST.get("query", "")},
        )
    messages.error(request, "Choose what to do with the ticked amendments.")
    return redirect(back)


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
    version = request.POST.get("version", "")
    try:
        if not version.isdecimal():
            raise ValidationError("Choose a version to restore.")
        paragraph_revert(
            paragraph=paragraph,
            editor=signed_in(request),
            history_id=int(version),
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, "The earlier version was restored as the newest version.")
    return redirect("manifesto:history", slug=chapter.slug, key=paragraph.key)


@login_required
@require_http_methods(["GET", "POST"])
def set_manifesto_limit(request: HttpRequest) -> HttpResponse:
    """The whole Manifesto's word limit and whether footnotes count (editors)."""
    require_editor(request.user)
    manifesto = manifesto_get_or_create()
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
