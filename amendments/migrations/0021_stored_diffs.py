from django.db import migrations, models

BATCH = 500


def store_diffs(apps, schema_editor):
    """Store the word diff of every amendment written before diffs were stored, so the review
    queue can show each one without diffing while it renders."""
    from textcore.diff import stored_ops

    Amendment = apps.get_model("amendments", "Amendment")
    rows = Amendment.objects.filter(diff_ops__isnull=True).only("id", "base_text", "proposed_text")
    changed = []
    for amendment in rows.iterator(chunk_size=BATCH):
        amendment.diff_ops = stored_ops(amendment.base_text, amendment.proposed_text)
        changed.append(amendment)
        if len(changed) == BATCH:
            Amendment.objects.bulk_update(changed, ["diff_ops"])
            changed = []
    Amendment.objects.bulk_update(changed, ["diff_ops"])


class Migration(migrations.Migration):
    dependencies = [
        ("amendments", "0020_render_stamps"),
    ]

    operations = [
        migrations.AddField(
            model_name="amendment",
            name="diff_ops",
            field=models.JSONField(
                blank=True,
                editable=False,
                help_text="The word diff of base_text to proposed_text as [op, text] pairs "
                "(textcore.diff.stored_ops), stored with change_spans so the queue shows it "
                "undiffed.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="historicalamendment",
            name="diff_ops",
            field=models.JSONField(
                blank=True,
                editable=False,
                help_text="The word diff of base_text to proposed_text as [op, text] pairs "
                "(textcore.diff.stored_ops), stored with change_spans so the queue shows it "
                "undiffed.",
                null=True,
            ),
        ),
        migrations.RunPython(store_diffs, migrations.RunPython.noop),
    ]
