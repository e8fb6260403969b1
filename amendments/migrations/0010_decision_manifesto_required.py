# Every decision has its Manifesto now (0009); a decision without a chapter is one about the
# whole Manifesto. Separate from 0009: PostgreSQL refuses to alter a table in the transaction
# that updated its rows while their foreign-key checks are still pending.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("amendments", "0009_decisions_backfill_versions_and_the_manifesto"),
    ]

    operations = [
        migrations.AlterField(
            model_name="decision",
            name="manifesto",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="decisions",
                to="manifesto.manifesto",
            ),
        ),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.CheckConstraint(
                condition=models.Q(("chapter__isnull", False), ("action", "manifesto_limit"), _connector="OR"),
                name="decision_about_a_chapter_or_the_manifesto",
            ),
        ),
    ]
