# The matches' item and query are no longer checked by the database on each row (eight rows an item at
# ingest; the two look-ups cost a third of writing them): Django cascades deletions itself, and the ingest
# writes only items it has just stored and queries live at the council's revision. On SQLite the id is
# the plain rowid, without AUTOINCREMENT's sequence table read and written on every statement. SQLite
# changes a column only by copying the table, once for each field.

import django.db.models.deletion
import townsquare.listening.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('inbox', '0011_ingest_indexes'),
        ('listening', '0003_match_indexes_for_ingest'),
    ]

    operations = [
        migrations.AlterField(
            model_name='listeningmatch',
            name='id',
            field=townsquare.listening.models.RowId(primary_key=True, serialize=False),
        ),
        migrations.AlterField(
            model_name='listeningmatch',
            name='item',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='listening_matches', to='inbox.receiveditem'),
        ),
        migrations.AlterField(
            model_name='listeningmatch',
            name='query',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='matches', to='listening.listeningquery'),
        ),
    ]
