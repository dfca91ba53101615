from django.db import migrations

from townsquare.archive.search import POSTGRES_DROP, POSTGRES_VECTOR_CREATE, POSTGRES_VECTOR_DROP


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    """PostgreSQL: each version's words stored beside it, with a GIN index, in place of the expression index
    (which recomputed every candidate's vector from its text)."""
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_VECTOR_CREATE:
            schema_editor.execute(statement)
        schema_editor.execute(POSTGRES_DROP)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        from townsquare.archive.search import POSTGRES_CREATE

        schema_editor.execute(POSTGRES_CREATE)
        for statement in POSTGRES_VECTOR_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("archive", "0003_only_edited_deleted_indexes")]

    operations = [migrations.RunPython(create, drop)]
