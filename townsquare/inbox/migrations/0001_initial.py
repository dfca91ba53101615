import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("channels", "0001_initial"),
        ("councils", "0001_initial"),
        ("connectors", "0004_received_items_to_inbox"),
    ]

    operations = [
        # The items the connectors stored so far: the same table, now the inbox's.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ReceivedItem",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("external_id", models.CharField(max_length=500)),
                        ("kind", models.CharField(blank=True, max_length=30)),
                        ("author_handle", models.CharField(blank=True, max_length=300)),
                        ("author_name", models.CharField(blank=True, max_length=300)),
                        ("text", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(blank=True, null=True)),
                        ("url", models.CharField(blank=True, max_length=1000)),
                        ("in_reply_to_external_id", models.CharField(blank=True, max_length=500)),
                        ("raw", models.JSONField(default=dict)),
                        ("malformed", models.BooleanField(default=False)),
                        ("parse_error", models.TextField(blank=True)),
                        ("received_at", models.DateTimeField(auto_now_add=True)),
                        ("channel", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="received_items", to="channels.channel")),
                        ("council", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="received_items", to="councils.council")),
                    ],
                    options={
                        "ordering": ["-received_at", "-pk"],
                        "indexes": [
                            models.Index(fields=["council", "received_at"], name="connectors__council_bdd009_idx"),
                            models.Index(fields=["channel", "created_at"], name="connectors__channel_445b59_idx"),
                        ],
                        "constraints": [models.UniqueConstraint(fields=("channel", "external_id"), name="received_item_unique_per_channel")],
                        "db_table": "connectors_receiveditem",
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name="receiveditem", table=None),
    ]
