"""The committee's recommendations: the editors' panel and page to record one, publishing a
chapter's, the proposer's answer, and the voting list with its downloads."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.auth import signed_in
from amendments.list_export import guarded
from amendments.models import Amendment, Recommendation
from amendments.recommendation_forms import (
    AnswerForm,
    PublishForm,
    RecommendationForm,
    recommendation_initial,
)
from amendments.recommendations import (
    may_answer,
    recommendation_of,
    release_of,
    sees_drafts,
    visible_recommendation,
)
from amendments.services.recommending import (
    recommendation_answer,
    recommendation_set,
    recommendations_publish,
)
from amendments.views._helpers import (
    FormPage,
    add_service_errors,
    form_again,
    get_chapter,
    require_editor,
    start_again_from,
)
from amendments.voting import VotingItem, VotingList, voting_list
from common import clock
from manifesto.models import Chapter
from manifesto.selectors import latest_version
from textcore.diff import diff_html


def _shown_version(amendment: Amendment) -> int:
    return int(latest_version(amendment.paragraph).history_id)


def _start_text(amendment: Amendment) -> str:
    # Without the paragraph's edge spacing (a leading indent): the service puts it back.
    if amendment.kind == Amendment.Kind.INSERT:
        return amendment.proposed_text.strip()
    return (amendment.proposed_text or amendment.paragraph.text).strip()


def recommendation_context(request: HttpRequest, amendment: Amendment) -> dict[str, Any]:
    """What the amendment page shows of its recommendation: the one the viewer may see, its
    diff, the editors' panel and the proposer's answer form."""
    recommendation = visible_recommendation(amendment, request.user)
    context: dict[str, Any] = {
        "recommendation": recommendation,
        "recommendation_diff": _modified_diff(recommendation),
        "recommendation_published": recommendation is not None and not _is_draft(amendment.chapter),
    }
    editing = sees_drafts(request.user) and amendment.status in Amendment.OPEN_STATUSES
    if editing and amendment.author_id != request.user.pk:
        context["recommend_form"] = RecommendationForm(
            initial=recommendation_initial(
                recommendation, _start_text(amendment), _shown_version(amendment)
            ),
            auto_id="recommend-%s",
        )
    if may_answer(request.user, amendment):
        context["answer_form"] = AnswerForm(auto_id="answer-%s")
    return context


def _is_draft(chapter: Chapter) -> bool:
    release = release_of(chapter)
    return release is None or release.published_at > clock.now()


def _modified_diff(recommendation: Recommendation | None) -> str:
    if recommendation is None or recommendation.kind != Recommendation.Kind.ACCEPT_MODIFIED:
        return ""
    return diff_html(recommendation.modified_base_text, recommendation.modified_text)


@login_required
@require_http_methods(["GET", "POST"])
def recommend(request: HttpRequest, pk: int) -> HttpResponse:
    """Record or change the committee's recommendation on an amendment (editors)."""
    require_editor(request.user)
    amendment = get_object_or_404(
        Amendment.objects.select_related(
            "chapter__recommendation_release", "paragraph", "author", "recommendation"
        ),
        pk=pk,
    )
    recommendation = recommendation_of(amendment)
    if request.method == "POST":
        form = RecommendationForm(request.POST, auto_id="recommend-%s")
        if form.is_valid():
            try:
                recommendation_set(
                    amendment=amendment, editor=signed_in(request), **form.service_arguments()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"The recommendation on #{pk} was recorded.")
                return redirect(f"{amendment.get_absolute_url()}#recommendation")
        start_again_from(form, _shown_version(amendment))
    else:
        initial = recommendation_initial(
            recommendation, _start_text(amendment), _shown_version(amendment)
        )
        form = RecommendationForm(initial=initial, auto_id="recommend-%s")
    context = {
        "amendment": amendment,
        "recommendation": recommendation,
        "recommendation_diff": _modified_diff(recommendation),
        "form": form,
    }
    return render(request, "amendments/recommend.html", context)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposer agrees or disagrees with the published recommendation."""
    amendment = get_object_or_404(
        Amendment.objects.select_related("chapter__recommendation_release", "recommendation"),
        pk=pk,
    )
    if not may_answer(request.user, amendment):
        raise PermissionDenied("Only its proposer answers a published recommendation.")
    form = AnswerForm(request.POST, auto_id="answer-%s")
    if form.is_valid():
        try:
            recommendation_answer(
                amendment=amendment,
                member=signed_in(request),
                agree=form.cleaned_data["answer"] == "agree",
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your answer was recorded.")
            return redirect(f"{amendment.get_absolute_url()}#recommendation")
    page = FormPage(
        heading=f"Your answer to the recommendation on #{pk}",
        action_url=request.path,
        submit_label="Send my answer",
        back_url=f"{amendment.get_absolute_url()}#recommendation",
        back_label=f"Amendment #{pk}",
    )
    return form_again(request, form, page)


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    """Publish a chapter's recommendations now or at a set time (editors)."""
    require_editor(request.user)
    chapter = get_chapter(slug)
    form = PublishForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            recommendations_publish(
                chapter=chapter, editor=signed_in(request), at=form.cleaned_data["publish_at"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The chapter's recommendations are published.")
            return redirect("amendments:voting_list", slug=chapter.slug)
    context = {
        "chapter": chapter,
        "form": form,
        "release": release_of(chapter),
        "drafted": Recommendation.objects.filter(amendment__chapter=chapter).count(),
        "now": clock.now(),
    }
    return render(request, "amendments/recommendations_publish.html", context)


def _readable_list(request: HttpRequest, slug: str) -> VotingList:
    chapter = get_chapter(slug)
    listing = voting_list(chapter)
    if not listing.published and not sees_drafts(request.user):
        raise PermissionDenied("The committee's recommendations are not published yet.")
    return listing


@require_safe
def voting_list_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The chapter's voting list: everyone once published, editors always."""
    chapter = get_chapter(slug)
    listing = voting_list(chapter)
    shown = listing.published or sees_drafts(request.user)
    return render(
        request,
        "amendments/voting_list.html",
        {"chapter": chapter, "listing": listing if shown else None},
    )


@require_safe
def voting_list_html(request: HttpRequest, slug: str) -> HttpResponse:
    """The voting list as an HTML file to download (print or send on)."""
    listing = _readable_list(request, slug)
    html = render_to_string(
        "amendments/voting_list_download.html", {"listing": listing}, request=request
    )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="voting-list-{slug}.html"'
    return response


CSV_HEADER = [
    "block",
    "amendment",
    "place",
    "title",
    "proposer",
    "recommendation",
    "answer",
    "proposer's comment",
    "why",
]


@require_safe
def voting_list_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The voting list as CSV: one row per amendment, the voting blocks numbered, the agreed
    recommendations last (block "agreed")."""
    listing = _readable_list(request, slug)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for number, block in enumerate(listing.blocks, start=1):
        for item in block.items:
            writer.writerow(_csv_row(str(number), item))
    for item in listing.agreed:
        writer.writerow(_csv_row("agreed", item))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="voting-list-{slug}.csv"'
    return response


def _csv_row(block: str, item: VotingItem) -> list[str]:
    recommendation = item.recommendation
    return [
        block,
        f"#{item.amendment.pk}",
        item.place,
        str(guarded(item.amendment.title)),
        str(guarded(item.amendment.author.public_name)),
        _in_words(recommendation),
        recommendation.get_answer_display() if recommendation else "",
        str(guarded(recommendation.answer_comment)) if recommendation else "",
        item.why,
    ]


def _in_words(recommendation: Recommendation | None) -> str:
    """ "Merged into another amendment #12", "Refer to the 2027 congress", "Reject"."""
    if recommendation is None:
        return ""
    words = recommendation.get_kind_display()
    if recommendation.target_id:
        words += f" #{recommendation.target_id}"
    if recommendation.refer_to:
        words += f" to {recommendation.refer_to}"
    return str(guarded(words))
