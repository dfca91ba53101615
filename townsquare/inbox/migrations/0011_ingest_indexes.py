# A received item is written with every index of its table, thousands a second at ingest, so the table keeps
# only the indexes a query reads: the council's and the account's own are dropped (the newest-first index
# leads with the council, the unique key and two more with the account), and the person's, team's and
# service's cover only the items where one is set. The single-column indexes are dropped as the database
# names them, rather than by AlterField, which on SQLite copies the whole table for each field.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE = "inbox_receiveditem"
COLUMNS = ["channel_id", "council_id", "assigned_service_id", "assignee_id", "service_id"]


def _plain_indexes(schema_editor) -> list[str]:  # type: ignore[no-untyped-def]
    """The names of the plain single-column indexes of ``COLUMNS`` (not the flagged items' partial one on the
    council): named after the table the items were first kept in (``connectors_receiveditem``) on a
    database migrated since, after this one on SQLite, whose migrations copy a table to change it."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, TABLE)
    return sorted(
        name
        for name, c in found.items()
        if c["index"]
        and not c["unique"]
        and len(c["columns"]) == 1
        and c["columns"][0] in COLUMNS
        and name != "inbox_flagged_idx"
    )


def drop_plain(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    quote = schema_editor.quote_name
    for name in _plain_indexes(schema_editor):
        schema_editor.execute(f"DROP INDEX {quote(name)}")


def create_plain(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    quote = schema_editor.quote_name
    for column in COLUMNS:
        name = schema_editor._create_index_name(TABLE, [column])
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(TABLE)} ({quote(column)})")


def _fk(to: str, related_name: str, **options: object) -> models.ForeignKey:
    return models.ForeignKey(db_index=False, related_name=related_name, to=to, **options)


def _set(name: str) -> models.Q:
    return models.Q((f"{name}__isnull", False))


class Migration(migrations.Migration):
    dependencies = [
        ("channels", "0001_initial"),
        ("councils", "0002_role_governance"),
        ("inbox", "0010_status_page_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_plain, create_plain)],
            state_operations=[
                migrations.AlterField(
                    model_name="receiveditem",
                    name="assigned_service",
                    field=_fk(
                        "councils.service",
                        "assigned_items",
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        help_text="The team the item is assigned to, where not to one person.",
                    ),
                ),
                migrations.AlterField(
                    model_name="receiveditem",
                    name="assignee",
                    field=_fk(
                        settings.AUTH_USER_MODEL,
                        "inbox_items",
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                    ),
                ),
                migrations.AlterField(
                    model_name="receiveditem",
                    name="channel",
                    field=_fk("channels.channel", "received_items", on_delete=django.db.models.deletion.CASCADE),
                ),
                migrations.AlterField(
                    model_name="receiveditem",
                    name="council",
                    field=_fk("councils.council", "received_items", on_delete=django.db.models.deletion.CASCADE),
                ),
                migrations.AlterField(
                    model_name="receiveditem",
                    name="service",
                    field=_fk(
                        "councils.service",
                        "received_items",
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        help_text="The council service the item is routed to.",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="receiveditem",
            index=models.Index(condition=_set("assignee"), fields=["assignee"], name="inbox_assignee_idx"),
        ),
        migrations.AddIndex(
            model_name="receiveditem",
            index=models.Index(
                condition=_set("assigned_service"), fields=["assigned_service"], name="inbox_assigned_team_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="receiveditem",
            index=models.Index(condition=_set("service"), fields=["service"], name="inbox_service_idx"),
        ),
    ]
