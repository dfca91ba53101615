# Listening matches keep two indexes besides the table's own (see ListeningMatch): the foreign keys'
# single-column indexes are dropped by name, as Django named them in 0002, rather than by AlterField,
# which on SQLite copies the whole table once for each field.

import django.db.models.deletion
from django.db import migrations, models

TABLE = "listening_listeningmatch"
FK_INDEXES = {
    "listening_listeningmatch_channel_id_b1915fd4": "channel_id",
    "listening_listeningmatch_council_id_1ee3c157": "council_id",
    "listening_listeningmatch_item_id_59005011": "item_id",
    "listening_listeningmatch_query_id_66f22ba4": "query_id",
}
DROP = [f'DROP INDEX IF EXISTS "{name}"' for name in FK_INDEXES]
CREATE = [f'CREATE INDEX "{name}" ON "{TABLE}" ("{column}")' for name, column in FK_INDEXES.items()]


def _fk(to: str, related_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name=related_name, to=to
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
                migrations.AlterField(model_name="listeningmatch", name="channel", field=_fk("channels.channel", "+")),
                migrations.AlterField(model_name="listeningmatch", name="council", field=_fk("councils.council", "+")),
                migrations.AlterField(
                    model_name="listeningmatch", name="item", field=_fk("inbox.receiveditem", "listening_matches")
                ),
                migrations.AlterField(
                    model_name="listeningmatch", name="query", field=_fk("listening.listeningquery", "matches")
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="listeningmatch",
            index=models.Index(fields=["at", "query", "channel"], name="listening_match_time_idx"),
        ),
    ]
