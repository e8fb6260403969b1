"""The search page: the chapter text, the amendments and the comments (a GET form, no JS)."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

import django
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from amendments.forms import SearchForm
from amendments.search import MAX_PAGE, search_chapters, search_run
from common.fragments import templates_stamp

FORM_TEMPLATE = "amendments/_partials/search_form.html"


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Results of ``q`` ranked, each kind's first few (or one kind, page by page); an empty or
    refused search shows the form (filled in, the problem named) and no results."""
    form = SearchForm(request.GET or None, chapters=search_chapters())
    results = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        results = search_run(
            query=form.cleaned_data["q"],
            kind=form.cleaned_data["kind"],
            chapter=form.chosen_chapter,
            page=_page(request.GET.get("page", "")),
        )
    # What the "more" and page links keep of this search.
    kept = {name: form.cleaned_data[name] for name in ("q", "chapter")} if results else {}
    return render(
        request,
        "amendments/search.html",
        {
            "form": form,
            "results": results,
            "kept": urlencode(kept),
            "form_stamp": _form_stamp(form),
        },
    )


def _form_stamp(form: SearchForm) -> str:
    """A key for the search form as shown (for {% cache %}): the values it shows, the
    chapters it offers, its template's source and Django's (whose widgets render the
    selects); "" (not kept) while it has errors, which change how its fields are shown."""
    if form.errors:
        return ""
    shown = [(form[name].value(), form[name].field.choices) for name in ("chapter", "kind")]  # type: ignore[attr-defined]
    stamp = repr((form["q"].value(), shown, django.VERSION, templates_stamp((FORM_TEMPLATE,))))
    return hashlib.sha256(stamp.encode()).hexdigest()


def _page(typed: str) -> int:
    """The page asked for; anything that is not a page number is the first page."""
    return min(int(typed), MAX_PAGE) if typed.isascii() and typed.isdigit() else 1
