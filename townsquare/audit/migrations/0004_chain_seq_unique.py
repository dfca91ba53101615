"""Each event's place in its chain is unique (added once 0003 has numbered them, in its own transaction).

SQLite adds a constraint by making the table anew, which drops its triggers: the append-only guard
is put back exactly as 0002 made it.
"""

from django.db import migrations, models


def guard(apps, schema_editor):  # type: ignore[no-untyped-def]
    from townsquare.audit.reseal import guard_put_back

    guard_put_back(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_keyed_council_chains")]

    operations = [
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("chain", "seq"), name="audit_event_chain_seq"),
        ),
        migrations.RunPython(guard, migrations.RunPython.noop),
    ]
