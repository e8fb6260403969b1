from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from manifesto import selectors
from manifesto.models import Chapter
from manifesto.services import manifesto_get_or_create


def index(request: HttpRequest) -> HttpResponse:
    manifesto = manifesto_get_or_create()
    chapters = selectors.manifesto_chapters(manifesto)
    return render(request, "manifesto/index.html", {"manifesto": manifesto, "chapters": chapters})


def chapter_detail(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = get_object_or_404(Chapter.objects.select_related("manifesto"), slug=slug)
    reading = selectors.chapter_reading(chapter)
    return render(request, "manifesto/chapter.html", {"chapter": chapter, "reading": reading})


def paragraph_detail(request: HttpRequest, slug: str, key: int) -> HttpResponse:
    chapter = get_object_or_404(Chapter.objects.select_related("manifesto"), slug=slug)
    paragraph = get_object_or_404(chapter.paragraphs, key=key)
    versions = selectors.paragraph_versions(paragraph)
    return render(
        request,
        "manifesto/paragraph.html",
        {"chapter": chapter, "paragraph": paragraph, "versions": versions},
    )
