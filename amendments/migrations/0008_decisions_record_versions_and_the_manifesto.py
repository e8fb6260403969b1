# A decision points at the paragraph version it produced (and a hidden comment at the
# comment), and names its Manifesto, so a decision about the whole Manifesto (its word limit)
# has a home; its chapter becomes optional. The next migration fills the new columns in.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("amendments", "0007_conflict_reasons_say_only_what_happened"),
        ("manifesto", "0003_history_reasons_as_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="manifesto",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="decisions",
                to="manifesto.manifesto",
            ),
        ),
        migrations.AlterField(
            model_name="decision",
            name="chapter",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty for a decision about the whole Manifesto.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="decisions",
                to="manifesto.chapter",
            ),
        ),
        migrations.AddField(
            model_name="decision",
            name="paragraph_version",
            field=models.OneToOneField(
                blank=True,
                help_text="The version of a paragraph this decision produced, if it changed the text.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="decision",
                to="manifesto.historicalparagraph",
            ),
        ),
        migrations.AddField(
            model_name="decision",
            name="comment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="amendments.comment",
            ),
        ),
        migrations.AlterField(
            model_name="decision",
            name="action",
            field=models.CharField(
                choices=[
                    ("accepted", "accepted"),
                    ("accepted_changed", "accepted with changes"),
                    ("rejected", "rejected"),
                    ("duplicate", "marked as duplicate"),
                    ("duplicate_undone", "undid the duplicate marking of"),
                    ("reopened", "reopened"),
                    ("carried_forward", "carried forward"),
                    ("conflict", "put in conflict"),
                    ("obsolete", "made obsolete"),
                    ("paragraph_edited", "edited a paragraph"),
                    ("paragraph_reverted", "reverted a paragraph"),
                    ("limit_changed", "changed the word limit"),
                    ("manifesto_limit", "changed the Manifesto's word limit"),
                    ("milestone", "marked a milestone"),
                    ("comment_hidden", "hid a comment"),
                ],
                max_length=20,
            ),
        ),
    ]
