"""The migrations that give decisions their Manifesto and link each text-changing decision to
the paragraph version it made, for the decisions taken before: the old reasons are read once
there, and an editor's reason that names an amendment does not fool them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# The text store as it was then too: its later migrations add columns these old models lack.
BEFORE = [
    ("amendments", "0007_conflict_reasons_say_only_what_happened"),
    ("manifesto", "0003_history_reasons_as_text"),
]
AFTER = [
    ("amendments", "0010_decision_manifesto_required"),
    ("manifesto", "0003_history_reasons_as_text"),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_afterwards")
def test_old_decisions_get_their_manifesto_and_the_versions_they_made() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    start = timezone.now() - timedelta(days=10)

    def at(hours: int) -> datetime:
        return start + timedelta(hours=hours)

    editor = old.get_model("accounts", "User").objects.create(username="erin", role="editor")
    author = old.get_model("accounts", "User").objects.create(username="alice")
    manifesto = old.get_model("manifesto", "Manifesto").objects.create(title="M")
    chapter = old.get_model("manifesto", "Chapter").objects.create(
        manifesto=manifesto, title="C", slug="c"
    )
    Paragraph = old.get_model("manifesto", "Paragraph")
    paragraph = Paragraph.objects.create(chapter=chapter, key=1, position="m", text="One two.")
    added = Paragraph.objects.create(chapter=chapter, key=2, position="n", text="Three.")
    Version = old.get_model("manifesto", "HistoricalParagraph")

    def version(row: Any, hours: int, reason: str, text: str, user: Any = None) -> Any:
        return Version.objects.create(
            id=row.pk,
            chapter_id=chapter.pk,
            key=row.key,
            position=row.position,
            kind="body",
            text=text,
            word_count=len(text.split()),
            history_date=at(hours),
            history_type="+" if reason == "imported" else "~",
            history_change_reason=reason,
            history_user=user,
        )

    imported = version(paragraph, 0, "imported", "One two.")
    Amendment = old.get_model("amendments", "Amendment")

    def amendment(title: str, kind: str = "replace", **fields: Any) -> Any:
        return Amendment.objects.create(
            chapter=chapter,
            paragraph=paragraph,
            kind=kind,
            insert_kind="body" if kind == "insert" else "",
            title=title,
            reason="R",
            author=author,
            base_version=imported,
            **fields,
        )

    accepted = amendment("Accepted", status="accepted")
    inserted = amendment("Inserted", kind="insert", status="accepted")
    rejected = amendment("Rejected", status="rejected")
    made_by_accepting = version(
        paragraph, 2, f"amendment #{accepted.pk} accepted", "One 2.", editor
    )
    made_by_inserting = version(added, 3, f"amendment #{inserted.pk} accepted", "Three.", editor)
    # An editor's correction whose reason names the amendment, then a revert.
    made_by_editing = version(
        paragraph, 4, f"edited by an editor: as amendment #{accepted.pk} meant", "1 2.", editor
    )
    made_by_reverting = version(
        paragraph, 5, "reverted to the version of 2020-09-01 10:00: Back", "One two.", editor
    )
    Decision = old.get_model("amendments", "Decision")

    def decision(action: str, hours: int, **fields: Any) -> int:
        return Decision.objects.create(
            chapter=chapter, action=action, actor=editor, created_at=at(hours), **fields
        ).pk

    decisions = {
        "accepted": decision("accepted", 2, amendment=accepted, paragraph=paragraph),
        "inserted": decision("accepted", 3, amendment=inserted, paragraph=paragraph),
        "edited": decision("paragraph_edited", 4, paragraph=paragraph),
        "reverted": decision("paragraph_reverted", 5, paragraph=paragraph),
        "rejected": decision("rejected", 6, amendment=rejected),
        "limit": decision("limit_changed", 7),
    }

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    from amendments.models import Decision as NewDecision

    rows = NewDecision.objects.in_bulk(list(decisions.values()))
    made = {name: rows[pk].paragraph_version_id for name, pk in decisions.items()}
    assert made == {
        "accepted": made_by_accepting.history_id,
        "inserted": made_by_inserting.history_id,
        "edited": made_by_editing.history_id,
        "reverted": made_by_reverting.history_id,
        "rejected": None,
        "limit": None,
    }
    assert {row.manifesto_id for row in rows.values()} == {manifesto.pk}
