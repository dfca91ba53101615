"""ingest_mentions_per_s on PostgreSQL with Celery workers: the same payloads as bench/inbox_bench.py, in
batches of 1,000, each batch one Celery task (parse with the connector's parser, then ``inbound_store``)
taken by one of N worker processes (``celery worker --pool solo``, one process each) from Redis.

Run by ``bench/inbox_bench.py --postgres``; the workers import this module (``-A inbox_celery``), so the
task is the only thing here that is not the product's own: the product's task takes a channel to poll,
and no platform is polled in a benchmark. Each finished task adds its item count to a Redis counter,
which the benchmark reads to know when all are done.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from townsquare.celery import app  # noqa: E402

DONE_KEY = "bench:inbox:done"


def _redis() -> Any:
    import redis

    return redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])


@app.task(name="bench.inbox_ingest", ignore_result=True)
def ingest_batch(channel_ids: dict[str, int], batch: list[tuple[str, str]]) -> int:
    import orjson

    from townsquare.channels.models import Channel
    from townsquare.connectors.bluesky.parsing import from_notification
    from townsquare.connectors.mastodon.parsing import parse_notification
    from townsquare.inbox.services import inbound_store

    parsers = {"mastodon": parse_notification, "bluesky": from_notification}
    items: dict[str, list[Any]] = {"mastodon": [], "bluesky": []}
    for platform, body in batch:
        items[platform].append(parsers[platform](orjson.loads(body)))
    for platform, parsed in items.items():
        if parsed:
            inbound_store(channel=Channel.objects.select_related("council").get(pk=channel_ids[platform]), items=parsed)
    _redis().incrby(DONE_KEY, len(batch))
    return len(batch)


def start_workers(count: int, env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    celery = str(Path(sys.executable).with_name("celery"))
    return [
        subprocess.Popen(
            [celery, "-A", "inbox_celery", "worker", "--pool", "solo", "-n", f"bench{n}@%h", "--loglevel", "WARNING"],
            cwd=ROOT / "bench",
            env=env,
        )
        for n in range(count)
    ]


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


def run(channel_ids: dict[str, int], data: list[tuple[str, bytes]], batch: int, timeout: float = 1200) -> float:
    """Send the batches, wait until every item is done; returns the seconds from the first send."""
    counter = _redis()
    counter.set(DONE_KEY, 0)
    started = time.perf_counter()
    for start in range(0, len(data), batch):
        chunk = [(p, body.decode()) for p, body in data[start : start + batch]]
        ingest_batch.delay(channel_ids, chunk)
    while int(counter.get(DONE_KEY) or 0) < len(data):
        if time.perf_counter() - started > timeout:
            raise TimeoutError("the workers did not finish in time")
        time.sleep(0.05)
    return time.perf_counter() - started
