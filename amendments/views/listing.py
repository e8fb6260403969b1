"""The public list of amendments (visitors and members) and its CSV and XLSX downloads."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from amendments.filtering import SORT_LABELS, AmendmentFilters
from amendments.forms import AmendmentListFilterForm
from amendments.list_export import csv_lines, xlsx_file
from amendments.listing import amendment_list, amendments_for_export
from amendments.models import Amendment
from amendments.row_cache import filters_stamp
from manifesto.selectors import manifesto_current

MEMBERS_ONLY = (
    "“Mine” and “Supported by me” are for members who are logged in, so they were left out. "
    "Log in to use them."
)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    result = amendment_list(manifesto_current(), filters, request.user, form.page_number())
    query = request.GET.copy()
    query.pop("page", None)
    filter_values = {name: request.GET.get(name, "")[:40] for name in ("paragraph", "lines")}
    author_value = request.GET.get("author", "")[:150]
    chapters = [(chapter.slug, chapter.title) for chapter in result.chapters]
    shown = (chapters, result.authors, filters, filter_values, author_value, SORT_LABELS)
    return render(
        request,
        "amendments/list.html",
        {
            "listing": result,
            "filters": filters,
            "filter_notices": notices,
            "filter_values": filter_values,
            "author_value": author_value,
            "sort_labels": SORT_LABELS,
            "statuses": Amendment.Status.choices,
            "query": query.urlencode(),
            "filters_stamp": filters_stamp(
                *shown, Amendment.Status.choices, request.user.is_authenticated
            ),
        },
    )


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
