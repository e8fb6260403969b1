from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.auth import signed_in
from accounts.limits import rate_limit
from amendments import reading_cache, selectors
from amendments.citations import amendment_citation, cited_otherwise
from amendments.forms import (
    CommentEditForm,
    CommentForm,
    HideForm,
    ReopenForm,
    decision_forms,
)
from amendments.models import Amendment, Comment
from amendments.permissions import amendment_permissions
from amendments.services.discussion import comment_delete, comment_edit, comment_hide, comment_post
from amendments.views._helpers import (
    FormPage,
    add_service_errors,
    form_again,
    get_paragraph,
    require_editor,
    show_instead,
)
from amendments.views.recommending import recommendation_context
from common.moments import received_at
from manifesto.models import CURRENT_TEXT, Chapter, Paragraph
from manifesto.selectors import body_numbers


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The amendment with its change, state, recommendation, supporters and discussion, and
    what the viewer may do with it; the title and the page's text come from the cache under a
    stamp of all they show."""
    chapter = (
        Chapter.objects.select_related("manifesto", "reference_milestone", "recommendation_release")
        .filter(amendments__pk=pk)
        .first()
    )
    if chapter is None:
        raise Http404("No such amendment.")
    shown = (
        chapter.reference_name,
        pk,
        # The chapter page's stamp with the amendment page's own (one query).
        reading_cache.amendment_stamp(request, chapter, pk),
        reading_cache.viewer_stamp(request, chapter),
    )
    title, content = reading_cache.cached_parts(
        request,
        "amendment-page",
        reading_cache.AMENDMENT_TEMPLATES,
        reading_cache.AMENDMENT_TEMPLATES[:2],
        shown,
        lambda: _detail_context(request, pk),
    )
    return render(request, "amendments/detail.html", {"page_title": title, "content": content})


def _detail_context(request: HttpRequest, pk: int) -> dict[str, object]:
    """Everything the amendment page's cached parts show (read only when they are missing)."""
    amendment = selectors.amendment_for_page(pk, request.user)
    may = amendment_permissions(request.user, amendment)
    chapter = amendment.chapter
    number = body_numbers([chapter]).get(amendment.paragraph_id)
    citation = amendment_citation(amendment, number, chapter.manifesto.line_width)
    context: dict[str, object] = {
        "amendment": amendment,
        "chapter": chapter,
        "paragraph": amendment.paragraph,
        "number": number,
        "citation": citation,
        # Annotated by amendment_for_page (a subquery: a join would slow its planning).
        "reference_name": getattr(amendment, "reference_name", None) or CURRENT_TEXT,
        "cited_before": cited_otherwise(amendment, citation),
        "diffs": selectors.amendment_diffs(amendment),
        "supporters": selectors.supporters(amendment),
        "thread": selectors.comment_thread(amendment=amendment),
        "comment_form": CommentEditForm(),
        "comment_url": reverse("amendments:comment_amendment", args=[amendment.pk]),
        "may": may,
    }
    context.update(recommendation_context(request, amendment))
    if may.reopen:
        context["reopen_form"] = ReopenForm(auto_id="reopen-%s")
    if may.decide:
        context.update(decision_forms())
    if may.accept:
        context["budget"] = selectors.acceptance_budget(amendment)
        context["note_losses"] = selectors.notes_losing_references([amendment]).get(
            amendment.pk, []
        )
    return context


def _thread_redirect(comment: Comment) -> HttpResponse:
    if comment.amendment_id:
        return redirect(f"/amendments/{comment.amendment_id}/#comment-{comment.pk}")
    assert comment.paragraph is not None  # a comment is on an amendment or a paragraph
    return redirect(f"{comment.paragraph.get_absolute_url()}#comment-{comment.pk}")


def _post(
    request: HttpRequest, *, amendment: Amendment | None = None, paragraph: Paragraph | None = None
) -> HttpResponse:
    """Post a comment or a reply; refused, it comes back on a page of its own, filled in."""
    thread = Comment.objects.filter(amendment=amendment, paragraph=paragraph)
    form = CommentForm(request.POST, thread=thread)
    if form.is_valid():
        try:
            comment = comment_post(
                author=signed_in(request),
                body=form.cleaned_data["body"],
                parent=form.cleaned_data["parent"],
                amendment=amendment,
                paragraph=paragraph,
                at=received_at(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your comment was posted.")
            return _thread_redirect(comment)
    parent = form.cleaned_data.get("parent")
    if form.has_error("parent"):
        # Sent again, it is posted as a comment of its own (the refusal says so).
        show_instead(form, parent="")
    if amendment is not None:
        back, on = amendment.get_absolute_url(), f"amendment #{amendment.pk}"
    else:
        assert paragraph is not None  # a comment is on an amendment or a paragraph
        back, on = paragraph.get_absolute_url(), "the paragraph"
    page = FormPage(
        heading=format_html("Your reply to <bdi>{}</bdi>", parent.author.public_name)
        if parent
        else f"Your comment on {on}",
        action_url=request.path,
        submit_label="Post reply" if parent else "Post comment",
        back_url=f"{back}#discussion",
        back_label="The discussion",
    )
    return form_again(request, form, page)


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
    form = CommentEditForm(request.POST or None, initial={"body": comment.body})
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
    form = HideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            comment_hide(
                comment=comment, editor=signed_in(request), reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The comment is hidden from members.")
            return _thread_redirect(comment)
    return render(request, "amendments/comment_hide.html", {"form": form, "comment": comment})
