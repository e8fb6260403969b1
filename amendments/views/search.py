"""The search page: the chapter text, the amendments and the comments (a GET form, no JS)."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

import django
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.views.decorators.http import require_safe

from amendments import selectors
from amendments.forms import SearchForm
from amendments.row_cache import LABELS
from amendments.search import MAX_PAGE, SNIPPET_VERSION, search_chapters, search_run
from common.fragments import cached_fragments, fragment_key, templates_stamp
from manifesto.models import Chapter

FORM_TEMPLATE = "amendments/_partials/search_form.html"
RESULTS_TEMPLATE = "amendments/_partials/search_results.html"
# Every template the results are rendered from: their source is part of the key.
RESULTS_TEMPLATES = (
    RESULTS_TEMPLATE,
    "amendments/_partials/search_hit.html",
    "amendments/_partials/status.html",
    "_partials/person.html",
)


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Results of ``q`` ranked, each kind's first few (or one kind, page by page); an empty or
    refused search shows the form (filled in, the problem named) and no results."""
    form = SearchForm(request.GET or None, chapters=search_chapters())
    results = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        results = _results_part(
            form.cleaned_data["q"],
            form.cleaned_data["kind"],
            form.chosen_chapter,
            _page(request.GET.get("page", "")),
        )
    return render(
        request,
        "amendments/search.html",
        {
            "form": form,
            "query": form.cleaned_data["q"] if results else "",
            "results_part": results,
            "form_stamp": _form_stamp(form),
        },
    )


def _results_part(query: str, kind: str, chapter: Chapter | None, page: int) -> SafeString:
    """The results, from the cache under a key of the search (its words, kind, chapter and
    page) and of everything they can show (one query: selectors.manifesto_stamp), or searched
    and rendered."""
    shown = (
        selectors.manifesto_stamp(with_comments=True),
        query,
        kind,
        chapter.pk if chapter else None,
        page,
        connection.vendor,  # which search ranks and cuts the snippets
    )
    key = fragment_key("search-results", RESULTS_TEMPLATES, shown, SNIPPET_VERSION, LABELS)

    def render(_: int) -> str:
        results = search_run(query=query, kind=kind, chapter=chapter, page=page)
        # What the "more" and page links keep of this search.
        kept = {"q": query, "chapter": chapter.slug if chapter else ""}
        context = {"results": results, "chapter": chapter, "kept": urlencode(kept)}
        return render_to_string(RESULTS_TEMPLATE, context)

    return cached_fragments([key], render)[0]


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
