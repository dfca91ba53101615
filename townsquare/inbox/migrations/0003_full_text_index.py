from django.db import migrations

from townsquare.inbox.search import FTS_TABLE, POSTGRES_CREATE, POSTGRES_DROP, SQLITE_CREATE, SQLITE_DROP


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    """SQLite: the FTS5 table, filled with the items stored so far. PostgreSQL: a GIN index on the text."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
        schema_editor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, body, author) "
            "SELECT id, text, author_handle || ' ' || author_name FROM inbox_receiveditem"
        )
        schema_editor.execute("UPDATE inbox_receiveditem SET indexed = 1")
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)
        schema_editor.execute("UPDATE inbox_receiveditem SET indexed = true")


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0002_work_and_pipeline"),
    ]

    operations = [migrations.RunPython(create, drop)]
