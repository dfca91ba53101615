from django.db import migrations

from townsquare.archive import record_words


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    """PostgreSQL: the council's records newest first with their words beside them, and each platform's and
    kind's, read alone by a search for common words (townsquare/archive/record_words.py)."""
    if schema_editor.connection.vendor == "postgresql":
        for statement in record_words.WORDS_BESIDE_CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for statement in record_words.WORDS_BESIDE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("archive", "0005_record_words")]

    operations = [migrations.RunPython(create, drop)]
