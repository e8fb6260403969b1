"""The migrations that bring in the reference numbering, on a desk that already had chapters
and amendments: every chapter's numbers refer to its text as published, every paragraph has
its ¶ number and lines, every amendment the citation it points at."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("amendments", "0012_decision_actions_chapter_and_manifesto_changed"),
    ("manifesto", "0003_history_reasons_as_text"),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_afterwards")
def test_an_existing_desk_is_numbered_against_its_text_as_published() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    then = timezone.now() - timedelta(days=3)
    author = old.get_model("accounts", "User").objects.create(username="alice")
    manifesto = old.get_model("manifesto", "Manifesto").objects.create(title="M")
    chapter = old.get_model("manifesto", "Chapter").objects.create(
        manifesto=manifesto, title="C", slug="c"
    )
    Paragraph = old.get_model("manifesto", "Paragraph")
    Version = old.get_model("manifesto", "HistoricalParagraph")
    texts = ["A heading", "word " * 30, "Second paragraph.", "Added after publication."]
    kinds = ["heading", "body", "body", "body"]
    rows = []
    for key, (kind, text) in enumerate(zip(kinds, texts, strict=True), start=1):
        row = Paragraph.objects.create(
            chapter=chapter, key=key, position=f"m{key}", kind=kind, text=text.strip()
        )
        created = then if key < 4 else then + timedelta(days=1)
        version = Version.objects.create(
            id=row.pk,
            chapter_id=chapter.pk,
            key=key,
            position=row.position,
            kind=kind,
            text=row.text,
            word_count=len(row.text.split()),
            history_date=created,
            history_type="+",
            history_change_reason="imported",
        )
        rows.append((row, version))
    old.get_model("manifesto", "Milestone").objects.create(
        chapter=chapter, name="As published", moment=then + timedelta(hours=1)
    )
    paragraph, version = rows[2]
    amendment = old.get_model("amendments", "Amendment").objects.create(
        chapter=chapter,
        paragraph=paragraph,
        title="Say it twice",
        reason="R",
        author=author,
        base_version=version,
        base_text=paragraph.text,
        proposed_text="Second paragraph, said twice.",
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from amendments.models import Amendment
    from manifesto.models import Chapter
    from manifesto.models import Paragraph as NewParagraph

    assert Chapter.objects.get(pk=chapter.pk).reference_milestone.name == "As published"
    numbered = {
        p.key: (p.ref_number, p.ref_first_line, p.ref_line_count, p.in_reference)
        for p in NewParagraph.objects.filter(chapter_id=chapter.pk)
    }
    # The heading is line 1, the long paragraph ¶ 1 on lines 2–3 (150 characters at 80),
    # ¶ 2 on line 4; the paragraph added after publication is not in the reference.
    assert numbered == {
        1: (None, 1, 1, True),
        2: (1, 2, 2, True),
        3: (2, 4, 1, True),
        4: (None, None, 0, False),
    }
    cited = Amendment.objects.get(pk=amendment.pk)
    assert cited.cited_as == "¶ 2, line 4"
    assert cited.cited_reference.name == "As published"
