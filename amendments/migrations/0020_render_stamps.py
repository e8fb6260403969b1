# The public list's text order read from an index (named as the task that added it asked:
# the list's rows are cached by a stamp of what they show, which needs no column).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("amendments", "0019_congress"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="amendment",
            index=models.Index(
                fields=["paragraph", "id"],
                include=["chapter", "status"],
                name="amendment_text_order",
            ),
        ),
    ]
