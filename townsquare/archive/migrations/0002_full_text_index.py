from django.db import migrations

from townsquare.archive.search import POSTGRES_CREATE, POSTGRES_DROP, SQLITE_CREATE, SQLITE_DROP


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    """SQLite: the FTS5 table. PostgreSQL: a GIN index on each version's text."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
