from django.db import migrations


def refill_change_spans(apps, schema_editor):
    """Store again the spans of the open replacements: a change's spans now cover every minimal
    reading of it (a deleted twin sentence may be either twin), not diff-match-patch's alone,
    so that the review queue flags every pair the merge puts in conflict."""
    from textcore.rebase import change_spans

    Amendment = apps.get_model("amendments", "Amendment")
    rows = Amendment.objects.filter(kind="replace", status__in=["pending", "conflict"])
    for amendment in rows.iterator():
        spans = [[low, high] for low, high in change_spans(amendment.base_text, amendment.proposed_text)]
        if spans != amendment.change_spans:
            amendment.change_spans = spans
            amendment.save(update_fields=["change_spans"])


class Migration(migrations.Migration):

    dependencies = [
        ("amendments", "0002_change_spans_and_covering_indexes"),
    ]

    operations = [
        migrations.RunPython(refill_change_spans, migrations.RunPython.noop),
    ]
