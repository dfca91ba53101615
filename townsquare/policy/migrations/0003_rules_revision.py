import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """policy.PolicyVersion (a cache counter) becomes RulesRevision, so that PolicyVersion means one
    thing in the project: a version of a policy document (governance)."""

    dependencies = [
        ("councils", "0001_initial"),
        ("policy", "0002_referendums_channel_areas"),
    ]

    operations = [
        migrations.RenameModel(old_name="PolicyVersion", new_name="RulesRevision"),
        migrations.AlterField(
            model_name="rulesrevision",
            name="council",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE, related_name="rules_revision", to="councils.council"
            ),
        ),
    ]
