"""Django's SQLite backend, with each statement's placeholders converted once per process.

Django writes SQL with ``%s`` placeholders and its SQLite cursor rewrites them to SQLite's ``?`` by a
regular expression on every execution, scanning the whole statement: on the API's archive search,
whose statements run to a few thousand characters, that scan cost more than some of the statements
took to run. The same statement text always converts to the same text, so the conversion is kept
(per process, the least recently used forgotten first). Everything else is Django's backend unchanged;
``settings`` names this one wherever SQLite is used.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db.backends.sqlite3 import base


@lru_cache(maxsize=2048)
def qmark(query: str) -> str:
    """``query`` with Django's ``%s`` placeholders as SQLite's ``?`` (and ``%%`` as ``%``), as Django converts it."""
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query: str, *, param_names: Any = None) -> str:
        if param_names is None:
            return qmark(query)
        return super().convert_query(query, param_names=param_names)  # type: ignore[no-any-return]


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name: str | None = None) -> SQLiteCursorWrapper:
        return self.connection.cursor(factory=SQLiteCursorWrapper)  # type: ignore[no-any-return]
