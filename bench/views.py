"""The benchmark's yardstick: a chapter's paragraphs rendered bare from one query."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from manifesto.models import Paragraph


def reference(request: HttpRequest, slug: str) -> HttpResponse:
    paragraphs = (
        Paragraph.objects.filter(chapter__slug=slug, is_deleted=False)
        .order_by("position")
        .only("key", "kind", "text")
    )
    return render(request, "bench/reference.html", {"paragraphs": paragraphs})
