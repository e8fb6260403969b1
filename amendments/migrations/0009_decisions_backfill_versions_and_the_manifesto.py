# Fills in the columns 0008 added, for the decisions taken before them: each decision's
# Manifesto (its chapter's), and the paragraph version each text-changing decision produced.
# Versions used to name their amendment only in their reason ("amendment #12 accepted"); the
# reasons are read this once, here, and never again.

import re

from django.db import migrations

ACCEPTED = re.compile(r"^amendment #(\d+) accepted")
# The reasons paragraph_edit and paragraph_revert gave the versions they saved.
EDITED = {
    "paragraph_edited": "edited by an editor",
    "paragraph_reverted": "reverted to the version of",
}


def backfill(apps, schema_editor) -> None:
    Chapter = apps.get_model("manifesto", "Chapter")
    Decision = apps.get_model("amendments", "Decision")
    HistoricalParagraph = apps.get_model("manifesto", "HistoricalParagraph")
    for chapter_id, manifesto_id in Chapter.objects.values_list("id", "manifesto_id"):
        Decision.objects.filter(chapter_id=chapter_id).update(manifesto_id=manifesto_id)

    # An acceptance: the version whose reason names the amendment.
    acceptances = {
        decision.amendment_id: decision
        for decision in Decision.objects.filter(
            action__in=["accepted", "accepted_changed"], amendment__isnull=False
        )
    }
    versions = HistoricalParagraph.objects.filter(history_change_reason__startswith="amendment #")
    for version in versions.only("history_id", "history_change_reason").iterator():
        found = ACCEPTED.match(version.history_change_reason or "")
        decision = acceptances.get(int(found.group(1))) if found else None
        if decision is not None and decision.paragraph_version_id is None:
            decision.paragraph_version_id = version.history_id
            decision.save(update_fields=["paragraph_version"])

    # An edit or a revert: the newest version of its paragraph saved with such a reason by
    # the same editor, no later than the decision, that no other decision produced.
    edits = Decision.objects.filter(
        action__in=list(EDITED), paragraph__isnull=False, paragraph_version__isnull=True
    ).order_by("created_at", "id")
    for decision in edits:
        version = (
            HistoricalParagraph.objects.filter(
                id=decision.paragraph_id,
                history_user_id=decision.actor_id,
                history_change_reason__startswith=EDITED[decision.action],
                history_date__lte=decision.created_at,
                decision__isnull=True,
            )
            .order_by("-history_date", "-history_id")
            .first()
        )
        if version is not None:
            decision.paragraph_version_id = version.history_id
            decision.save(update_fields=["paragraph_version"])


class Migration(migrations.Migration):

    dependencies = [
        ("amendments", "0008_decisions_record_versions_and_the_manifesto"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
