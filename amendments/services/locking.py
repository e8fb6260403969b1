"""Row locks: the one way services take them.

Two transactions that lock the same rows in different orders can each wait for the other, and
PostgreSQL then kills one with "deadlock detected". So no service calls ``select_for_update``
itself: each asks ``lock_rows`` for everything it will change, up front, and ``lock_rows``
takes the rows in the one order described on it. A test keeps ``select_for_update`` out of
every other module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.db import models, transaction
from django.db.models import Q
from django.db.transaction import TransactionManagementError

from accounts.models import User
from amendments.models import Amendment, Comment
from manifesto.models import Chapter, Manifesto, Paragraph

RowModel = TypeVar("RowModel", bound=models.Model)


@dataclass(frozen=True)
class LockedRows:
    """The rows ``lock_rows`` locked, read after their locks were granted, by primary key."""

    manifestos: dict[int, Manifesto]
    chapters: dict[int, Chapter]
    paragraphs: dict[int, Paragraph]
    amendments: dict[int, Amendment]
    comments: dict[int, Comment]
    users: dict[int, User]


def lock_rows(
    *,
    manifesto: Manifesto | int | None = None,
    chapters: Iterable[Chapter | int] = (),
    paragraphs: Iterable[Paragraph | int] = (),
    amendments: Iterable[Amendment | int] = (),
    pending_on_paragraphs: bool = False,
    comments: Iterable[Comment | int] = (),
    users: Iterable[User | int] = (),
) -> LockedRows:
    """Lock the rows a service is about to change, always in this order: the Manifesto, then
    chapters, paragraphs, amendments, comments and users, each kind by primary key. Locking a
    chapter locks its Manifesto first; ``pending_on_paragraphs`` adds every pending amendment
    on the locked paragraphs (the ones a change of the paragraph carries forward).

    Call it once, at the start of the service's ``transaction.atomic`` block, with everything
    the service will change: a row locked later, out of this order, is how deadlocks start.
    The locks are "no key" locks (FOR NO KEY UPDATE): they queue writers of the same rows but
    let members insert rows that refer to them (amendments, supports, comments) meanwhile.
    Raises TransactionManagementError outside a transaction, where a lock would end at once.
    """
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError(
            "lock_rows() must run inside transaction.atomic(): its locks last until the "
            "transaction ends, and outside one they would end with the statement."
        )
    chapter_ids = _ids(chapters)
    paragraph_ids = _ids(paragraphs)
    manifesto_ids = set(
        Chapter.objects.filter(pk__in=chapter_ids).values_list("manifesto_id", flat=True)
    )
    if manifesto is not None:
        manifesto_ids.add(_id(manifesto))

    locked_manifestos = _lock(Manifesto.objects.all(), manifesto_ids)
    locked_chapters = _lock(Chapter.objects.all(), chapter_ids)
    for chapter in locked_chapters.values():
        chapter.manifesto = locked_manifestos[chapter.manifesto_id]
    locked_paragraphs = _lock(
        Paragraph.objects.select_related("chapter__manifesto"), paragraph_ids, of=("self",)
    )
    for paragraph in locked_paragraphs.values():
        if paragraph.chapter_id in locked_chapters:
            paragraph.chapter = locked_chapters[paragraph.chapter_id]
    # The pending ones are read after their paragraphs were locked: no proposal, edit or
    # reopening can make another amendment pending on a locked paragraph until this ends.
    pending = Q(paragraph_id__in=paragraph_ids, status__in=Amendment.CARRIED_STATUSES)
    locked_amendments = _lock(
        Amendment.objects.all(),
        _ids(amendments),
        also=pending if pending_on_paragraphs and paragraph_ids else None,
    )
    return LockedRows(
        manifestos=locked_manifestos,
        chapters=locked_chapters,
        paragraphs=locked_paragraphs,
        amendments=locked_amendments,
        comments=_lock(Comment.objects.all(), _ids(comments)),
        users=_lock(User.objects.all(), _ids(users)),
    )


def _id(row: models.Model | int) -> int:
    return row if isinstance(row, int) else int(row.pk)


def _ids(rows: Iterable[models.Model | int]) -> set[int]:
    return {_id(row) for row in rows}


def _lock(
    rows: models.QuerySet[RowModel],
    ids: set[int],
    *,
    of: tuple[str, ...] = (),
    also: Q | None = None,
) -> dict[int, RowModel]:
    """Lock the rows of ``ids`` (and the ones ``also`` matches) in one statement, in
    primary-key order: PostgreSQL locks the rows of ``SELECT … ORDER BY … FOR NO KEY UPDATE``
    in the order it returns them. A row of ``ids`` that does not exist raises DoesNotExist."""
    if not ids and also is None:
        return {}
    wanted = Q(pk__in=ids) if also is None else Q(pk__in=ids) | also
    locked = {
        row.pk: row
        for row in rows.select_for_update(no_key=True, of=of).filter(wanted).order_by("pk")
    }
    if missing := ids - locked.keys():
        numbers = ", ".join(str(pk) for pk in sorted(missing))
        # The model's own DoesNotExist, the one callers catch; the stubs leave it off Model.
        raise rows.model.DoesNotExist(  # type: ignore[attr-defined]  # concrete models have it
            f"No {rows.model._meta.verbose_name} with the id {numbers}."
        )
    return locked
