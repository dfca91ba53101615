"""A migrated, empty database made once for this version of the code, copied for each test database.

Running the migrations costs a test process ten seconds and more (Django renders the models again and
again); every process of a run, and every run, would otherwise pay that for the same outcome. The
template is made by ``manage.py migrate`` in a process of its own, keyed by a hash of the code and
requirements (any change to them makes a new one), under a file lock so that test processes starting
together make it once. SQLite copies the file; PostgreSQL makes the test database with
``CREATE DATABASE ... TEMPLATE``. The copy is then used as an existing test database (Django's keepdb:
its ``migrate`` finds nothing to do) and removed at the end of the session.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LOCKS = Path(tempfile.gettempdir())


@functools.cache
def code_key() -> str:
    """A hash of everything a migrated database depends on: the code (migrations import from it) and packages."""
    digest = hashlib.sha1()
    for path in sorted([*(ROOT / "townsquare").rglob("*.py"), ROOT / "requirements.txt"]):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


@contextlib.contextmanager
def _locked(name: str) -> Iterator[None]:
    with open(LOCKS / f"townsquare-{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _migrate(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "TESTING": "1", "CELERY_BROKER_URL": ""}
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, f"migrating the template database failed:\n{done.stderr[-3000:]}"


def sqlite_template(folder: Path) -> Path:
    """The migrated SQLite file for this code, made if missing (other versions' older than an hour are removed:
    a newer one may belong to another checkout sharing the folder, its tests still copying it)."""
    key = code_key()
    path = folder / f"test-template-{key}.sqlite3"
    with _locked(f"sqlite-{key}"):
        if not path.exists():
            for old in folder.glob("test-template-*.sqlite3*"):
                with contextlib.suppress(FileNotFoundError):
                    if time.time() - old.stat().st_mtime > 3600:
                        old.unlink(missing_ok=True)
            making = folder / f"test-template-{key}-{os.getpid()}.sqlite3"
            _migrate(f"sqlite:///{making}")
            making.rename(path)
    return path


def sqlite_copy(folder: Path, target: Path) -> None:
    """A migrated database at ``target`` (nothing else in the way: any earlier file there is replaced)."""
    for stale in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(sqlite_template(folder), target)


def _server(settings_dict: dict[str, Any]) -> dict[str, Any]:
    return {
        "host": settings_dict.get("HOST") or "127.0.0.1",
        "port": settings_dict.get("PORT") or 5432,
        "user": settings_dict.get("USER") or "postgres",
        "password": settings_dict.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }


def postgres_drop(settings_dict: dict[str, Any], target: str) -> None:
    """Drop the test database ``target``, ending any session still on it (a process a test left behind)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(**_server(settings_dict)) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target)))


def postgres_copy(settings_dict: dict[str, Any], target: str) -> None:
    """The test database ``target`` made afresh from this code's migrated template on the same server."""
    import psycopg
    from psycopg import sql

    key = code_key()
    prefix = f"{settings_dict['NAME']}_tmpl_"
    template = f"{prefix}{key}"
    server = _server(settings_dict)
    with _locked(f"pg-{template}"), psycopg.connect(**server) as conn:
        names = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
        if template not in names:
            for old in sorted(n for n in names if n.startswith(prefix)):
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(old)))
            making = f"{template}_{os.getpid()}"
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(making)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(making)))
            user, password = server["user"], server["password"]
            auth = f"{user}:{password}" if password else f"{user}"
            _migrate(f"postgres://{auth}@{server['host']}:{server['port']}/{making}")
            conn.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(making), sql.Identifier(template))
            )
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target)))
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(target), sql.Identifier(template)))
