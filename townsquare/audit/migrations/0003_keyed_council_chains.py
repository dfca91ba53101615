"""Keyed, per-council chains: every event gets its council's chain and place in it, a key id, and a
seal (HMAC) over every stored field; the old unkeyed chain is checked first and must be intact."""

import datetime as dt
import hashlib
import json

from django.db import migrations, models


def _old_digest(event, prev_hash):  # type: ignore[no-untyped-def]
    """The seal as 0001 wrote it (SHA-256, no key, actor_id left out)."""
    fields = {
        "created_at": event.created_at.astimezone(dt.UTC).isoformat(),
        "council": event.council_id,
        "actor": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_label": event.object_label,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
    }
    payload = json.dumps(
        {"seq": event.seq, "prev": prev_hash, **fields}, sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from townsquare.audit.reseal import reseal

    state = {"prev": "0" * 64, "seq": 0}

    def intact(event):  # type: ignore[no-untyped-def]
        if event.seq != state["seq"] + 1 or event.prev_hash != state["prev"]:
            return "does not follow the one before it"
        if _old_digest(event, event.prev_hash) != event.hash:
            return "does not match its hash"
        state["prev"], state["seq"] = event.hash, event.seq
        return None

    reseal(
        apps.get_model("audit", "AuditEvent"),
        apps.get_model("audit", "AuditChainHead"),
        schema_editor.connection,
        check=intact,
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only"), ("councils", "0001_initial")]

    operations = [
        migrations.AddField(model_name="auditevent", name="chain", field=models.PositiveBigIntegerField(default=0)),
        migrations.AddField(model_name="auditevent", name="key_id", field=models.CharField(blank=True, max_length=16)),
        migrations.AlterField(model_name="auditevent", name="seq", field=models.PositiveBigIntegerField()),
        migrations.AlterField(
            model_name="auditchainhead",
            name="id",
            field=models.PositiveBigIntegerField(default=0, primary_key=True, serialize=False),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
