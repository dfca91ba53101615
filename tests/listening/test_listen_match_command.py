import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command


def run(tmp_path: Path, queries: str, texts: str) -> list[dict]:
    (tmp_path / "q.txt").write_text(queries, encoding="utf-8")
    (tmp_path / "t.txt").write_text(texts, encoding="utf-8")
    out = StringIO()
    call_command("listen_match", queries=str(tmp_path / "q.txt"), input=str(tmp_path / "t.txt"), stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_object_per_text_with_ascending_query_line_numbers(tmp_path: Path) -> None:
    queries = 'bin\nrecycl*\n\n"bin day" NEAR/2 missed\n#bins OR @riverside\nroad\n'
    texts = "My BIN day was missed\nrecycling #Bins\n\nbinding\nRoad closed, bin out\n"
    assert run(tmp_path, queries, texts) == [
        {"matches": [0, 3]},
        {"matches": [1, 4]},
        {"matches": []},
        {"matches": []},
        {"matches": [0, 5]},
    ]


def test_the_exact_output_format(tmp_path: Path) -> None:
    (tmp_path / "q.txt").write_text("b\na\n", encoding="utf-8")
    (tmp_path / "t.txt").write_text("a b\n", encoding="utf-8")
    out = StringIO()
    call_command("listen_match", queries=str(tmp_path / "q.txt"), input=str(tmp_path / "t.txt"), stdout=out)
    assert out.getvalue() == '{"matches": [0, 1]}\n'


def test_a_bad_query_names_line_and_character_and_prints_nothing(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        run(tmp_path, "bin\nbin AND (day\n", "bin\n")
    assert caught.value.returncode == 2
    assert "q.txt line 2, character 9: This bracket is never closed" in str(caught.value)


def test_exit_code_is_not_zero_from_the_shell(tmp_path: Path) -> None:
    (tmp_path / "q.txt").write_text("re*\n", encoding="utf-8")
    (tmp_path / "t.txt").write_text("x\n", encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "listen_match",
            "--queries",
            str(tmp_path / "q.txt"),
            "--input",
            str(tmp_path / "t.txt"),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "TESTING": "1", "DATABASE_URL": ""},
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 2 and done.stdout == ""
    assert "line 1, character 1: A wildcard needs at least 3 letters" in done.stderr


def test_an_unreadable_file_is_explained(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("listen_match", queries=str(tmp_path / "missing.txt"), input="-")
