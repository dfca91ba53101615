"""Backups: made while running, read back before they count, checked without restoring, restored whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from townsquare.councils.models import Council
from townsquare.web.backup import BackupError, backup_check, backup_make, backup_restore

pytestmark = pytest.mark.django_db(transaction=True)


def _name(tmp_path: Path, stem: str) -> Path:
    return tmp_path / f"{stem}.{'sqlite3' if connection.vendor == 'sqlite' else 'dump'}"


def test_a_backup_is_a_whole_copy_of_everything_committed(riverside: Council, tmp_path: Path) -> None:
    target = _name(tmp_path, "one")
    check = backup_make(target)
    assert check.ok, check.problems
    assert check.path == target and target.is_file() and check.size == target.stat().st_size
    assert check.tables > 20 and check.migrations > 50 and check.behind == []
    assert not list(tmp_path.glob("*.partial"))
    Council.objects.filter(pk=riverside.pk).update(name="Renamed after the backup")
    backup_restore(target)
    assert Council.objects.get(pk=riverside.pk).name == "Riverside District Council"


def test_a_backup_never_overwrites_a_file(riverside: Council, tmp_path: Path) -> None:
    target = _name(tmp_path, "taken")
    target.write_bytes(b"something else")
    with pytest.raises(BackupError, match="exists already"):
        backup_make(target)
    assert target.read_bytes() == b"something else"


def test_a_damaged_or_foreign_file_is_found_out_and_never_restored(riverside: Council, tmp_path: Path) -> None:
    bad = _name(tmp_path, "bad")
    bad.write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)
    check = backup_check(bad)
    assert not check.ok and check.problems
    missing = backup_check(tmp_path / "nowhere.dump")
    assert missing.problems == ["no such file"]
    with pytest.raises(BackupError, match="not a whole backup, so nothing was restored"):
        backup_restore(bad)
    assert Council.objects.get(pk=riverside.pk).name == "Riverside District Council"


def test_an_older_backup_says_which_migrations_it_lacks(riverside: Council, tmp_path: Path) -> None:
    target = _name(tmp_path, "older")
    backup_make(target)
    if connection.vendor != "sqlite":
        pytest.skip("a dump's recorded migrations are changed here only on SQLite")
    import sqlite3

    copy = sqlite3.connect(str(target))
    copy.execute("DELETE FROM django_migrations WHERE app = 'inbox' AND name = '0011_ingest_indexes'")
    copy.commit()
    copy.close()
    check = backup_check(target)
    assert check.ok and check.behind == ["inbox.0011_ingest_indexes"]
    assert "run manage.py migrate" in check.summary()


def test_the_commands(riverside: Council, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = _name(tmp_path, "cmd")
    call_command("backup", "--output", str(target))
    assert "every check passed" in capsys.readouterr().out
    call_command("backup_check", str(target))
    assert "Whole" in capsys.readouterr().out
    with pytest.raises(CommandError, match="exists already") as refused:
        call_command("backup", "--output", str(target))
    assert refused.value.returncode == 2
    with pytest.raises(CommandError, match="add --yes"):
        call_command("restore", str(target))
    bad = tmp_path / "bad.sqlite3"
    bad.write_text("not a database")
    with pytest.raises(CommandError, match="not a whole backup"):
        call_command("backup_check", str(bad))
    Council.objects.filter(pk=riverside.pk).update(name="Changed")
    call_command("restore", str(target), "--yes")
    assert "Restored." in capsys.readouterr().out
    assert Council.objects.get(pk=riverside.pk).name == "Riverside District Council"
