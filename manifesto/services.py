"""Services of the text store: creating the Manifesto, importing a chapter, naming a milestone,
and the keys and positions new paragraphs take.

Each that writes runs in one transaction, records history with who and why, and raises
ValidationError with a ``code`` when a rule refuses the change. Changes to a paragraph's text
(accepting amendments, editing, reverting) are the desk's: amendments/services/.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from common.columns import column_length
from manifesto.importing import counted_words, read_upload
from manifesto.models import (
    AS_PUBLISHED,
    FOLLOWS_MANIFESTO,
    Chapter,
    Manifesto,
    Milestone,
    Paragraph,
)
from manifesto.reference import reference_renumber
from manifesto.selectors import manifesto_current
from textcore.chapter_text import ParsedChapter
from textcore.importing import MAX_UPLOAD_BYTES
from textcore.limits import too_long_message
from textcore.oneline import one_line
from textcore.ordering import initial_keys, key_between
from textcore.words import count_words, has_visible_text

DEFAULT_MANIFESTO_TITLE = "Transformation, a Manifesto for Democratic Socialism"
# The limit of a milestone's name (its column's size); the editors' form uses the same number.
# An admin's editorial note on a chapter has a paragraph's limit.
MAX_EDITORIAL_NOTE_CHARS = 5000
MAX_MILESTONE_NAME_CHARS = column_length(Milestone, "name")


def manifesto_get_or_create() -> Manifesto:
    """The Manifesto this installation edits (created on first use)."""
    manifesto = manifesto_current()
    if manifesto is None:
        manifesto = Manifesto.objects.create(title=DEFAULT_MANIFESTO_TITLE)
    return manifesto


def chapter_import(
    *,
    data: bytes,
    slug: str | None = None,
    phase: str = FOLLOWS_MANIFESTO,
    user: User | None = None,
    word_limit: int | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> Chapter:
    """Import a chapter from a DOCX, ODT, Markdown or plain-text file (its type found from its
    content), all or nothing, and mark the moment "As published". ``word_limit`` sets an
    absolute limit from the start (default: imported words plus the tolerance). It
    follows the Manifesto's round unless given a ``phase`` of its own."""
    if word_limit is not None and word_limit <= 0:
        raise ValidationError({"word_limit": ["A limit is a positive number of words."]})
    parsed = read_upload(data, max_bytes=max_bytes).parsed
    _refuse_lines_too_long_for_their_columns(parsed)
    slug = slug or slugify(parsed.title)[:80]
    if not slug:
        raise ValidationError("The chapter needs a slug made of letters or digits.", code="slug")

    with transaction.atomic():
        if Chapter.objects.filter(slug=slug).exists():
            raise ValidationError(
                f"A chapter with the slug “{slug}” already exists; nothing was imported.",
                code="slug_exists",
            )
        manifesto = manifesto_get_or_create()
        last = manifesto.chapters.order_by("-order").first()
        chapter = Chapter(
            manifesto=manifesto,
            title=parsed.title,
            slug=slug,
            subtitle=parsed.subtitle,
            publication_line=parsed.publication_line,
            editorial_note=parsed.editorial_note,
            order=(last.order + 1) if last else 1,
            phase=phase,
            imported_words=counted_words(parsed, manifesto.count_footnotes),
            word_limit=word_limit,
        )
        chapter._change_reason = "imported"
        chapter._history_user = user
        chapter.save()
        _create_paragraphs(chapter, parsed, user)
        published = Milestone.objects.create(chapter=chapter, name=AS_PUBLISHED, created_by=user)
        # The text as published is what people cite until editors choose another reference;
        # set without a history row of its own (the import's row is the chapter's first).
        Chapter.objects.filter(pk=chapter.pk).update(reference_milestone=published)
        chapter.reference_milestone = published
        reference_renumber(manifesto, only=chapter)
    return chapter


def _refuse_lines_too_long_for_their_columns(parsed: ParsedChapter) -> None:
    # PostgreSQL refuses a value longer than its column (a server error, and nothing imported).
    columns = Chapter._meta
    for what, value, column in (
        ("The title line", parsed.title, columns.get_field("title")),
        ("The subtitle line", parsed.subtitle, columns.get_field("subtitle")),
        ("The publication line", parsed.publication_line, columns.get_field("publication_line")),
    ):
        limit = column.max_length or 0
        if len(value) > limit:
            raise ValidationError(too_long_message(what, len(value), limit), code="chapter_format")


def _create_paragraphs(chapter: Chapter, parsed: ParsedChapter, user: User | None) -> None:
    paragraphs = [
        Paragraph(
            chapter=chapter,
            key=number,
            position=position,
            kind=block.kind,
            footnote_number=block.footnote_number,
            text=block.text,
            word_count=count_words(block.text),
        )
        for number, (block, position) in enumerate(
            zip(parsed.blocks, initial_keys(len(parsed.blocks)), strict=True), start=1
        )
    ]
    bulk_create_with_history(
        paragraphs, Paragraph, default_user=user, default_change_reason="imported"
    )


def paragraph_next_key(chapter: Chapter) -> int:
    """The next unused stable key in ``chapter`` (keys are never reused, even after deletion)."""
    last = chapter.paragraphs.order_by("-key").values_list("key", flat=True).first()
    return (last or 0) + 1


def position_after(paragraph: Paragraph) -> str:
    """An order key between ``paragraph`` and the one that follows it (deleted ones included)."""
    following = (
        Paragraph.objects.filter(chapter_id=paragraph.chapter_id, position__gt=paragraph.position)
        .order_by("position")
        .values_list("position", flat=True)
        .first()
    )
    return key_between(paragraph.position, following)


def milestone_create(*, chapter: Chapter, editor: User, name: str) -> Milestone:
    """Name the chapter's present state ("Congress draft"), so it can be exported later."""
    if not editor.is_editor:
        raise ValidationError("Only editors can mark milestones.", code="not_editor")
    # Direction controls and invisible characters are removed: a name must not read as
    # another, nor turn around the text it is quoted in.
    name = one_line(name)
    if not has_visible_text(name):
        raise ValidationError({"name": ["Give the milestone a name."]}, code="name")
    if len(name) > MAX_MILESTONE_NAME_CHARS:
        message = too_long_message("The name", len(name), MAX_MILESTONE_NAME_CHARS)
        raise ValidationError({"name": [message]}, code="name_long")
    if name.lower() in ("now", "today", "current", "published") or name.lower().startswith(
        "milestone:"
    ):
        raise ValidationError({"name": [f"“{name}” is reserved; choose another name."]})
    taken = ValidationError(
        {
            "name": ValidationError(
                f"“{chapter.title}” already has a milestone called “{name}”.", code="name_taken"
            )
        }
    )
    if chapter.milestones.filter(name__iexact=name).exists():
        raise taken
    try:
        with transaction.atomic():
            return Milestone.objects.create(chapter=chapter, name=name, created_by=editor)
    except IntegrityError as error:
        # The same name sent twice at once (a double click): the other one was stored first.
        raise taken from error
