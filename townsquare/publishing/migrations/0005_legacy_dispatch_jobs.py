"""Jobs of the first dispatch kind (``publishing.dispatch_target``: one channel's or one target's due
targets) still queued become the one kind, ``publishing.dispatch``, for their due time: it sends every
channel's due targets, theirs included. Where a job for that time is already pending, the old one is
dropped instead (the queue keeps one job per due time)."""

from django.db import migrations

LEGACY = "publishing.dispatch_target"
KIND = "publishing.dispatch"
PENDING = ["queued", "running"]


def convert(apps, schema_editor):
    Job = apps.get_model("jobs", "Job")
    PostTarget = apps.get_model("publishing", "PostTarget")
    for job in Job.objects.filter(kind=LEGACY, status="queued"):
        key = f"publishing:due:{int(job.run_after.timestamp() * 1000)}"
        if Job.objects.filter(dedupe_key=key, status__in=PENDING).exclude(pk=job.pk).exists():
            job.delete()
            continue
        channel_id = job.payload.get("channel_id")
        if channel_id is None and job.payload.get("target_id") is not None:
            channel_id = (
                PostTarget.objects.filter(pk=int(job.payload["target_id"])).values_list("channel_id", flat=True).first()
            )
        job.kind = KIND
        job.payload = {"due_at": job.run_after.isoformat(), "channel_ids": [int(channel_id)] if channel_id else []}
        job.dedupe_key = key
        job.save(update_fields=["kind", "payload", "dedupe_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0004_account_check"),
        ("jobs", "0001_initial"),
    ]

    operations = [migrations.RunPython(convert, migrations.RunPython.noop)]
