from django.db import migrations, models

from townsquare.archive import record_words


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    """PostgreSQL: the words of all a record's versions kept on the record, with a GIN index
    (townsquare/archive/record_words.py); filled from the versions already stored."""
    if schema_editor.connection.vendor == "postgresql":
        for statement in record_words.CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for statement in record_words.DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("archive", "0004_postgres_search_vector")]

    operations = [
        migrations.RunPython(create, drop),
        # A platform's records newest first: "only X" with words walks X's records, not the whole council's.
        migrations.AddIndex(
            model_name="archiverecord",
            index=models.Index(fields=["council", "platform", "-occurred_at", "-id"], name="archive_platform_newest"),
        ),
    ]
