"""The congress: the editors' page to record votes and choose the item under vote, the
projector the hall sees, and the protocol.

The projector and the protocol are public: the congress votes in the open, the projector is
shown in the hall, and the protocol is its record. Recording votes and choosing the item under
vote are for editors and the congress chair."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from accounts.auth import signed_in
from amendments.congress import PROJECTOR_REFRESH_SECONDS, congress_desk, projector_view, protocol
from amendments.congress_export import protocol_file
from amendments.congress_forms import FloorForm, VoteForm
from amendments.models import Amendment, CongressVote
from amendments.services.voting import congress_floor_set, vote_record
from amendments.views._helpers import add_service_errors, get_chapter
from manifesto.models import Chapter


def _require_recorder(request: HttpRequest) -> None:
    if not signed_in(request).records_votes:
        raise PermissionDenied("Only editors and the congress chair record the votes.")


def _desk_page(
    request: HttpRequest, chapter: Chapter, refused: VoteForm | None = None, status: int = 200
) -> HttpResponse:
    desk = congress_desk(chapter)
    forms = {
        item.amendment.pk: (
            refused
            if refused is not None and refused.prefix == f"v{item.amendment.pk}"
            else VoteForm(prefix=f"v{item.amendment.pk}")
        )
        for item in desk.items
    }
    items = [(item, forms[item.amendment.pk]) for item in desk.items]
    return render(
        request,
        "amendments/congress.html",
        {"desk": desk, "chapter": chapter, "items": items, "refused": refused},
        status=status,
    )


@login_required
@require_safe
def congress(request: HttpRequest, slug: str) -> HttpResponse:
    _require_recorder(request)
    return _desk_page(request, get_chapter(slug))


@login_required
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the congress's vote on amendment ``pk``; a refused form comes back filled in on
    the congress page, beside its item."""
    _require_recorder(request)
    amendment = get_object_or_404(Amendment.objects.select_related("chapter"), pk=pk)
    chapter = get_chapter(amendment.chapter.slug)
    form = VoteForm(request.POST, prefix=f"v{pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            recorded = vote_record(
                amendment=amendment,
                editor=signed_in(request),
                result=data["result"],
                show_of_hands=data["show_of_hands"],
                votes_for=data["votes_for"],
                votes_against=data["votes_against"],
                abstentions=data["abstentions"],
                note=data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _say_what_happened(request, recorded)
            return redirect(reverse("amendments:congress", args=[chapter.slug]) + "#record")
    return _desk_page(request, chapter, refused=form)


def _say_what_happened(request: HttpRequest, recorded: CongressVote) -> None:
    said = f"#{recorded.amendment_id}: {recorded.get_outcome_display()} ({recorded.counts})."
    if recorded.outcome == CongressVote.Outcome.NOT_APPLIED:
        messages.error(request, f"{said} {recorded.refusal}")
        return
    fallen = ", ".join(f"#{other.pk}" for other in recorded.fallen.all())
    messages.success(request, f"{said} Fallen with it: {fallen}." if fallen else said)


@login_required
@require_POST
def floor(request: HttpRequest, slug: str) -> HttpResponse:
    """Put an item under vote (the projector shows it), or clear the projector."""
    _require_recorder(request)
    chapter = get_chapter(slug)
    form = FloorForm(request.POST)
    back = reverse("amendments:congress", args=[chapter.slug])
    if not form.is_valid():
        messages.error(request, "That is not an amendment of this chapter.")
        return redirect(back)
    number = form.cleaned_data["amendment"]
    amendment = None
    if number is not None:
        amendment = Amendment.objects.filter(pk=number, chapter=chapter).first()
        if amendment is None:
            messages.error(request, "That is not an amendment of this chapter.")
            return redirect(back)
    try:
        congress_floor_set(chapter=chapter, editor=signed_in(request), amendment=amendment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(
        request, f"Now voting on #{number}." if number else "The projector shows no item now."
    )
    return redirect(f"{back}#item-{number}" if number else back)


@require_safe
def projector(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = get_chapter(slug)
    return render(
        request,
        "amendments/projector.html",
        {"view": projector_view(chapter), "refresh": PROJECTOR_REFRESH_SECONDS},
    )


@require_safe
def projector_now(request: HttpRequest, slug: str) -> HttpResponse:
    """The projector's item, alone: what static/js/projector.js puts in place."""
    chapter = get_chapter(slug)
    response = render(
        request, "amendments/_partials/projector_item.html", {"view": projector_view(chapter)}
    )
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def protocol_page(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = get_chapter(slug)
    return render(
        request, "amendments/protocol.html", {"chapter": chapter, "protocol": protocol(chapter)}
    )


def _download(slug: str, fmt: str) -> HttpResponse:
    content, filename, content_type = protocol_file(get_chapter(slug), fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def protocol_html(request: HttpRequest, slug: str) -> HttpResponse:
    return _download(slug, "protocol-html")


@require_safe
def protocol_docx(request: HttpRequest, slug: str) -> HttpResponse:
    return _download(slug, "protocol-docx")


@require_safe
def protocol_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    return _download(slug, "protocol-pdf")
