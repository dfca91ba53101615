"""A copy of every model table's rows, taken once and put back after the database is emptied.

Much faster than ``dumpdata``/``loaddata``, and byte for byte: rows go back as they were stored
(same keys, same audit seals). SQLite copies from a ``VACUUM INTO`` file attached beside the test
database; PostgreSQL keeps each table's ``COPY`` text in memory. Either way the rows go back inside
one transaction, foreign keys checked once at the end (SQLite: checked by hand with its pragma,
since its running count of deferred violations does not come down when a deleted row comes back).
"""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction


class TableCopy:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.tables: list[str] = []
        self.copies: dict[str, bytes] = {}

    def take(self) -> None:
        quote = connection.ops.quote_name
        names = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
        with connection.cursor() as cursor:
            self.tables = [t for t in names if cursor.execute(f"SELECT 1 FROM {quote(t)} LIMIT 1").fetchone()]
            if connection.vendor == "sqlite":
                path = self.folder / "snapshot.sqlite3"
                path.unlink(missing_ok=True)
                cursor.execute("VACUUM INTO %s", [str(path)])
            else:
                for table in self.tables:
                    with cursor.cursor.copy(f"COPY {quote(table)} TO STDOUT") as copy:
                        self.copies[table] = b"".join(bytes(block) for block in copy)

    def put_back(self) -> None:
        """Into emptied tables; rows that migrations re-create (content types, permissions) are replaced."""
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("ATTACH DATABASE %s AS snapshot", [str(self.folder / "snapshot.sqlite3")])
            try:
                with connection.constraint_checks_disabled(), transaction.atomic():
                    for table in self.tables:
                        cursor.execute(f"DELETE FROM {quote(table)}")
                    for table in self.tables:
                        if connection.vendor == "sqlite":
                            cursor.execute(f"INSERT INTO main.{quote(table)} SELECT * FROM snapshot.{quote(table)}")
                        else:
                            with cursor.cursor.copy(f"COPY {quote(table)} FROM STDIN") as copy:
                                copy.write(self.copies[table])
                    if connection.vendor == "sqlite":
                        broken = cursor.execute("PRAGMA foreign_key_check").fetchall()
                        assert not broken, f"the copy left rows pointing nowhere: {broken[:5]}"
                    if connection.vendor == "postgresql":
                        models = apps.get_models(include_auto_created=True)
                        for sql in connection.ops.sequence_reset_sql(no_style(), models):
                            cursor.execute(sql)
            finally:
                if connection.vendor == "sqlite":
                    cursor.execute("DETACH DATABASE snapshot")
