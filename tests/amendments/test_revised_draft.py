"""A revised draft of the seed, imported from a DOCX: only the paragraphs it changes get new
versions, pending amendments are carried forward or put in conflict, the guard judges it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from amendments.models import Amendment, Decision
from amendments.services.proposing import amendment_propose
from amendments.services.revising import REVISED, chapter_revise
from manifesto.models import Chapter, Paragraph
from textcore.chapter_text import Block, ParsedChapter
from textcore.export import document_from_parsed, render_docx, render_markdown

pytestmark = pytest.mark.django_db

NEW_PARAGRAPH = "A paragraph the editors wrote for the revised draft, about the cooperatives."


def _live(chapter: Chapter) -> list[Paragraph]:
    return list(chapter.paragraphs.filter(is_deleted=False).order_by("position"))


def _draft(chapter: Chapter, blocks: list[Block]) -> ParsedChapter:
    return ParsedChapter(
        title=chapter.title,
        publication_line=chapter.publication_line,
        subtitle=chapter.subtitle,
        editorial_note=chapter.editorial_note,
        blocks=blocks,
    )


def _docx(parsed: ParsedChapter) -> bytes:
    return render_docx(document_from_parsed(parsed, generated_at=datetime(2026, 12, 3, tzinfo=UTC)))


def _blocks(paragraphs: list[Paragraph]) -> list[Block]:
    return [Block(p.kind, p.text, p.footnote_number) for p in paragraphs]  # type: ignore[arg-type]


def _bodies(chapter: Chapter) -> list[Paragraph]:
    return [p for p in _live(chapter) if p.kind == "body" and " the " in p.text]


def _propose(author: User, paragraph: Paragraph, text: str) -> Amendment:
    return amendment_propose(
        author=author, paragraph=paragraph, kind="replace", title="A change", text=text, reason="r"
    )


def test_an_unchanged_draft_through_docx_changes_nothing(
    seed_chapter: Chapter, editor: User
) -> None:
    data = _docx(_draft(seed_chapter, _blocks(_live(seed_chapter))))
    with pytest.raises(ValidationError, match="reads exactly as the chapter does now"):
        chapter_revise(chapter=seed_chapter, editor=editor, data=data)


def test_three_edits_an_insertion_and_a_deletion(
    seed_chapter: Chapter, editor: User, member: User
) -> None:
    bodies = _bodies(seed_chapter)
    carried, conflicted, edited_only, deleted, untouched = (
        bodies[2],
        bodies[10],
        bodies[20],
        bodies[30],
        bodies[40],
    )
    # The member adds a sentence at the end: the editors' edit at the start leaves it alone.
    kept = _propose(member, carried, carried.text.rstrip() + " The member's added sentence.")
    # The member changes the first "the", which the editors' draft changes too.
    clash = _propose(member, conflicted, conflicted.text.replace(" the ", " a ", 1))
    elsewhere = _propose(member, untouched, untouched.text.replace(" the ", " our ", 1))
    elsewhere_before = (elsewhere.base_version_id, elsewhere.cited_as, elsewhere.proposed_text)
    versions_before = {p.pk: p.history.count() for p in seed_chapter.paragraphs.all()}

    blocks: list[Block] = []
    for paragraph in _live(seed_chapter):
        if paragraph.pk == deleted.pk:
            continue
        text = paragraph.text
        if paragraph.pk in (carried.pk, conflicted.pk, edited_only.pk):
            text = text.replace(" the ", " THE ", 1)
        blocks.append(Block(paragraph.kind, text, paragraph.footnote_number))  # type: ignore[arg-type]
        if paragraph.pk == untouched.pk:
            blocks.append(Block("body", NEW_PARAGRAPH))

    plan = chapter_revise(
        chapter=seed_chapter, editor=editor, data=_docx(_draft(seed_chapter, blocks))
    )

    assert plan.counts == {
        "unchanged": len(versions_before) - 4,
        "changed": 3,
        "inserted": 1,
        "deleted": 1,
    }
    new_versions = {
        p.pk
        for p in seed_chapter.paragraphs.all()
        if p.history.count() != versions_before.get(p.pk)
    }
    inserted = seed_chapter.paragraphs.get(text=NEW_PARAGRAPH)
    assert new_versions == {carried.pk, conflicted.pk, edited_only.pk, deleted.pk, inserted.pk}
    reasons = {
        p.history.values_list("history_change_reason", flat=True).first()
        for p in Paragraph.objects.filter(pk__in=new_versions)
    }
    assert reasons == {REVISED}
    assert inserted.key > max(p.key for p in seed_chapter.paragraphs.exclude(pk=inserted.pk))
    live = _live(seed_chapter)
    assert live[live.index(seed_chapter.paragraphs.get(pk=untouched.pk)) + 1] == inserted
    assert seed_chapter.paragraphs.get(pk=deleted.pk).is_deleted

    kept.refresh_from_db()
    assert kept.status == Amendment.Status.PENDING
    carried.refresh_from_db()
    assert kept.base_text == carried.text
    assert " THE " in kept.proposed_text
    assert kept.proposed_text.strip().endswith("The member's added sentence.")
    clash.refresh_from_db()
    assert clash.status == Amendment.Status.CONFLICT
    elsewhere.refresh_from_db()
    assert elsewhere.status == Amendment.Status.PENDING
    assert (
        elsewhere.base_version_id,
        elsewhere.cited_as,
        elsewhere.proposed_text,
    ) == elsewhere_before

    log = Decision.objects.get(chapter=seed_chapter, action=Decision.Action.REVISED_DRAFT)
    assert log.actor == editor
    assert "3 changed, 1 inserted, 1 deleted" in log.reason


def _long_draft(chapter: Chapter, words: int) -> bytes:
    blocks = [*_blocks(_live(chapter)), Block("body", " ".join(["word"] * words) + ".")]
    return render_markdown(
        document_from_parsed(
            _draft(chapter, blocks), generated_at=datetime(2026, 12, 3, tzinfo=UTC)
        )
    ).encode()


def test_the_guard_refuses_a_draft_over_the_limit_and_nothing_is_written(
    seed_chapter: Chapter, editor: User
) -> None:
    rows = (Paragraph.history.count(), Decision.objects.count())
    with pytest.raises(ValidationError, match="Refused by the word limit"):
        chapter_revise(chapter=seed_chapter, editor=editor, data=_long_draft(seed_chapter, 2000))
    assert (Paragraph.history.count(), Decision.objects.count()) == rows


def test_the_editor_raises_the_limit_in_the_same_step(seed_chapter: Chapter, editor: User) -> None:
    chapter_revise(
        chapter=seed_chapter,
        editor=editor,
        data=_long_draft(seed_chapter, 2000),
        word_limit=9000,
        limit_reason="The congress asked for a longer chapter.",
    )
    seed_chapter.refresh_from_db()
    assert seed_chapter.word_limit == 9000
    change = Decision.objects.get(chapter=seed_chapter, action=Decision.Action.LIMIT_CHANGED)
    assert "The congress asked for a longer chapter." in change.reason


def test_only_editors_import_revised_drafts(seed_chapter: Chapter, member: User) -> None:
    with pytest.raises(ValidationError, match="Only editors"):
        chapter_revise(chapter=seed_chapter, editor=member, data=b"# T\n\nText.")
