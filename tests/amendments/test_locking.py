"""Row locks go through one helper, which locks in one order, and every service uses it.

A lock order written in comments drifted and deadlocked (an acceptance took the amendment and
then the paragraph, an author's edit the paragraph and then the amendment). These tests keep
``select_for_update`` inside ``amendments/services/locking.py``, check the helper's order and
refusal, and run every service that changes rows to see that it locks them all up front, in
one call, before it writes. On PostgreSQL they also read the locking SQL itself.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from amendments.models import Amendment, Comment
from amendments.services import (
    deciding,
    discussion,
    limits,
    locking,
    paragraphs,
    proposing,
    recommending,
    revising,
    rounds,
    texts,
    voting,
)
from amendments.services.deciding import (
    AcceptItem,
    amendment_accept,
    amendment_accept_with_changes,
    amendment_mark_duplicate,
    amendment_reject,
    amendment_reopen,
    amendment_unmark_duplicate,
    amendments_accept,
    amendments_reject,
)
from amendments.services.discussion import comment_delete, comment_edit, comment_hide, comment_post
from amendments.services.limits import chapter_set_limit, manifesto_set_limit
from amendments.services.locking import LockedRows, lock_rows
from amendments.services.paragraphs import paragraph_edit, paragraph_revert
from amendments.services.proposing import amendment_edit, amendment_withdraw, support_add
from amendments.services.recommending import (
    recommendation_answer,
    recommendation_set,
    recommendations_publish,
)
from amendments.services.revising import chapter_revise
from amendments.services.rounds import chapter_round_set, manifesto_round_set
from amendments.services.texts import chapter_update, manifesto_update
from amendments.services.voting import congress_floor_set, vote_record
from manifesto.models import Chapter, Manifesto, Paragraph
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import ROOT

# The one order, as table names: a lock statement on a table never follows one on a later table.
LOCK_ORDER = [
    model._meta.db_table for model in (Manifesto, Chapter, Paragraph, Amendment, Comment, User)
]
ROWS_OF_TABLE = dict(
    zip(
        LOCK_ORDER,
        ("manifestos", "chapters", "paragraphs", "amendments", "comments", "users"),
        strict=True,
    )
)
HELPER = ROOT / "amendments" / "services" / "locking.py"
ROW_LOCK_SQL = re.compile(r"\bFOR\s+(NO\s+KEY\s+)?(UPDATE|SHARE)\b|\bFOR\s+KEY\s+SHARE\b", re.I)


def _our_modules() -> list[Path]:
    skipped = {".venv", "tests", "node_modules", ".git"}
    return [
        path
        for path in ROOT.rglob("*.py")
        if not skipped.intersection(path.relative_to(ROOT).parts)
    ]


def test_no_module_but_the_locking_helper_takes_row_locks() -> None:
    offenders = []
    for path in _our_modules():
        if path == HELPER:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Attribute) and node.attr == "select_for_update":
                offenders.append(f"{where} calls select_for_update")
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and ROW_LOCK_SQL.search(node.value)
                and "SELECT" in node.value.upper()
            ):
                offenders.append(f"{where} has locking SQL")
    assert offenders == [], "row locks outside amendments/services/locking.py: " + ", ".join(
        offenders
    )


def test_the_scan_for_row_locks_sees_the_helper_itself() -> None:
    # The scan above would pass vacuously if it read no code: the helper must be found.
    assert HELPER in _our_modules()
    assert "select_for_update" in HELPER.read_text()


@pytest.mark.django_db(transaction=True)
def test_lock_rows_refuses_to_run_outside_a_transaction(member) -> None:
    with pytest.raises(TransactionManagementError, match=r"transaction\.atomic"):
        lock_rows(users=[member])


def _first_table(sql: str) -> str:
    found = re.search(r'\bFROM\s+"(\w+)"', sql)
    assert found, sql
    return found.group(1)


def _assert_locking_sql(sql: str) -> None:
    """On PostgreSQL, a lock statement is a no-key lock on its own table's rows, by pk."""
    table = _first_table(sql)
    assert re.search(rf'ORDER BY "{table}"\."id" ASC', sql), sql
    assert re.search(rf'FOR NO KEY UPDATE( OF "{table}")?$', sql), sql


@pytest.mark.django_db
def test_lock_rows_locks_in_one_order_whatever_order_it_is_given(
    seed_chapter, member, other_member, editor
) -> None:
    p5, p6 = body_paragraph(seed_chapter, 5), body_paragraph(seed_chapter, 6)
    one = propose(member, p6, p6.text + " One.")
    two = propose(other_member, p5, p5.text + " Two.")
    first = comment_post(author=member, body="First.", paragraph=p5)
    second = comment_post(author=member, body="Second.", paragraph=p6)

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        rows = lock_rows(
            users=[other_member, member],
            comments=[second, first.pk],
            amendments=[two.pk, one],
            paragraphs=[p6, p5.pk],
            chapters=[seed_chapter],
        )
    statements = [q["sql"] for q in queries.captured_queries]
    # First the chapters' Manifesto is looked up (no lock), then one statement for each kind.
    assert [_first_table(sql) for sql in statements] == ["manifesto_chapter", *LOCK_ORDER]
    assert not ROW_LOCK_SQL.search(statements[0])
    if connection.vendor == "postgresql":
        for sql in statements[1:]:
            _assert_locking_sql(sql)
    assert list(rows.manifestos) == [seed_chapter.manifesto_id]
    assert list(rows.chapters) == [seed_chapter.pk]
    assert list(rows.paragraphs) == sorted([p5.pk, p6.pk])
    assert list(rows.amendments) == sorted([one.pk, two.pk])
    assert list(rows.comments) == sorted([first.pk, second.pk])
    assert list(rows.users) == sorted([member.pk, other_member.pk])
    # The rows come joined up: no query to reach a paragraph's chapter and Manifesto.
    with CaptureQueriesContext(connection) as later:
        assert rows.paragraphs[p5.pk].chapter is rows.chapters[seed_chapter.pk]
        assert (
            rows.chapters[seed_chapter.pk].manifesto is rows.manifestos[seed_chapter.manifesto_id]
        )
    assert len(later) == 0


@pytest.mark.django_db
def test_lock_rows_adds_the_pending_amendments_on_the_locked_paragraphs(
    seed_chapter, member, other_member, editor
) -> None:
    p5, p6 = body_paragraph(seed_chapter, 5), body_paragraph(seed_chapter, 6)
    pending = propose(member, p5, p5.text.replace("myriad", "multitude"))
    rejected = propose(other_member, p5, p5.text.replace("weakest link", "weakest point"))
    amendment_reject(amendment=rejected, editor=editor, reason="No.")
    elsewhere = propose(other_member, p6, p6.text + " Elsewhere.")

    with transaction.atomic():
        rows = lock_rows(paragraphs=[p5], amendments=[rejected], pending_on_paragraphs=True)
    assert set(rows.amendments) == {pending.pk, rejected.pk}
    assert elsewhere.pk not in rows.amendments


@pytest.mark.django_db
def test_lock_rows_says_which_row_does_not_exist(member) -> None:
    with transaction.atomic(), pytest.raises(Amendment.DoesNotExist, match="987654"):
        lock_rows(amendments=[987654])


# --- every service that changes rows locks them through the helper, up front ---------------


@dataclass
class Desk:
    chapter: Chapter
    p5: Paragraph
    p6: Paragraph
    member: User
    other_member: User
    editor: User
    admin: User


@pytest.fixture
def desk(seed_chapter, member, other_member, editor, admin_user) -> Desk:
    return Desk(
        seed_chapter,
        body_paragraph(seed_chapter, 5),
        body_paragraph(seed_chapter, 6),
        member,
        other_member,
        editor,
        admin_user,
    )


def _accept(d: Desk) -> object:
    one = propose(d.member, d.p5, d.p5.text.replace("myriad", "multitude"))
    propose(d.other_member, d.p5, d.p5.text.replace("weakest link", "weakest point"))
    return lambda: amendment_accept(amendment=one, editor=d.editor)


def _accept_together(d: Desk) -> object:
    one = propose(d.member, d.p6, d.p6.text.replace("devastating", "terrible"))
    two = propose(d.other_member, d.p5, d.p5.text.replace("myriad", "multitude"))
    three = propose(d.member, d.p5, d.p5.text.replace("weakest link", "weakest point"))
    items = [AcceptItem(three), AcceptItem(one), AcceptItem(two)]
    return lambda: amendments_accept(items, editor=d.editor)


def _accept_with_changes(d: Desk) -> object:
    one = propose(d.member, d.p5, d.p5.text.replace("myriad", "multitude"))
    text = d.p5.text.replace("myriad", "host")
    return lambda: amendment_accept_with_changes(amendment=one, editor=d.editor, text=text)


def _accept_an_addition(d: Desk) -> object:
    one = propose(d.member, d.p5, "A new paragraph.", kind="insert")
    propose(d.other_member, d.p5, d.p5.text.replace("myriad", "multitude"))
    return lambda: amendment_accept(amendment=one, editor=d.editor)


def _accept_a_deletion(d: Desk) -> object:
    one = propose(d.member, d.p5, kind="delete")
    propose(d.other_member, d.p5, d.p5.text.replace("myriad", "multitude"))
    propose(d.other_member, d.p5, "After it.", kind="insert", title="Insert")
    return lambda: amendment_accept(amendment=one, editor=d.editor)


def _reject_several(d: Desk) -> object:
    one = propose(d.member, d.p6, d.p6.text + " One.")
    two = propose(d.other_member, d.p5, d.p5.text + " Two.")
    return lambda: amendments_reject([two, one], editor=d.editor, reason="Not now.")


def _mark_duplicate(d: Desk) -> object:
    original = propose(d.member, d.p5, d.p5.text + " Once.")
    copy = propose(d.other_member, d.p5, d.p5.text + " Once.")
    return lambda: amendment_mark_duplicate(amendment=copy, editor=d.editor, duplicate_of=original)


def _unmark_duplicate(d: Desk) -> object:
    original = propose(d.member, d.p5, d.p5.text + " Once.")
    copy = propose(d.other_member, d.p5, d.p5.text.replace("myriad", "host"))
    amendment_mark_duplicate(amendment=copy, editor=d.editor, duplicate_of=original)
    paragraph_edit(
        paragraph=d.p5, editor=d.editor, text=d.p5.text.replace("weakest", "frailest"), reason="R"
    )
    return lambda: amendment_unmark_duplicate(amendment=copy, editor=d.editor, reason="Not one.")


def _reopen(d: Desk) -> object:
    one = propose(d.member, d.p5, d.p5.text.replace("weakest link", "weakest point"))
    amendment_reject(amendment=one, editor=d.editor, reason="Not now.")
    paragraph_edit(
        paragraph=d.p5, editor=d.editor, text=d.p5.text.replace("myriad", "host"), reason="Typo"
    )
    return lambda: amendment_reopen(amendment=one, admin=d.admin, reason="Congress asked.")


def _edit_paragraph(d: Desk) -> object:
    propose(d.member, d.p5, d.p5.text.replace("weakest link", "weakest point"))
    propose(d.other_member, d.p5, d.p5.text.replace("myriad", "multitude"))
    text = d.p5.text.replace("myriad", "host")
    return lambda: paragraph_edit(paragraph=d.p5, editor=d.editor, text=text, reason="Typo")


def _revert_paragraph(d: Desk) -> object:
    imported = d.p5.history.get()
    amendment_accept(
        amendment=propose(d.member, d.p5, d.p5.text.replace("myriad", "host")), editor=d.editor
    )
    propose(d.other_member, Paragraph.objects.get(pk=d.p5.pk), None)
    return lambda: paragraph_revert(
        paragraph=d.p5, editor=d.editor, history_id=imported.history_id, reason="Undo"
    )


def _set_chapter_limit(d: Desk) -> object:
    return lambda: chapter_set_limit(
        chapter=d.chapter, editor=d.editor, word_limit=9000, reason="R"
    )


def _set_manifesto_limit(d: Desk) -> object:
    return lambda: manifesto_set_limit(
        manifesto=d.chapter.manifesto,
        editor=d.editor,
        word_limit=90000,
        count_footnotes=False,
        reason="R",
    )


def _update_chapter(d: Desk) -> object:
    return lambda: chapter_update(
        chapter=d.chapter, editor=d.editor, changes={"order": 7}, reason="Moved."
    )


def _update_manifesto(d: Desk) -> object:
    return lambda: manifesto_update(
        manifesto=d.chapter.manifesto, editor=d.editor, title="A new title", reason="Congress."
    )


def _set_manifesto_round(d: Desk) -> object:
    def round_with(minimum: int) -> object:
        return manifesto_round_set(
            manifesto=d.chapter.manifesto,
            editor=d.editor,
            phase="open",
            closes_at=None,
            time_zone="Europe/London",
            minimum_supporters=minimum,
            supports_open_in_review=True,
            comments_open_in_review=True,
            reason="R",
        )

    round_with(2)
    collecting = propose(d.member, d.p5, d.p5.text.replace("myriad", "multitude"))
    support_add(amendment=collecting, user=d.other_member)
    # Lowered to 1: the collecting amendment enters the review queue (it is written).
    return lambda: round_with(1)


def _set_chapter_round(d: Desk) -> object:
    return lambda: chapter_round_set(
        chapter=d.chapter, editor=d.editor, phase="review", closes_at=None, reason="Over."
    )


def _support(d: Desk) -> object:
    one = propose(d.member, d.p5, d.p5.text.replace("myriad", "multitude"))
    return lambda: support_add(amendment=one, user=d.other_member)


def _propose(d: Desk) -> object:
    return lambda: propose(d.member, d.p5, d.p5.text.replace("myriad", "multitude"))


def _edit_amendment(d: Desk) -> object:
    one = propose(d.member, d.p5, d.p5.text.replace("myriad", "multitude"))
    return lambda: amendment_edit(
        amendment=one,
        user=d.member,
        title="Better",
        text=d.p5.text.replace("myriad", "host"),
        reason="Better.",
    )


def _withdraw(d: Desk) -> object:
    one = propose(d.member, d.p5, d.p5.text.replace("myriad", "multitude"))
    return lambda: amendment_withdraw(amendment=one, user=d.member)


def _post_comment(d: Desk) -> object:
    return lambda: comment_post(author=d.member, body="Hear, hear.", paragraph=d.p5)


def _edit_comment(d: Desk) -> object:
    comment = comment_post(author=d.member, body="Hear.", paragraph=d.p5)
    return lambda: comment_edit(comment=comment, user=d.member, body="Hear, hear.")


def _delete_comment(d: Desk) -> object:
    comment = comment_post(author=d.member, body="Hear.", paragraph=d.p5)
    return lambda: comment_delete(comment=comment, user=d.member)


def _hide_comment(d: Desk) -> object:
    comment = comment_post(author=d.member, body="Hear.", paragraph=d.p5)
    return lambda: comment_hide(comment=comment, editor=d.editor, reason="Off topic.")


def _revised_draft(d: Desk) -> object:
    # A revised draft that changes ¶ 5 (with a pending amendment on it), raising the limit.
    propose(d.member, d.p5)
    source = (ROOT / "fixtures" / "socialism-and-the-soviet-union.txt").read_text("utf-8")
    draft = source.replace(d.p5.text, d.p5.text.replace(" the ", " THE ", 1)).encode()
    return lambda: chapter_revise(
        chapter=d.chapter, editor=d.editor, data=draft, word_limit=9000, limit_reason="R"
    )


def _congress(d: Desk) -> None:
    chapter_round_set(
        chapter=d.chapter, editor=d.editor, phase="congress", closes_at=None, reason=""
    )


def _vote_carried(d: Desk) -> object:
    one = propose(d.member, d.p5, d.p5.text.replace("myriad", "multitude"))
    propose(d.other_member, d.p5, d.p5.text.replace("myriad", "host"))  # falls
    propose(d.other_member, d.p5, d.p5.text.replace("weakest link", "weakest point"))
    _congress(d)
    return lambda: vote_record(amendment=one, editor=d.editor, result="carried", show_of_hands=True)


def _vote_lost(d: Desk) -> object:
    one = propose(d.member, d.p5, d.p5.text.replace("myriad", "multitude"))
    _congress(d)
    return lambda: vote_record(amendment=one, editor=d.editor, result="lost", show_of_hands=True)


def _put_under_vote(d: Desk) -> object:
    one = propose(d.member, d.p5, d.p5.text.replace("myriad", "multitude"))
    _congress(d)
    return lambda: congress_floor_set(chapter=d.chapter, editor=d.editor, amendment=one)


def _recommend(d: Desk) -> object:
    one = propose(d.member, d.p5, d.p5.text.replace("myriad", "multitude"))
    modified = d.p5.text.replace("myriad", "host")
    return lambda: recommendation_set(
        amendment=one, editor=d.editor, kind="modified", text=modified
    )


def _publish_recommendations(d: Desk) -> object:
    return lambda: recommendations_publish(chapter=d.chapter, editor=d.editor)


def _answer_recommendation(d: Desk) -> object:
    one = propose(d.member, d.p5, d.p5.text.replace("myriad", "multitude"))
    recommendation_set(amendment=one, editor=d.editor, kind="reject", reason="No.")
    recommendations_publish(chapter=d.chapter, editor=d.editor)
    return lambda: recommendation_answer(
        amendment=one, member=d.member, agree=False, comment="Vote."
    )


SERVICES: dict[str, Callable[[Desk], object]] = {
    "accept": _accept,
    "accept together": _accept_together,
    "accept with changes": _accept_with_changes,
    "accept an addition": _accept_an_addition,
    "accept a deletion": _accept_a_deletion,
    "reject several": _reject_several,
    "mark duplicate": _mark_duplicate,
    "undo a duplicate marking": _unmark_duplicate,
    "reopen": _reopen,
    "edit a paragraph": _edit_paragraph,
    "revert a paragraph": _revert_paragraph,
    "set a chapter's limit": _set_chapter_limit,
    "set the Manifesto's limit": _set_manifesto_limit,
    "change a chapter's own fields": _update_chapter,
    "change the Manifesto's title": _update_manifesto,
    "set the Manifesto's round": _set_manifesto_round,
    "set a chapter's round": _set_chapter_round,
    "support": _support,
    "propose": _propose,
    "edit an amendment": _edit_amendment,
    "withdraw": _withdraw,
    "post a comment": _post_comment,
    "edit a comment": _edit_comment,
    "delete a comment": _delete_comment,
    "hide a comment": _hide_comment,
    "import a revised draft": _revised_draft,
    "record a carried vote": _vote_carried,
    "record a lost vote": _vote_lost,
    "put an item under vote": _put_under_vote,
    "record a recommendation": _recommend,
    "publish the recommendations": _publish_recommendations,
    "answer a recommendation": _answer_recommendation,
}

_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)
# An UPDATE of rows named by their ids: one (``= 5``), or several at once (``IN (5, 7)``, as
# bulk_update and common.rows.update_rows write it).
_UPDATE_BY_ID = re.compile(
    r'^UPDATE "(\w+)" SET .* WHERE (?:"\1"\."id" = v\."id" AND )?'
    r'"\1"\."id" (?:= (\d+)|IN \(([\d, ]+)\))$',
    re.S,
)


def _existing(table: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "id" FROM "{table}"')  # noqa: S608 (our own table names)
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(SERVICES))
def test_every_service_locks_what_it_changes_up_front_in_one_call(
    name: str, desk: Desk, monkeypatch
) -> None:
    action = SERVICES[name](desk)
    assert callable(action)
    calls: list[tuple[int, int, LockedRows]] = []
    queries = CaptureQueriesContext(connection)

    def spy(**kwargs: object) -> LockedRows:
        start = len(queries.captured_queries)
        rows = locking.lock_rows(**kwargs)  # type: ignore[arg-type]
        calls.append((start, len(queries.captured_queries), rows))
        return rows

    spied = (
        deciding,
        paragraphs,
        limits,
        proposing,
        discussion,
        texts,
        revising,
        rounds,
        voting,
        recommending,
    )
    for module in spied:
        monkeypatch.setattr(module, "lock_rows", spy)
    existing = {table: _existing(table) for table in LOCK_ORDER}
    with queries:
        action()

    assert len(calls) == 1, f"{name}: lock_rows was called {len(calls)} times, not once"
    start, end, rows = calls[0]
    statements = [q["sql"] for q in queries.captured_queries]
    writes_before = [sql for sql in statements[:start] if _WRITE.match(sql)]
    assert writes_before == [], f"{name} wrote before it locked: {writes_before}"
    # Every row it changes was locked by the helper (or is new in this transaction).
    for sql in statements[end:]:
        if not _WRITE.match(sql) or not sql.lstrip().upper().startswith(("UPDATE", "DELETE")):
            continue
        changed = _UPDATE_BY_ID.match(sql.strip())
        assert changed, f"{name} changed rows other than ones by their ids: {sql[:200]}"
        table, one, several = changed.groups()
        for pk in (int(pk) for pk in (one or several).split(",")):
            if table in ROWS_OF_TABLE and pk in existing[table]:
                locked = getattr(rows, ROWS_OF_TABLE[table])
                assert pk in locked, f"{name} changed {table} {pk} without locking it first"
    if connection.vendor == "postgresql":
        stray = [
            sql
            for i, sql in enumerate(statements)
            if ROW_LOCK_SQL.search(sql) and not start <= i < end
        ]
        assert stray == [], f"{name} locked rows outside lock_rows: {stray}"
        locks = [sql for sql in statements[start:end] if ROW_LOCK_SQL.search(sql)]
        assert locks, f"{name} took no row lock"
        ranks = [LOCK_ORDER.index(_first_table(sql)) for sql in locks]
        assert ranks == sorted(ranks), f"{name} locked out of order: {locks}"
        for sql in locks:
            _assert_locking_sql(sql)


def test_every_service_module_that_takes_locks_is_spied_on() -> None:
    # The test above replaces lock_rows in these modules; a new module that locks must be added.
    def calls_lock_rows(path: Path) -> bool:
        return any(
            isinstance(node, ast.Call)
            and (getattr(node.func, "id", None) or getattr(node.func, "attr", None)) == "lock_rows"
            for node in ast.walk(ast.parse(path.read_text()))
        )

    users = {
        path.relative_to(ROOT).as_posix()
        for path in _our_modules()
        if path != HELPER and calls_lock_rows(path)
    }
    assert users == {
        "amendments/services/deciding.py",
        "amendments/services/paragraphs.py",
        "amendments/services/limits.py",
        "amendments/services/proposing.py",
        "amendments/services/discussion.py",
        "amendments/services/texts.py",
        "amendments/services/revising.py",
        "amendments/services/rounds.py",
        "amendments/services/voting.py",
        "amendments/services/recommending.py",
    }
