"""The editors' round page: the Manifesto's phase, deadline and rules, and each chapter's."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.auth import signed_in
from amendments.round_forms import ChapterRoundForm, ManifestoRoundForm
from amendments.services.rounds import chapter_round_set, manifesto_round_set
from amendments.views._helpers import add_service_errors, require_editor
from common import clock
from manifesto.models import Chapter, Manifesto
from manifesto.rounds import RoundShown, chapter_round, round_shown
from manifesto.selectors import manifesto_current

NO_ROUND_YET = "There is no Manifesto yet: its round can be set once a chapter has been imported."


@dataclass(frozen=True)
class _ChapterRow:
    chapter: Chapter
    form: ChapterRoundForm
    shown: RoundShown


def _local(moment: object, time_zone: str) -> str:
    """A deadline as the date-and-time box shows it, in the Manifesto's time zone."""
    if moment is None or not hasattr(moment, "astimezone"):
        return ""
    return f"{moment.astimezone(ZoneInfo(time_zone)):%Y-%m-%dT%H:%M}"


def _manifesto_form(manifesto: Manifesto, data: object = None) -> ManifestoRoundForm:
    return ManifestoRoundForm(
        data,
        initial={
            "phase": manifesto.phase,
            "closes_at": _local(manifesto.closes_at, manifesto.time_zone),
            "time_zone": manifesto.time_zone,
            "minimum_supporters": manifesto.minimum_supporters,
            "supports_open_in_review": manifesto.supports_open_in_review,
            "comments_open_in_review": manifesto.comments_open_in_review,
        },
    )


def _chapter_form(chapter: Chapter, data: object = None) -> ChapterRoundForm:
    zone = chapter.manifesto.time_zone
    return ChapterRoundForm(
        data,
        time_zone=zone,
        prefix=f"c{chapter.pk}",
        initial={"phase": chapter.phase, "closes_at": _local(chapter.closes_at, zone)},
    )


def _page(
    request: HttpRequest,
    manifesto: Manifesto,
    manifesto_form: ManifestoRoundForm | None = None,
    refused: ChapterRoundForm | None = None,
    refused_chapter: Chapter | None = None,
) -> HttpResponse:
    at = clock.now()
    rows = []
    for chapter in manifesto.chapters.order_by("order", "id"):
        chapter.manifesto = manifesto
        refused_here = refused_chapter is not None and refused_chapter.pk == chapter.pk
        form = refused if refused_here and refused is not None else _chapter_form(chapter)
        rows.append(_ChapterRow(chapter, form, round_shown(chapter_round(chapter), at)))
    return render(
        request,
        "amendments/rounds.html",
        {
            "manifesto": manifesto,
            "form": manifesto_form or _manifesto_form(manifesto),
            "rows": rows,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rounds(request: HttpRequest) -> HttpResponse:
    """GET shows the rounds; POST sets the Manifesto's."""
    require_editor(request.user)
    manifesto = manifesto_current()
    if manifesto is None:
        messages.error(request, NO_ROUND_YET)
        return redirect("manifesto:index")
    if request.method != "POST":
        return _page(request, manifesto)
    form = _manifesto_form(manifesto, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            manifesto_round_set(
                manifesto=manifesto,
                editor=signed_in(request),
                phase=data["phase"],
                closes_at=data["closes_at"],
                time_zone=data["time_zone"],
                minimum_supporters=data["minimum_supporters"],
                supports_open_in_review=data["supports_open_in_review"],
                comments_open_in_review=data["comments_open_in_review"],
                reason=data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The Manifesto's round was saved.")
            return redirect("amendments:rounds")
    return _page(request, manifesto, manifesto_form=form)


@login_required
@require_POST
def chapter_round_change(request: HttpRequest, slug: str) -> HttpResponse:
    """Set one chapter's phase and deadline; refused, the page comes back with its form filled."""
    require_editor(request.user)
    chapter = get_object_or_404(Chapter.objects.select_related("manifesto"), slug=slug)
    form = _chapter_form(chapter, request.POST)
    if form.is_valid():
        try:
            chapter_round_set(
                chapter=chapter,
                editor=signed_in(request),
                phase=form.cleaned_data["phase"],
                closes_at=form.cleaned_data["closes_at"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The round of “{chapter.title}” was saved.")
            return redirect("amendments:rounds")
    return _page(request, chapter.manifesto, refused=form, refused_chapter=chapter)
