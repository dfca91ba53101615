"""Service-level clocks: what they add to ingest and to the inbox page, on SQLite, one process.

Usage: .venv/bin/python bench/sla_bench.py [--items 5000] [--no-save]

Builds a throwaway SQLite database with one council (weekday hours in two periods, England and Wales
holidays) and one account, then measures:

  sla_clocks_start_us_per_item   starting the clocks of stored items (two clocks each: response and
                                 resolution), batches of 1,000 as the pipeline hands them over
  sla_ingest_overhead_us_per_item  inbound_store end to end with three targets set, less the same without
                                 targets (the urgent-queue check and the clocks; no item here is urgent)
  sla_clocks_page_ms             reading and wording the clocks of a 50-item inbox page
  working_time_add_per_s         add_working_time on a Schedule (the arithmetic behind every due time)

The figures are appended to the JSON array in ``bench/results.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

from record import append_results, commit

ROOT = Path(__file__).resolve().parent.parent
BATCH = 1000


def setup_django(tmp: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "townsquare.settings"
    os.environ["TOWNSQUARE_VAR_DIR"] = tmp
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("TESTING", "1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def inbound(n: int, prefix: str) -> object:
    from django.utils import timezone

    from townsquare.connectors.base import InboundItem

    return InboundItem(
        external_id=f"{prefix}{n}",
        kind="mention",
        author_handle=f"@resident{n % 500}",
        author_name="A Resident",
        text=f"My bin was not collected on street {n % 97}, please help",
        created_at=timezone.now(),
        raw={"id": n},
    )


def ingest_seconds(channel: object, items: int, prefix: str) -> float:
    from townsquare.inbox.services import inbound_store

    started = time.perf_counter()
    for start in range(0, items, BATCH):
        inbound_store(channel=channel, items=[inbound(n, prefix) for n in range(start, min(items, start + BATCH))])  # type: ignore[arg-type]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(tmp)
        from django.db import transaction

        from townsquare.channels.models import Channel
        from townsquare.councils.models import Council
        from townsquare.inbox.models import ReceivedItem
        from townsquare.inbox.service_level_models import ItemTarget, ServiceTarget
        from townsquare.inbox.service_levels import clocks_for_items, clocks_start
        from townsquare.inbox.working_time import schedule_for
        from townsquare.inbox.working_time_models import WorkingPeriod

        council = Council.objects.create(slug="bench", name="Bench District Council")
        channel = Channel.objects.create(council=council, platform="mastodon", name="Bench", handle="@bench")
        WorkingPeriod.objects.bulk_create(
            [
                WorkingPeriod(council=council, weekday=d, starts=s, ends=e)
                for d in range(5)
                for s, e in ((dt.time(8, 30), dt.time(12, 30)), (dt.time(13, 15), dt.time(17)))
            ]
        )
        ingest_seconds(channel, BATCH, "warm")  # models loaded, caches filled
        without = ingest_seconds(channel, args.items, "a")
        for kind, minutes in (("first_response", 240), ("next_response", 480), ("resolution", 2220)):
            ServiceTarget.objects.create(council=council, kind=kind, minutes=minutes)
        with_targets = ingest_seconds(channel, args.items, "b")

        rows = list(ReceivedItem.objects.filter(external_id__startswith="b").order_by("pk"))
        ItemTarget.objects.all().delete()
        started = time.perf_counter()
        for start in range(0, len(rows), BATCH):
            with transaction.atomic():  # as the pipeline runs each stage
                clocks_start(council, rows[start : start + BATCH])
        start_us = (time.perf_counter() - started) / len(rows) * 1e6

        page = [r.pk for r in rows[:50]]
        clocks_for_items(council, page)
        timings = []
        for _ in range(30):
            started = time.perf_counter()
            clocks_for_items(council, page)
            timings.append(time.perf_counter() - started)
        page_ms = sorted(timings)[len(timings) // 2] * 1000

        schedule = schedule_for(council)
        moment = dt.datetime(2026, 12, 24, 16, tzinfo=dt.UTC)
        started = time.perf_counter()
        for n in range(20000):
            schedule.add(moment, dt.timedelta(minutes=30 + n % 3000))
        adds = 20000 / (time.perf_counter() - started)

    load = os.getloadavg()[0]
    common = {
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": commit(),
        "database": "sqlite",
        "load_1m": load,
        "items": args.items,
    }
    results = [
        {**common, "metric": "sla_clocks_start_us_per_item", "value": round(start_us, 1), "unit": "µs"},
        {
            **common,
            "metric": "sla_ingest_overhead_us_per_item",
            "value": round((with_targets - without) / args.items * 1e6, 1),
            "unit": "µs",
            "ingest_per_s_without_targets": round(args.items / without),
            "ingest_per_s_with_targets": round(args.items / with_targets),
        },
        {**common, "metric": "sla_clocks_page_ms", "value": round(page_ms, 2), "unit": "ms", "page_items": 50},
        {**common, "metric": "working_time_add_per_s", "value": round(adds), "unit": "per s"},
    ]
    for entry in results:
        print(f"{entry['metric']}: {entry['value']} {entry['unit']}")
    print(
        f"ingest: {results[1]['ingest_per_s_without_targets']}/s without targets, "
        f"{results[1]['ingest_per_s_with_targets']}/s with (load {load:.1f})"
    )
    if not args.no_save:
        append_results(results)


if __name__ == "__main__":
    main()
