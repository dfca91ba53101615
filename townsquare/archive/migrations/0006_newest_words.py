from django.db import migrations

from townsquare.archive import record_words


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    """PostgreSQL: the council's records newest first with their words beside them, for the walk of a search
    for common words (townsquare/archive/record_words.py)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(record_words.NEWEST_WORDS_CREATE)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(record_words.NEWEST_WORDS_DROP)


class Migration(migrations.Migration):
    dependencies = [("archive", "0005_record_words")]

    operations = [migrations.RunPython(create, drop)]
