"""The reading pages: the Manifesto index, a chapter, one paragraph with its history.

They show the desk's figures beside the text (pending amendments, the word ledger), so they
live in the desk; their URLs keep the "manifesto" namespace (amendments/reading_urls.py).
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.views.decorators.http import require_POST, require_safe

from amendments import history, reading_cache
from amendments import selectors as desk
from amendments.export_service import FORM_CHOICES, export_run
from amendments.forms import CommentEditForm, RevertForm
from amendments.ledger import chapter_ledger, chapter_ledgers, manifesto_ledger
from amendments.services.milestones import milestone_mark
from amendments.views._helpers import FormPage, add_service_errors, form_again
from manifesto import exports, selectors
from manifesto.forms import MilestoneForm
from manifesto.models import Chapter, Manifesto, Paragraph
from manifesto.reference import paragraph_citation
from manifesto.services import DEFAULT_MANIFESTO_TITLE


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    manifesto = selectors.manifesto_current()
    if manifesto is None:
        # Nothing imported yet: the page says so, and a GET creates nothing.
        manifesto = Manifesto(title=DEFAULT_MANIFESTO_TITLE)
    chapters = selectors.manifesto_chapters(manifesto) if manifesto.pk else []
    ledgers = chapter_ledgers(manifesto, chapters)
    return render(
        request,
        "manifesto/index.html",
        {
            "manifesto": manifesto,
            "chapters": chapters,
            "ledgers": ledgers,
            "total": manifesto_ledger(manifesto, ledgers),
            "export_formats": FORM_CHOICES,
            "milestones": exports.milestone_names(chapters),
        },
    )


@require_safe
def chapter_detail(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = get_object_or_404(
        Chapter.objects.select_related("manifesto", "reference_milestone"), slug=slug
    )
    if "line" in request.GET:
        return redirect(_line_url(request, chapter, request.GET["line"]))
    # The export form's milestones, read with the stamp.
    milestones: list[str] = []
    page_stamp = desk.chapter_page_stamp(chapter, milestones=milestones)
    return render(
        request,
        "manifesto/chapter.html",
        {
            "chapter": chapter,
            # The text and the ledger are a cached fragment, keyed on the stamp; they are read
            # only when it is missing.
            "page_stamp": page_stamp,
            "reading": SimpleLazyObject(lambda: desk.reading_with_counts(chapter)),
            "ledger": SimpleLazyObject(lambda: chapter_ledger(chapter)),
            "export_formats": FORM_CHOICES,
            "milestones": milestones,
            "milestone_form": MilestoneForm(auto_id="milestone-%s"),
            "following": SimpleLazyObject(lambda: desk.is_following(request.user, chapter=chapter)),
        },
    )


# A line number people type: digits of any script ("١٢" is 12); more than 30 is no number.
_LINE = re.compile(r"\s*(\d{1,30})\s*")


def _line_url(request: HttpRequest, chapter: Chapter, typed: str) -> str:
    """Where "Go to line" leads: the line's anchor on the chapter page, or the page itself
    with a message saying why not (never back to ``?line=``, so it cannot loop)."""
    page = chapter.get_absolute_url()
    match = _LINE.fullmatch(typed)
    if match is None:
        messages.error(request, "Type a line number, such as 123, to go to that line.")
        return page
    line = int(match.group(1))
    place = selectors.line_place(chapter, line)
    if place.paragraph is None:
        if place.first is None:
            messages.error(request, "This chapter has no numbered lines yet.")
        else:
            messages.error(
                request,
                f"There is no line {line} in this chapter: its lines are numbered "
                f"{place.first} to {place.last}.",
            )
        return page
    if not place.label and not place.paragraph.is_deleted:
        return f"{page}#{place.paragraph.anchor}"
    if not place.label:
        where = f"¶ {place.number}" if place.number else "a heading"
        since = chapter.reference_name
        messages.info(request, f"Line {line} was in {where}, deleted since {since}.")
        return f"{page}#L{place.paragraph.ref_first_line}"
    return f"{page}#L{place.label}"


def _paragraph_page(slug: str, key: int) -> dict[str, Any]:
    """The chapter, the paragraph (deleted ones too), its ¶ label, its citation ("¶ 9, lines
    123–125") and its text in numbered lines, or 404."""
    chapter = get_object_or_404(
        Chapter.objects.select_related("manifesto", "reference_milestone"), slug=slug
    )
    paragraph = get_object_or_404(chapter.paragraphs, key=key)
    paragraph.chapter = chapter
    number = selectors.body_numbers([chapter]).get(paragraph.pk)
    return {
        "chapter": chapter,
        "paragraph": paragraph,
        "number": number,
        "citation": str(paragraph_citation(paragraph, number)),
        "shown": selectors.shown_paragraph(paragraph, number, chapter.manifesto.line_width),
        "reference_name": chapter.reference_name,
    }


@require_safe
def paragraph_detail(request: HttpRequest, slug: str, key: int) -> HttpResponse:
    """The paragraph, its amendments a page at a time, its discussion and its history; the
    title and the page's text come from the cache under a stamp of all they show."""
    chapter = get_object_or_404(
        Chapter.objects.select_related(
            "manifesto", "reference_milestone", "recommendation_release"
        ),
        slug=slug,
    )
    paragraph = get_object_or_404(chapter.paragraphs, key=key)
    paragraph.chapter = chapter
    page_number = request.GET.get("page")
    shown = (
        chapter.reference_name,
        paragraph.pk,
        # The chapter page's stamp with the paragraph page's own (one query).
        reading_cache.paragraph_stamp(request, chapter, paragraph.pk),
        reading_cache.viewer_stamp(request, chapter),
        page_number,
    )
    title, content = reading_cache.cached_parts(
        request,
        "paragraph-page",
        reading_cache.PARAGRAPH_TEMPLATES,
        reading_cache.PARAGRAPH_TEMPLATES[:2],
        shown,
        lambda: _paragraph_context(request, chapter, paragraph),
    )
    return render(request, "manifesto/paragraph.html", {"page_title": title, "content": content})


def _paragraph_context(
    request: HttpRequest, chapter: Chapter, paragraph: Paragraph
) -> dict[str, Any]:
    """Everything the paragraph page's cached parts show (read only when they are missing)."""
    number = selectors.body_numbers([chapter]).get(paragraph.pk)
    return {
        "chapter": chapter,
        "paragraph": paragraph,
        "number": number,
        "citation": str(paragraph_citation(paragraph, number)),
        "shown": selectors.shown_paragraph(paragraph, number, chapter.manifesto.line_width),
        "reference_name": chapter.reference_name,
        "versions": selectors.paragraph_versions(paragraph),
        "amendments": desk.paragraph_amendments(paragraph, request.user, request.GET.get("page")),
        "thread": desk.comment_thread(paragraph=paragraph),
        "comment_form": CommentEditForm(),
        "comment_url": reverse("amendments:comment_paragraph", args=[chapter.slug, paragraph.key]),
        "following": desk.is_following(request.user, paragraph=paragraph),
    }


@require_safe
def paragraph_history(request: HttpRequest, slug: str, key: int) -> HttpResponse:
    """Every version of a paragraph with what it changed; editors can restore one."""
    page = _paragraph_page(slug, key)
    return render(
        request,
        "manifesto/history.html",
        {
            **page,
            "versions": history.paragraph_history(page["paragraph"]),
            "revert_form": RevertForm(),
        },
    )


@require_safe
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    """The chapter between two moments (GET form): every paragraph, changes marked."""
    chapter = get_object_or_404(Chapter.objects.select_related("manifesto"), slug=slug)
    try:
        result = history.chapter_compare(
            chapter,
            since=_moment_from(request, "from", "published"),
            until=_moment_from(request, "to", "now"),
        )
    except ValueError as error:
        messages.error(request, str(error))
        result = history.chapter_compare(chapter, since=exports.PUBLISHED, until=exports.NOW)
    return render(
        request,
        "manifesto/compare.html",
        {
            "chapter": chapter,
            "result": result,
            "only_changes": request.GET.get("only") == "changes",
            "milestones": exports.milestone_names([chapter]),
            "choice": {
                "from": request.GET.get("from") or "published",
                "to": request.GET.get("to") or "now",
            },
            "times": {name: request.GET.get(f"{name}_time", "") for name in ("from", "to")},
        },
    )


def _moment_from(request: HttpRequest, name: str, default: str) -> exports.Moment:
    choice = request.GET.get(name, default)
    if choice == "date":
        return exports.parse_moment(request.GET.get(f"{name}_time", ""))
    return exports.parse_moment(choice)


@require_safe
def export(request: HttpRequest) -> HttpResponse:
    """Download the text, the tracked changes or the changes report (GET form, no JS)."""
    manifesto = selectors.manifesto_current()
    slug = request.GET.get("chapter", "")
    chapters = (
        [get_object_or_404(Chapter, slug=slug)]
        if slug
        else selectors.manifesto_chapter_list(manifesto)
    )
    back = chapters[0].get_absolute_url() if slug else reverse("manifesto:index")
    try:
        result = export_run(
            manifesto=manifesto,
            chapters=chapters,
            fmt=request.GET.get("format", "docx"),
            at=_moment_from(request, "at", "now"),
            since=_moment_from(request, "since", "published"),
            line_numbers=request.GET.get("line_numbers", "") in ("1", "on", "yes"),
        )
    except ValueError as error:
        messages.error(request, str(error))
        return redirect(f"{back}#export")
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response


@require_POST
def milestone_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Editors name the chapter's present state; it then appears among the export moments."""
    chapter = get_object_or_404(Chapter.objects.select_related("manifesto"), slug=slug)
    user = request.user
    if not (user.is_authenticated and user.is_editor):
        raise PermissionDenied("Only editors can mark milestones.")
    form = MilestoneForm(request.POST, auto_id="milestone-%s")
    if form.is_valid():
        try:
            milestone = milestone_mark(
                chapter=chapter,
                editor=user,
                name=form.cleaned_data["name"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                format_html(
                    "Milestone “<bdi>{}</bdi>” marked; it can be exported.", milestone.name
                ),
            )
            return redirect(f"{chapter.get_absolute_url()}#export")
    page = FormPage(
        heading=format_html("Mark a milestone of “<bdi>{}</bdi>”", chapter.title),
        action_url=request.path,
        submit_label="Mark",
        back_url=f"{chapter.get_absolute_url()}#export",
        back_label=chapter.title,
    )
    return form_again(request, form, page)
