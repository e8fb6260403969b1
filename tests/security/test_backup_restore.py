"""Backup and restore with dumpdata and loaddata, as the README documents them: a populated
desk, history included, dumped, the database emptied, loaded back, and every table compared."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import models

from accounts.models import Invitation, User
from amendments.models import Amendment, Comment, Decision, Support
from amendments.services.deciding import (
    amendment_accept,
    amendment_accept_with_changes,
    amendment_reject,
)
from amendments.services.discussion import comment_hide, comment_post
from amendments.services.limits import chapter_set_limit
from amendments.services.proposing import amendment_propose, support_add
from manifesto.models import Chapter, Milestone, Paragraph
from manifesto.services import chapter_import, milestone_create
from tests.amendments.conftest import body_paragraph
from tests.conftest import PASSWORD, SEED_TEXT, client_for

pytestmark = pytest.mark.django_db(transaction=True)

# Exactly what the README's "Backup and restore" section runs.
BACKUP_OPTIONS = (
    "--natural-foreign",
    "--exclude=contenttypes",
    "--exclude=auth.permission",
    "--exclude=sessions",
    "--indent=1",
)
# Sessions are left out on purpose: a restore logs everyone out. Content types and permissions
# are rebuilt by migrate; rows pointing at them are compared by their natural keys.
NOT_BACKED_UP = {Session}


def _populate(member: User, other_member: User, editor: User, admin_user: User) -> Chapter:
    chapter = chapter_import(data=SEED_TEXT.read_bytes(), user=admin_user)
    chapter_set_limit(chapter=chapter, editor=editor, word_limit=6000, reason="Room to grow")
    p1, p2, p3, p4 = (body_paragraph(chapter, n) for n in (1, 2, 3, 4))

    def propose(author: User, paragraph: Paragraph, text: str, kind: str = "replace") -> Amendment:
        return amendment_propose(
            author=author,
            paragraph=paragraph,
            kind=kind,
            title=f"Change to ¶{paragraph.key} “quoted” ✊",
            text=text,
            reason="Because\nit reads better — שלום.",
            insert_kind="body" if kind == "insert" else "",
        )

    accepted = propose(member, p1, p1.text + " Accepted words.")
    support_add(amendment=accepted, user=other_member)
    amendment_accept(amendment=accepted, editor=editor, reason="Good")
    changed = propose(other_member, p2, p2.text + " Proposed words.")
    amendment_accept_with_changes(
        amendment=changed, editor=editor, text=p2.text + " Edited words.", reason="Tightened"
    )
    rejected = propose(member, p3, p3.text + " Rejected words.")
    amendment_reject(amendment=rejected, editor=editor, reason="Off topic")
    inserted = propose(other_member, p3, "A whole new paragraph.", kind="insert")
    amendment_accept(amendment=inserted, editor=editor)
    pending = propose(member, p4, p4.text + " Pending words.")
    support_add(amendment=pending, user=other_member)
    first = comment_post(
        author=other_member, body="Agreed.\nWith a second line.", amendment=pending
    )
    comment_post(author=member, body="Thanks!", amendment=pending, parent=first)
    hidden = comment_post(author=other_member, body="Rude remark", paragraph=p4)
    comment_hide(comment=hidden, editor=editor, reason="Rude")
    milestone_create(chapter=chapter, editor=editor, name="Congress draft")
    Invitation.objects.create(note="For the branch", created_by=admin_user)

    group = Group.objects.create(name="Proofreaders")
    group.permissions.add(Permission.objects.get(codename="view_amendment"))
    member.groups.add(group)
    LogEntry.objects.create(
        user=admin_user,
        content_type=ContentType.objects.get_for_model(Chapter),
        object_id=str(chapter.pk),
        object_repr=str(chapter),
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"fields": ["Status"]}}]),
    )
    assert client_for(None).login(username=member.username, password=PASSWORD)
    return chapter


def _natural(field: models.Field, value: Any) -> Any:  # type: ignore[type-arg]
    related = field.related_model
    if value is not None and related in (ContentType, Permission):
        return related._default_manager.get(pk=value).natural_key()  # type: ignore[attr-defined]
    return value


def _all_rows() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, comparable across a reload."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for model in apps.get_models(include_auto_created=True):
        if model in NOT_BACKED_UP:
            continue
        fields = model._meta.concrete_fields
        rows = [
            {f.attname: _natural(f, getattr(obj, f.attname)) for f in fields}
            for obj in model._base_manager.order_by("pk")
        ]
        if model in (ContentType, Permission) or model._meta.auto_created:
            # Rebuilt by migrate, or re-created from the many-to-many lists: their own ids may
            # differ, what they hold may not.
            rows = sorted(({k: v for k, v in row.items() if k != "id"} for row in rows), key=repr)
        tables[model._meta.label] = rows
    return tables


def test_a_backup_loads_back_into_an_empty_database_exactly(
    tmp_path, member, other_member, editor, admin_user
) -> None:
    _populate(member, other_member, editor, admin_user)
    before = _all_rows()
    for label in (
        "manifesto.HistoricalParagraph",
        "manifesto.HistoricalChapter",
        "amendments.Amendment",
        "amendments.HistoricalAmendment",
        "amendments.HistoricalComment",
        "amendments.Decision",
        "amendments.Support",
        "manifesto.Milestone",
        "accounts.User_groups",
        "auth.Group_permissions",
        "admin.LogEntry",
    ):
        assert before[label], f"{label} should have rows, or the test proves nothing"
    assert Session.objects.exists()

    backup = tmp_path / "backup.json"
    call_command("dumpdata", *BACKUP_OPTIONS, output=str(backup), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    assert not User.objects.exists() and not Paragraph.history.exists()  # type: ignore[attr-defined]
    call_command("loaddata", str(backup), verbosity=0)

    after = _all_rows()
    assert after.keys() == before.keys()
    for label, rows in before.items():
        assert after[label] == rows, f"{label} differs after the restore"

    # The restored desk works on: new rows get new ids (loaddata reset the sequences) and
    # the history carries on from where it was.
    newest = max(Amendment.objects.values_list("pk", flat=True))
    paragraph = Paragraph.objects.filter(kind="body", is_deleted=False).order_by("position")[5]
    again = amendment_propose(
        author=User.objects.get(username=member.username),
        paragraph=paragraph,
        kind="replace",
        title="After the restore",
        text=paragraph.text + " More.",
        reason="Still works",
    )
    assert again.pk > newest and again.history.count() == 1  # type: ignore[attr-defined]
    page = client_for(User.objects.get(username=other_member.username)).get(
        again.get_absolute_url()
    )
    assert page.status_code == 200
    assert Comment.objects.count() == 3 and Support.objects.count() == 2
    assert Decision.objects.filter(amendment__isnull=False).exists()
    assert Milestone.objects.filter(name="Congress draft").exists()


def test_the_backup_keeps_times_to_the_microsecond(tmp_path, member, p5) -> None:
    # Django's own JSON format cuts times to milliseconds; ours (manifesto/exact_json.py) must
    # not, or the restored history would not be the one that was backed up.
    moment = datetime(2026, 11, 26, 10, 0, 0, 123456, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        amendment_propose(
            author=member, paragraph=p5, kind="replace", title="T", text=p5.text + " X.", reason="R"
        )
    backup = tmp_path / "backup.json"
    call_command("dumpdata", "amendments.Amendment", output=str(backup), verbosity=0)
    (row,) = json.loads(backup.read_text())
    assert row["fields"]["created_at"] == "2026-11-26T10:00:00.123456Z"
