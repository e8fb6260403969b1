"""The public list of amendments (visitors and members) and its CSV and XLSX downloads."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.views.decorators.http import require_safe

from accounts.models import User
from amendments import selectors
from amendments.filtering import SORT_LABELS, AmendmentFilters
from amendments.forms import AmendmentListFilterForm
from amendments.list_export import csv_lines, xlsx_file
from amendments.listing import (
    LIST_PAGE_SIZE,
    FilterChoices,
    amendment_list,
    amendments_for_export,
    author_names,
    list_chapters,
)
from amendments.models import Amendment
from amendments.recommendations import recommendations_published, sees_drafts
from amendments.row_cache import LABELS, ROW_TEMPLATES, ROW_VERSION, filters_stamp
from common import clock
from common.fragments import cached_fragments, fragment_key
from manifesto.models import Chapter
from manifesto.selectors import manifesto_current

MEMBERS_ONLY = (
    "“Mine” and “Supported by me” are for members who are logged in, so they were left out. "
    "Log in to use them."
)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAIN_TEMPLATE = "amendments/_partials/list_main.html"
# Every template the list's main part is rendered from (its rows' too): their source is part
# of the key.
MAIN_TEMPLATES = (MAIN_TEMPLATE, "amendments/_partials/pagination.html", *ROW_TEMPLATES)


def _filters(request: HttpRequest) -> tuple[AmendmentListFilterForm, AmendmentFilters]:
    form = AmendmentListFilterForm(request.GET)
    return form, form.filters()


@require_safe
def amendment_list_page(request: HttpRequest) -> HttpResponse:
    """Every amendment, filtered and sorted by the address, a page at a time."""
    form, filters = _filters(request)
    notices = form.notices()
    if (filters.mine or filters.supported) and not request.user.is_authenticated:
        notices.append(MEMBERS_ONLY)
    choices = FilterChoices(list_chapters(manifesto_current()), author_names())
    query = request.GET.copy()
    query.pop("page", None)
    filter_values = {name: request.GET.get(name, "")[:40] for name in ("paragraph", "lines")}
    author_value = request.GET.get("author", "")[:150]
    chapters = [(chapter.slug, chapter.title) for chapter in choices.chapters]
    shown = (chapters, choices.authors, filters, filter_values, author_value, SORT_LABELS)
    return render(
        request,
        "amendments/list.html",
        {
            "choices": choices,
            "list_main": _list_main(
                request, choices.chapters, filters, form.page_number(), query.urlencode()
            ),
            "filters": filters,
            "filter_notices": notices,
            "filter_values": filter_values,
            "author_value": author_value,
            "sort_labels": SORT_LABELS,
            "statuses": Amendment.Status.choices,
            "filters_stamp": filters_stamp(
                *shown, Amendment.Status.choices, request.user.is_authenticated
            ),
        },
    )


def _list_main(
    request: HttpRequest,
    chapters: list[Chapter],
    filters: AmendmentFilters,
    page_number: int | None,
    query: str,
) -> SafeString:
    """The list's main part (the count, the download links, the rows and the pages), from the
    cache under a key of everything it shows (one query: selectors.manifesto_stamp), or read
    (three queries) and rendered."""
    user = request.user
    viewer = user if isinstance(user, User) else None
    shown = (
        selectors.manifesto_stamp(),
        _viewer_stamp(viewer, filters, chapters),
        [(chapter.pk, chapter.order) for chapter in chapters],
        filters,
        page_number,
        query,
        LIST_PAGE_SIZE,
    )
    key = fragment_key("list-main", MAIN_TEMPLATES, shown, ROW_VERSION, LABELS)

    def render(_: int) -> str:
        listing = amendment_list(chapters, filters, viewer, page_number)
        return render_to_string(MAIN_TEMPLATE, {"listing": listing, "query": query})

    return cached_fragments([key], render)[0]


def _viewer_stamp(
    viewer: User | None, filters: AmendmentFilters, chapters: list[Chapter]
) -> tuple[object, ...]:
    """What the part shows differently by viewer and by the clock: the viewer's own
    amendments or supports (when those filters are on), whether they see recommendations not
    yet published, and which chapters' recommendations are published now."""
    own = None
    if viewer is not None and viewer.is_authenticated and (filters.mine or filters.supported):
        own = viewer.pk
    now = clock.now()
    published = [chapter.pk for chapter in chapters if recommendations_published(chapter, now)]
    return (own, sees_drafts(viewer), published)


@require_safe
def amendment_list_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The list with its filters as CSV, streamed a row at a time."""
    _, filters = _filters(request)
    response = StreamingHttpResponse(
        csv_lines(amendments_for_export(filters, request.user)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="amendments.csv"'
    return response


@require_safe
def amendment_list_xlsx(request: HttpRequest) -> FileResponse:
    """The list with its filters as an XLSX workbook."""
    _, filters = _filters(request)
    return FileResponse(
        xlsx_file(amendments_for_export(filters, request.user)),
        as_attachment=True,
        filename="amendments.xlsx",
        content_type=XLSX_TYPE,
    )
