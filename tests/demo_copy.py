"""The demo in a test's database: loaded through its services once in each test process, copied after.

``demo_into_database(tmp_path_factory)`` leaves in the (empty) test database everything ``demo_load()`` makes.
The first call in a process runs ``demo_load()`` itself and keeps a copy of every table it filled
(``tablecopy.py``) and of the files it stored; later calls put that copy back: the same rows with the
same keys and audit chain, in a fraction of a second instead of the load's ten seconds and more. The
full-text indexes (SQLite) are not model tables: after a copy goes back they are rebuilt from the rows,
as after a restored backup. A copy made on an earlier day is not used: the demo's dates follow today.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from tests.tablecopy import TableCopy


@dataclass
class _Copy:
    day: dt.date
    tables: TableCopy
    media: Path


_copy: _Copy | None = None  # this process's copy of the loaded demo


def _row_counts() -> dict[str, int]:
    quote = connection.ops.quote_name
    names = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        return {t: cursor.execute(f"SELECT COUNT(*) FROM {quote(t)}").fetchone()[0] for t in names}


def _load(media: Path) -> _Copy:
    from townsquare.demo.services import demo_load

    before = _row_counts()
    with override_settings(MEDIA_ROOT=media):
        assert demo_load(), "the demo councils were already there: the database was not empty"
    after = _row_counts()
    filled = sorted(t for t, n in after.items() if n != before[t])
    # Tables the migrations fill (content types, permissions) stay as they are: the demo adds nothing there.
    assert not [t for t in filled if before[t]], "the demo added rows to tables that were not empty"
    tables = TableCopy(filled)
    tables.take()
    return _Copy(day=timezone.localdate(), tables=tables, media=media)


def demo_into_database(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The demo, loaded into this test's database (the process's copy kept under its temporary folder)."""
    from townsquare.archive.search import index_rebuild as archive_index_rebuild
    from townsquare.inbox.search import index_rebuild as inbox_index_rebuild

    global _copy
    if _copy is None or _copy.day != timezone.localdate():
        _copy = _load(tmp_path_factory.mktemp("demo-media"))
        if not connection.in_atomic_block:
            # Committed: earlier live-server tests' emptied rows may have left entries in the indexes.
            inbox_index_rebuild()
            archive_index_rebuild()
    else:
        _copy.tables.put_back()
        inbox_index_rebuild()
        archive_index_rebuild()
    if _copy.media.exists():
        shutil.copytree(_copy.media, Path(settings.MEDIA_ROOT), dirs_exist_ok=True)
