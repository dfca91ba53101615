from django.db import migrations


class Migration(migrations.Migration):
    """The account figures move to the measures app; the table is kept (measures renames it)."""

    dependencies = [
        ("connectors", "0002_connection_stream_cursor"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="MetricSnapshot")]),
    ]
