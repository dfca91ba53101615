"""Backups the IT team can make, check and restore: the whole database as one file.

SQLite (the embedded default): SQLite's online backup copies the live database into a new file while
Townsquare keeps running (the copy is of one moment; readers and writers carry on). PostgreSQL: pg_dump's
custom format, restored with pg_restore. Either way the copy is written beside its final name and only
renamed once it has been read back and found whole, so a failed backup leaves no file that looks good.

A check reads a backup without restoring it: SQLite's integrity check, or pg_restore's table of contents,
then the migrations the copy records against the code's own. A copy older than the code is still good:
restore it, then ``manage.py migrate``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader


class BackupError(Exception):
    """A backup, check or restore that could not be done; the message says why, in plain words."""


@dataclass
class BackupCheck:
    path: Path
    engine: str
    size: int = 0
    tables: int = 0
    migrations: int = 0
    behind: list[str] = field(default_factory=list)  # migrations in the code the copy has not had
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        lines = [f"{self.path}: {self.engine} backup, {self.size:,} bytes, {self.tables} tables."]
        lines += [f"Problem: {problem}" for problem in self.problems]
        if self.ok:
            lines.append(f"Whole: every check passed; {self.migrations} migrations recorded.")
        if self.behind:
            behind = len(self.behind)
            lines.append(f"Older than the code by {behind} migrations: after restoring, run manage.py migrate.")
        return "\n".join(lines)


def _engine() -> str:
    if connection.vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups are made of SQLite or PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def default_path(engine: str, now: dt.datetime | None = None) -> Path:
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"townsquare-{stamp}.{'sqlite3' if engine == 'sqlite' else 'dump'}"


def _code_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump/pg_restore, the password in the environment (never on a command line)."""
    db: dict[str, Any] = dict(connection.settings_dict)
    options = ["--dbname", str(db["NAME"])]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            options += [flag, str(db[key])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return options, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed: install PostgreSQL's client tools (Debian: postgresql-client).")
    return found


def backup_make(output: Path | None = None) -> BackupCheck:
    """Copy the live database to ``output`` (a new file), check the copy, and return the check."""
    engine = _engine()
    target = Path(output) if output else default_path(engine)
    if target.exists():
        raise BackupError(f"{target} exists already: name a new file.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if engine == "sqlite":
            _sqlite_copy(str(connection.settings_dict["NAME"]), str(partial))
        else:
            _pg_run("pg_dump", "--format=custom", "--no-owner", "--file", str(partial), failed="pg_dump failed")
        check = backup_check(partial, engine=engine)
        if not check.ok:
            raise BackupError("The copy did not read back whole: " + "; ".join(check.problems))
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)
    check.path = target
    return check


def backup_check(path: Path, *, engine: str | None = None) -> BackupCheck:
    """Read a backup without restoring it: is it whole, and which migrations does it record?"""
    path = Path(path)
    engine = engine or _engine()
    check = BackupCheck(path=path, engine=engine)
    if not path.is_file():
        check.problems.append("no such file")
        return check
    check.size = path.stat().st_size
    applied = _sqlite_contents(path, check) if engine == "sqlite" else _pg_contents(path, check)
    if applied is not None:
        check.migrations = len(applied)
        check.behind = sorted(f"{app}.{name}" for app, name in _code_migrations() - applied)
    return check


def _sqlite_contents(path: Path, check: BackupCheck) -> set[tuple[str, str]] | None:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        check.problems.append(f"cannot be opened ({error})")
        return None
    try:
        verdict = [row[0] for row in db.execute("PRAGMA integrity_check")]
        if verdict != ["ok"]:
            check.problems.append("SQLite's integrity check failed: " + "; ".join(verdict[:5]))
            return None
        check.tables = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        return set(db.execute("SELECT app, name FROM django_migrations").fetchall())
    except sqlite3.Error as error:
        check.problems.append(f"not a Townsquare database ({error})")
        return None
    finally:
        db.close()


def _pg_contents(path: Path, check: BackupCheck) -> set[tuple[str, str]] | None:
    restore = _tool("pg_restore")
    listing = subprocess.run([restore, "--list", str(path)], capture_output=True, text=True, check=False)
    if listing.returncode != 0:
        check.problems.append(f"pg_restore cannot read it ({listing.stderr.strip()[:300]})")
        return None
    check.tables = sum(1 for line in listing.stdout.splitlines() if re.search(r"\bTABLE DATA\b", line))
    rows = subprocess.run(
        [restore, "--data-only", "--table=django_migrations", "--file=-", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    applied, copying = set(), False
    for line in rows.stdout.splitlines():
        if line.startswith("COPY "):
            copying = True
        elif line == "\\.":
            copying = False
        elif copying:
            parts = line.split("\t")
            if len(parts) >= 3:
                applied.add((parts[1], parts[2]))
    if not applied:
        check.problems.append("it holds no record of migrations: not a Townsquare database")
        return None
    return applied


def backup_restore(path: Path) -> BackupCheck:
    """Replace the database's contents with a checked backup's. Stop Townsquare's processes first."""
    engine = _engine()
    check = backup_check(path, engine=engine)
    if not check.ok:
        raise BackupError(f"{path} is not a whole backup, so nothing was restored: " + "; ".join(check.problems))
    connection.close()
    if engine == "sqlite":
        _sqlite_copy(f"file:{path}?mode=ro", str(connection.settings_dict["NAME"]))
    else:
        _pg_run(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            str(path),
            failed="pg_restore failed and changed nothing",
        )
    return check


def _sqlite_copy(source_name: str, target_name: str) -> None:
    """Copy one SQLite database into another with SQLite's online backup (the source may be in use)."""
    source = sqlite3.connect(source_name, uri=source_name.startswith("file:"))
    target = sqlite3.connect(target_name)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _pg_run(tool: str, *arguments: str, failed: str) -> None:
    """Run pg_dump or pg_restore against the configured database; its own message if it fails."""
    options, env = _pg_env()
    run = subprocess.run(
        [_tool(tool), *arguments, *options],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        raise BackupError(f"{failed}: {run.stderr.strip()[:500]}")
