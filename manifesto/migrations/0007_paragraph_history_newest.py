"""An index for the chapter page's stamp: the newest history row of a chapter's paragraphs is
read on every request of the page (amendments.selectors.chapter_page_stamp). Without it the
database walks the history backwards from the newest row of any chapter until it meets one
of this chapter's. simple-history's models take no Meta indexes, hence SQL (the same on
SQLite and PostgreSQL)."""

from django.db import migrations

INDEX = "manifesto_hparagraph_chapter_newest"
TABLE = "manifesto_historicalparagraph"


class Migration(migrations.Migration):
    dependencies = [("manifesto", "0006_round_phases")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON {TABLE} (chapter_id, history_id)",
            f"DROP INDEX {INDEX}",
        )
    ]
