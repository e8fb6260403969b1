from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.limits import rate_limit
from amendments import selectors
from amendments.forms import CommentForm, ReasonForm
from amendments.models import Amendment, Comment
from amendments.services.discussion import comment_delete, comment_edit, comment_hide, comment_post
from amendments.views._helpers import get_paragraph, require_editor, signed_in
from manifesto.selectors import body_numbers


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        amendment = selectors.amendment_for_page(pk, request.user)
    except Amendment.DoesNotExist:
        raise Http404("No such amendment.") from None
    user = request.user
    is_author = user.is_authenticated and amendment.author_id == user.pk
    is_editor = user.is_authenticated and user.is_editor
    context: dict[str, object] = {
        "amendment": amendment,
        "chapter": amendment.chapter,
        "paragraph": amendment.paragraph,
        "number": body_numbers([amendment.chapter]).get(amendment.paragraph_id),
        "diffs": selectors.amendment_diffs(amendment),
        "supporters": selectors.supporters(amendment),
        "thread": selectors.comment_thread(amendment=amendment),
        "comment_form": CommentForm(),
        "comment_url": reverse("amendments:comment_amendment", args=[amendment.pk]),
        "can_edit": is_author and amendment.is_open,
        "can_support": user.is_authenticated and not is_author and amendment.is_open,
        "can_decide": is_editor and not is_author and amendment.status == Amendment.Status.PENDING,
        "can_unmark_duplicate": is_editor
        and not is_author
        and amendment.status == Amendment.Status.DUPLICATE
        and amendment.chapter.is_open,
        "can_reopen": user.is_authenticated
        and user.is_admin
        and amendment.status in ("rejected", "duplicate", "obsolete"),
    }
    if context["can_decide"]:
        from amendments.views.review import decision_forms

        context.update(decision_forms(amendment))
        context["budget"] = selectors.acceptance_budget(amendment)
    return render(request, "amendments/detail.html", context)


def _thread_redirect(comment: Comment) -> HttpResponse:
    if comment.amendment_id:
        return redirect(f"/amendments/{comment.amendment_id}/#comment-{comment.pk}")
    assert comment.paragraph is not None  # a comment is on an amendment or a paragraph
    return redirect(f"{comment.paragraph.get_absolute_url()}#comment-{comment.pk}")


def _post(request: HttpRequest, **target) -> HttpResponse:  # type: ignore[no-untyped-def]
    form = CommentForm(request.POST)
    parent = None
    if form.is_valid() and form.cleaned_data.get("parent"):
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"]).first()
    try:
        if not form.is_valid():
            # The form's own words: an empty comment, one too long, a NUL character.
            raise ValidationError([str(e) for errors in form.errors.values() for e in errors])
        comment = comment_post(
            author=signed_in(request), body=form.cleaned_data["body"], parent=parent, **target
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        url = (
            target["amendment"].get_absolute_url()
            if "amendment" in target
            else target["paragraph"].get_absolute_url()
        )
        return redirect(url + "#discussion")
    messages.success(request, "Your comment was posted.")
    return _thread_redirect(comment)


@login_required
@require_POST
@rate_limit("comment", "60/h")
def comment_on_amendment(request: HttpRequest, pk: int) -> HttpResponse:
    amendment = get_object_or_404(Amendment, pk=pk)
    return _post(request, amendment=amendment)


@login_required
@require_POST
@rate_limit("comment", "60/h")
def comment_on_paragraph(request: HttpRequest, slug: str, key: int) -> HttpResponse:
    return _post(request, paragraph=get_paragraph(slug, key))


@login_required
@require_http_methods(["GET", "POST"])
def comment_change(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("paragraph__chapter"), pk=pk)
    if comment.author_id != request.user.pk:
        raise PermissionDenied("Only its author can change a comment.")
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST":
        try:
            if request.POST.get("action") == "delete":
                comment_delete(comment=comment, user=signed_in(request))
                messages.success(request, "Your comment was deleted.")
                return _thread_redirect(comment)
            if form.is_valid():
                comment_edit(
                    comment=comment, user=signed_in(request), body=form.cleaned_data["body"]
                )
                messages.success(request, "Your comment was updated.")
                return _thread_redirect(comment)
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "amendments/comment_edit.html", {"form": form, "comment": comment})


@login_required
@require_http_methods(["GET", "POST"])
def comment_hide_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_editor(request.user)
    comment = get_object_or_404(
        Comment.objects.select_related("author", "paragraph__chapter"), pk=pk
    )
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        comment_hide(comment=comment, editor=signed_in(request), reason=form.cleaned_data["reason"])
        messages.success(request, "The comment is hidden from members.")
        return _thread_redirect(comment)
    return render(request, "amendments/comment_hide.html", {"form": form, "comment": comment})
