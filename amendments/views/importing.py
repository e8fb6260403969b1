"""Editors import a chapter from the desk: upload → preview (nothing written; the file waits
in ``manifesto.staging`` under a token bound to the editor) → confirm (one transaction)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.auth import signed_in
from amendments.forms import ImportConfirmForm, ImportUploadForm
from amendments.services.revising import chapter_import_logged, chapter_revise
from amendments.views._helpers import add_service_errors, get_chapter, require_editor
from manifesto.importing import chapter_preview, chapter_stamp, read_upload, revision_plan
from manifesto.selectors import manifesto_current
from manifesto.staging import StagedUpload, discard_upload, stage_upload, staged_upload


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """The upload form; a file that cannot be read is refused here, with what is wrong."""
    require_editor(request.user)
    max_bytes = settings.IMPORT_MAX_BYTES
    form = ImportUploadForm(request.POST or None, request.FILES or None, max_bytes=max_bytes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read(max_bytes + 1)
        try:
            read_upload(data, max_bytes=max_bytes)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            revise = form.cleaned_data["revise"]
            options = {
                "revise": revise.slug if revise else "",
                "slug": form.cleaned_data["slug"],
                "word_limit": form.cleaned_data["word_limit"],
                "limit_reason": form.cleaned_data["limit_reason"],
            }
            token = stage_upload(data=data, user_id=signed_in(request).pk, options=options)
            return redirect("amendments:import_preview", token=token)
    return render(request, "amendments/import_upload.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, token: str) -> HttpResponse:
    """The parsed chapter or the revision plan; POST confirms (or cancels) the import."""
    require_editor(request.user)
    editor = signed_in(request)
    staged = staged_upload(token, user_id=editor.pk)
    if staged is None:
        raise Http404("This upload has expired or is not yours; upload the file again.")
    form = ImportConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["action"] == "cancel":
            discard_upload(token)
            messages.info(request, "The import was cancelled; nothing was written.")
            return redirect("amendments:import")
        try:
            target = _confirm(editor, staged, form.cleaned_data["stamp"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            discard_upload(token)
            messages.success(request, "The chapter was imported.")
            return redirect(target)
    try:
        context = _context(staged)
    except ValidationError as error:
        # The file passed at upload; a later change of the settings (a lower size limit) may
        # refuse it now.
        discard_upload(token)
        messages.error(request, " ".join(error.messages))
        return redirect("amendments:import")
    return render(request, "amendments/import_preview.html", {**context, "form": form})


def _context(staged: StagedUpload) -> dict[str, Any]:
    options = staged.options
    limit = options.get("word_limit")
    word_limit = limit if isinstance(limit, int) else None
    imported = read_upload(staged.data, max_bytes=settings.IMPORT_MAX_BYTES)
    context: dict[str, Any] = {"token": staged.token, "options": options, "word_limit": word_limit}
    if options.get("revise"):
        chapter = get_chapter(str(options["revise"]))
        context["plan"] = revision_plan(chapter, imported)
        context["chapter"] = chapter
        context["stamp"] = chapter_stamp(chapter)
    else:
        manifesto = manifesto_current()
        context["preview"] = chapter_preview(imported, manifesto=manifesto, word_limit=word_limit)
    return context


def _confirm(editor: Any, staged: StagedUpload, stamp: int | None) -> Any:
    options = staged.options
    limit = options.get("word_limit")
    word_limit = limit if isinstance(limit, int) else None
    max_bytes = settings.IMPORT_MAX_BYTES
    if options.get("revise"):
        chapter = get_chapter(str(options["revise"]))
        chapter_revise(
            chapter=chapter,
            editor=editor,
            data=staged.data,
            word_limit=word_limit,
            limit_reason=str(options.get("limit_reason") or ""),
            max_bytes=max_bytes,
            seen_stamp=stamp,
        )
        return chapter
    return chapter_import_logged(
        editor=editor,
        data=staged.data,
        slug=str(options.get("slug") or "") or None,
        word_limit=word_limit,
        max_bytes=max_bytes,
    )
