"""The congress pack page: the booklet (PDF, Word) and the amendment list (Excel) of a chapter
or of the whole Manifesto, at a milestone, for members, editors and admins.

A GET shows the form (``?milestone=`` chooses the milestone shown, validated); the file is
made on a POST, which the rate limits count: the whole Manifesto's booklet takes seconds."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts.limits import rate_limit
from amendments.pack import open_amendments, pack_milestones, pack_moment, pack_run
from amendments.pack_forms import PackForm
from amendments.views._helpers import get_chapter
from manifesto.models import Chapter
from manifesto.selectors import manifesto_chapter_list, manifesto_current


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("pack", "30/h")
def chapter_pack(request: HttpRequest, slug: str) -> HttpResponse:
    """A chapter's congress pack."""
    chapter = get_chapter(slug)
    return _pack(request, [chapter], chapter)


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("pack-manifesto", "10/h")
def manifesto_pack(request: HttpRequest) -> HttpResponse:
    """The whole Manifesto's congress pack."""
    return _pack(request, manifesto_chapter_list(manifesto_current()), None)


def _pack(
    request: HttpRequest, chapters: Sequence[Chapter], chapter: Chapter | None
) -> HttpResponse:
    milestones = pack_milestones(chapters) if chapters else []
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = PackForm(data, milestones=milestones, initial={"format": "booklet-pdf"})
    if request.method == "POST" and form.is_valid() and chapters:
        try:
            result = pack_run(
                manifesto=manifesto_current(),
                chapters=chapters,
                fmt=form.cleaned_data["format"],
                moment=pack_moment(form.cleaned_data["milestone"], chapters),
            )
        except ValueError as error:
            form.add_error("milestone", str(error))
        else:
            response = HttpResponse(result.content, content_type=result.content_type)
            response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
            return response
    context = {
        "chapter": chapter,
        "chapters": chapters,
        "form": form,
        "open_count": open_amendments(chapters).count() if chapters else 0,
    }
    return render(request, "amendments/pack.html", context)
