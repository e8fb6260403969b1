from django.db import migrations


def refill_change_spans(apps, schema_editor):
    """Store again the spans of the open replacements: a base word that every reading of a
    change keeps, but not all in one place ("cat cat" → "the the cat cat cat the"), is now
    marked as touched, since the merge does not cut there either; the spans stored before
    could keep the review queue from flagging a pair the merge puts in conflict."""
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
        ("amendments", "0010_decision_manifesto_required"),
    ]

    operations = [
        migrations.RunPython(refill_change_spans, migrations.RunPython.noop),
    ]
