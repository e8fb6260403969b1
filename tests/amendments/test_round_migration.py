"""The migration from a chapter's status to its phase, on a desk that already had chapters:
draft → drafting, open → open, closed → review, history rows alike; and back again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("manifesto", "0005_search")]
AFTER = [("manifesto", "0006_round_phases")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_afterwards")
def test_each_status_becomes_its_phase_and_back() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    manifesto = old.get_model("manifesto", "Manifesto").objects.create(title="M")
    Chapter = old.get_model("manifesto", "Chapter")
    History = old.get_model("manifesto", "HistoricalChapter")
    for status in ("draft", "open", "closed"):
        chapter = Chapter.objects.create(
            manifesto=manifesto, title=status, slug=status, status=status
        )
        History.objects.create(
            id=chapter.pk,
            manifesto_id=manifesto.pk,
            title=status,
            slug=status,
            status=status,
            history_date=timezone.now(),
            history_type="+",
            history_change_reason="imported",
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    expected = {"draft": "drafting", "open": "open", "closed": "review"}
    for model in ("Chapter", "HistoricalChapter"):
        rows = new.get_model("manifesto", model).objects.values_list("slug", "phase")
        assert dict(rows) == expected, model
    assert new.get_model("manifesto", "Manifesto").objects.get().phase == "open"

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    back = executor.loader.project_state(BEFORE).apps
    rows = back.get_model("manifesto", "Chapter").objects.values_list("slug", "status")
    assert dict(rows) == {"draft": "draft", "open": "open", "closed": "closed"}
