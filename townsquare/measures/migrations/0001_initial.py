import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("channels", "0001_initial"),
        ("connectors", "0003_metric_snapshots_to_measures"),
    ]

    operations = [
        # The snapshots the connectors took so far: the same table, now the measures app's.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="MetricSnapshot",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("taken_at", models.DateTimeField()),
                        ("followers", models.BigIntegerField(blank=True, null=True)),
                        ("page_likes", models.BigIntegerField(blank=True, null=True)),
                        ("profile_views", models.BigIntegerField(blank=True, null=True)),
                        ("impressions", models.BigIntegerField(blank=True, null=True)),
                        ("reach", models.BigIntegerField(blank=True, null=True)),
                        ("engagements", models.BigIntegerField(blank=True, null=True)),
                        ("video_views", models.BigIntegerField(blank=True, null=True)),
                        ("watch_time_minutes", models.BigIntegerField(blank=True, null=True)),
                        ("raw", models.JSONField(blank=True, default=dict)),
                        ("channel", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="metric_snapshots", to="channels.channel")),
                    ],
                    options={
                        "ordering": ["-taken_at"],
                        "indexes": [models.Index(fields=["channel", "taken_at"], name="connectors__channel_893a68_idx")],
                        "db_table": "connectors_metricsnapshot",
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name="metricsnapshot", table=None),
        migrations.CreateModel(
            name="DailyMeasure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                ("metric", models.CharField(choices=[("followers", "followers"), ("page_likes", "page likes"), ("profile_views", "profile views"), ("impressions", "impressions"), ("reach", "reach"), ("engagements", "engagements"), ("link_clicks", "link clicks"), ("video_views", "video views"), ("watch_time_minutes", "video watch time (minutes)"), ("posts_published", "posts published")], max_length=30)),
                ("value", models.BigIntegerField()),
                ("source", models.CharField(choices=[("platform", "From the platform"), ("import", "Imported from the council's records")], default="platform", max_length=10)),
                ("channel", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="daily_measures", to="channels.channel")),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("channel", "metric", "day"), name="measures_one_per_day")],
            },
        ),
        migrations.CreateModel(
            name="MonthlyMeasure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField(help_text="The first day of the month.")),
                ("metric", models.CharField(choices=[("followers", "followers"), ("page_likes", "page likes"), ("profile_views", "profile views"), ("impressions", "impressions"), ("reach", "reach"), ("engagements", "engagements"), ("link_clicks", "link clicks"), ("video_views", "video views"), ("watch_time_minutes", "video watch time (minutes)"), ("posts_published", "posts published")], max_length=30)),
                ("value", models.BigIntegerField()),
                ("last_day", models.DateField(help_text="The latest day with a figure in this month.")),
                ("days", models.PositiveSmallIntegerField(default=0, help_text="How many days of the month have a figure.")),
                ("channel", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="monthly_measures", to="channels.channel")),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("channel", "metric", "month"), name="measures_one_per_month")],
                "indexes": [models.Index(fields=["metric", "month"], name="measures_mo_metric_41a9ae_idx")],
            },
        ),
    ]
