"""Factories for amendments on the seed chapter."""

from __future__ import annotations

import pytest

from amendments.models import Amendment
from amendments.services.proposing import amendment_propose
from manifesto.models import Chapter, Paragraph


def body_paragraph(chapter: Chapter, number: int) -> Paragraph:
    """The body paragraph shown as ¶ ``number`` on the chapter page."""
    paragraphs = chapter.paragraphs.filter(kind="body", is_deleted=False).order_by("position")
    return paragraphs[number - 1]


def propose(
    author,
    paragraph: Paragraph,
    text: str | None = None,
    *,
    kind: str = "replace",
    title: str = "A change",
    reason: str = "Because it reads better.",
    insert_kind: str = "",
) -> Amendment:
    if text is None:
        text = paragraph.text + " Added words."
    return amendment_propose(
        author=author,
        paragraph=paragraph,
        kind=kind,
        title=title,
        text=text,
        reason=reason,
        insert_kind=insert_kind or ("body" if kind == "insert" else ""),
    )


@pytest.fixture
def p5(seed_chapter) -> Paragraph:
    """¶ 5 of the seed chapter: “From the outset, the revolution faced a myriad of problems…”"""
    return body_paragraph(seed_chapter, 5)
