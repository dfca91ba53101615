"""SQLite: the full-text index's b-trees merged into one, a step at a time (the daily ``archive.dispose`` job).

FTS5 writes each batch of versions as a new b-tree (a segment) and merges them only now and then, so
an archive built over months holds many; a search reads every word's list in each of them, and twice a
page (the page, then the rest of its last second). At a million records as captured (batches of
5,000), ``leisure centre`` took 0.13 ms of FTS5 and ``swimming pool closure`` 0.36 ms; merged into one
b-tree, 0.04 and 0.12 ms. FTS5's ``optimize`` does the same in one transaction (about 5 s at a million
records, holding the write lock throughout); ``merge`` does it a few megabytes a transaction, so the
worker and the ingest wait for a moment at most. New versions start new small b-trees again, which
cost little until the next tidy.
"""

from __future__ import annotations

from django.db import connection, transaction

from townsquare.archive.search import FTS_TABLE

# Pages (about 4 KB each) merged a transaction.
STEP = 1000


def index_tidy(*, step: int = STEP) -> int:
    """Merge the SQLite full-text index's b-trees into one; returns how many transactions it took (0: it
    was merged already, or the database is PostgreSQL, whose GIN indexes keep themselves)."""
    if connection.vendor != "sqlite":
        return 0
    connection.ensure_connection()
    raw = connection.connection
    done, pages = 0, -step  # negative: first gather every b-tree into one merge (FTS5's "merge" command)
    while True:
        before = raw.total_changes
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rank) VALUES ('merge', %s)", [pages])  # noqa: S608
        if raw.total_changes - before < 2:  # FTS5's sign that there was nothing (more) to merge
            return done
        # Positive from here on: finish the merge begun, without gathering in b-trees written meanwhile.
        done, pages = done + 1, step
