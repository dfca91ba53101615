from django.db import migrations


class Migration(migrations.Migration):
    """Received items move to the inbox app; the table is kept (inbox renames it)."""

    dependencies = [
        ("connectors", "0003_metric_snapshots_to_measures"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="ReceivedItem")]),
    ]
