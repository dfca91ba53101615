# Listening matches keep two indexes besides the table's own (see ListeningMatch). The item's and
# query's single-column indexes are dropped by name, as Django named them in 0002, rather than by
# AlterField, which on SQLite copies the whole table for each field; the council's and account's lose
# their constraint too, which SQLite can do only by copying the table.

import django.db.models.deletion
from django.db import migrations, models

TABLE = "listening_listeningmatch"
FK_INDEXES = {
    "listening_listeningmatch_item_id_59005011": "item_id",
    "listening_listeningmatch_query_id_66f22ba4": "query_id",
}
DROP = [f'DROP INDEX IF EXISTS "{name}"' for name in FK_INDEXES]
CREATE = [f'CREATE INDEX "{name}" ON "{TABLE}" ("{column}")' for name, column in FK_INDEXES.items()]


def _fk(to: str, related_name: str, **options: bool) -> models.ForeignKey:
    return models.ForeignKey(
        db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name=related_name, to=to, **options
    )


class Migration(migrations.Migration):
    dependencies = [
        ("listening", "0002_ingest_triggers_alerts"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="listeningmatch", name="listening_match_volume_idx"),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(DROP, reverse_sql=CREATE)],
            state_operations=[
                migrations.AlterField(
                    model_name="listeningmatch", name="item", field=_fk("inbox.receiveditem", "listening_matches")
                ),
                migrations.AlterField(
                    model_name="listeningmatch", name="query", field=_fk("listening.listeningquery", "matches")
                ),
            ],
        ),
        migrations.AlterField(
            model_name="listeningmatch", name="channel", field=_fk("channels.channel", "+", db_constraint=False)
        ),
        migrations.AlterField(
            model_name="listeningmatch", name="council", field=_fk("councils.council", "+", db_constraint=False)
        ),
        migrations.AddIndex(
            model_name="listeningmatch",
            index=models.Index(fields=["at", "query", "channel"], name="listening_match_time_idx"),
        ),
    ]
