"""``manage.py classify --input FILE [--council SLUG]``: one JSON object a line, in order."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from townsquare.councils.models import Service

pytestmark = pytest.mark.django_db


def run(*args: str) -> list[dict]:
    out = StringIO()
    call_command("classify", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_json_object_per_line_with_the_councils_services(tmp_path, riverside) -> None:
    Service.objects.create(council=riverside, name="Waste and Recycling")
    Service.objects.create(council=riverside, name="Highways")
    path = tmp_path / "messages.txt"
    path.write_text(
        "My bin wasn't collected again, disgraceful\n\nMae twll mawr yn y ffordd\n"
        "FOI request: spending on consultants\n",
        encoding="utf-8",
    )
    for extra in ([], ["--first-pass"]):
        lines = run("--input", str(path), "--council", "riverside", *extra)
        assert len(lines) == 4
        assert all(set(line) == {"sentiment", "categories", "risk", "language", "service"} for line in lines)
        assert lines[0]["service"] == "Waste and Recycling"
        assert lines[0]["sentiment"] == "negative"
        assert "complaint" in lines[0]["categories"]
        assert lines[1] == {"sentiment": "neutral", "categories": [], "risk": "low", "language": "und", "service": None}
        assert (lines[2]["language"], lines[2]["service"]) == ("cy", "Highways")
        assert lines[3]["categories"] == ["foi_request"] and lines[3]["risk"] == "medium"


def test_without_a_council_no_service(tmp_path) -> None:
    path = tmp_path / "m.txt"
    path.write_text("My bin wasn't collected\n", encoding="utf-8")
    assert run("--input", str(path))[0]["service"] is None


def test_bad_input_is_a_clear_error(tmp_path, riverside) -> None:
    path = tmp_path / "m.txt"
    path.write_text("hello\n", encoding="utf-8")
    with pytest.raises(CommandError, match="No council with the slug 'nowhere'"):
        run("--input", str(path), "--council", "nowhere")
    with pytest.raises(CommandError, match="Cannot read"):
        run("--input", str(tmp_path / "missing.txt"))
    (tmp_path / "latin1.txt").write_bytes("caf\xe9\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run("--input", str(tmp_path / "latin1.txt"))
