"""The measures benchmark's data, built once and kept in var/bench/ (a copy is measured each run).

Riverside gets ``channels`` more accounts (Facebook, X and YouTube in turn), every account five years
of daily figures with their summaries (townsquare.demo.measures), and ``items`` inbox items spread
over those five years and its accounts: sentiments, services, statuses (most resolved) as the inbox
stores them, written with one prepared INSERT. The inbox summaries are then built by the rebuild
command's service, as an installation would after a restore.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

SENTIMENTS = ["negative"] * 3 + ["neutral"] * 5 + ["positive"] * 2
STATUSES = ["resolved"] * 8 + ["awaiting_resident", "new"]


def inbox_fill(council: Any, channels: list[Any], services: list[int], items: int, today: dt.date) -> None:
    from django.db import connection, transaction

    from townsquare.inbox.pipeline import ROW_FIELDS

    item_columns = [*ROW_FIELDS, "service_id", "updated_at"]
    rng = random.Random(14)
    start = dt.datetime.combine(today - dt.timedelta(days=365 * 5), dt.time(), dt.UTC)
    span = 365 * 5 * 86400
    columns, marks = ", ".join(item_columns), ", ".join(["%s"] * len(item_columns))
    sql = f"INSERT INTO inbox_receiveditem ({columns}) VALUES ({marks})"  # noqa: S608 - fixed column names
    batch: list[tuple[Any, ...]] = []
    with transaction.atomic(), connection.cursor() as cursor:
        for n in range(items):
            channel = channels[n % len(channels)]
            received = start + dt.timedelta(seconds=span * n // items)
            status = rng.choice(STATUSES)
            updated = received + dt.timedelta(hours=rng.uniform(0.5, 72)) if status != "new" else None
            batch.append(
                (
                    council.pk,
                    channel.pk,
                    f"bench-{n}",
                    "mention",
                    f"resident{n % 5000}",
                    "A resident",
                    "The bins on Mill Lane were not collected this week",
                    received,
                    "",
                    "",
                    "{}",
                    False,
                    "",
                    received,
                    f"resident{n % 5000}",
                    "en",
                    "[]",
                    "[]",
                    f"bench-{n}",
                    rng.choice(SENTIMENTS),
                    "[]",
                    "",
                    "{}",
                    True,
                    False,
                    True,
                    False,
                    "",
                    status,
                    rng.choice(services) if services else None,
                    updated,
                )
            )
            if len(batch) == 20000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def build(count: int, items: int) -> dict[str, Any]:
    """Migrate, load the demo, add the accounts, figures and inbox items; their summaries."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from townsquare.channels.models import Channel
    from townsquare.councils.models import Council
    from townsquare.demo.measures import figures_fill
    from townsquare.demo.services import demo_load
    from townsquare.measures.inbox import inbox_summaries_rebuild

    call_command("migrate", verbosity=0)
    demo_load()
    council = Council.objects.get(slug="riverside")
    platforms = ["facebook", "x", "youtube"]
    made = [
        Channel(council=council, platform=platforms[n % 3], name=f"Riverside account {n}", handle=f"RiversideBench{n}")
        for n in range(count)
    ]
    today = timezone.localdate()
    with transaction.atomic():
        figures_fill(Channel.objects.bulk_create(made), today)
    channels = list(Channel.objects.filter(council=council).order_by("pk"))
    inbox_fill(council, channels, list(council.services.values_list("pk", flat=True)), items, today)
    inbox_summaries_rebuild()
    return {"built_on": today.isoformat(), "channels": len(channels), "items": items}
