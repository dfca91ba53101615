"""A copy of some tables' rows, taken once and written back into those tables when they are empty.

Much faster than ``dumpdata``/``loaddata``, and byte for byte: rows go back as they were stored
(same keys, same audit seals). SQLite reads each value through a no-op ``+`` so that no converter
touches it (a date stays the text it was stored as); PostgreSQL keeps each table's ``COPY`` text.
Either way the rows go back inside one transaction (or savepoint, when a test's transaction is open),
foreign keys checked once at the end, so the copy can be taken and put back inside a test's
transaction as well as in a live-server test's committed database.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction


class TableCopy:
    def __init__(self, tables: Sequence[str]) -> None:
        self.tables = list(tables)
        self.inserts: dict[str, tuple[str, list[tuple[Any, ...]]]] = {}  # SQLite: statement and rows
        self.copies: dict[str, bytes] = {}  # PostgreSQL: COPY text

    def take(self) -> None:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for table in self.tables:
                if connection.vendor == "sqlite":
                    described = connection.introspection.get_table_description(cursor, table)
                    columns = [quote(info.name) for info in described]
                    raw = cursor.cursor.execute(f"SELECT {', '.join('+' + c for c in columns)} FROM {quote(table)}")
                    values = ", ".join("?" * len(columns))
                    statement = f"INSERT INTO {quote(table)} ({', '.join(columns)}) VALUES ({values})"
                    self.inserts[table] = (statement, raw.fetchall())
                else:
                    with cursor.cursor.copy(f"COPY {quote(table)} TO STDOUT") as copy:
                        self.copies[table] = b"".join(bytes(block) for block in copy)

    def put_back(self) -> None:
        """Into the copied tables, which must be empty (nothing of a test's own is overwritten)."""
        quote = connection.ops.quote_name
        with connection.cursor() as cursor, transaction.atomic():
            full = [t for t in self.tables if cursor.execute(f"SELECT 1 FROM {quote(t)} LIMIT 1").fetchone()]
            assert not full, f"the copy goes back into empty tables only; these have rows: {full}"
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table in self.tables:
                if connection.vendor == "sqlite":
                    statement, rows = self.inserts[table]
                    cursor.cursor.executemany(statement, rows)
                else:
                    with cursor.cursor.copy(f"COPY {quote(table)} FROM STDIN") as copy:
                        copy.write(self.copies[table])
            connection.check_constraints(table_names=self.tables)
            if connection.vendor == "postgresql":
                models = [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in self.tables]
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)
