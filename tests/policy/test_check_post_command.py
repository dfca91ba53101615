"""``manage.py check_post FILE.json``: JSON lines out, exit 1 when blocked, 2 for bad input."""

import json
from io import StringIO

import pytest
from django.core.management import call_command


def run(tmp_path, payload, raw: str | None = None) -> tuple[int, list[dict], str]:
    path = tmp_path / "draft.json"
    path.write_text(raw if raw is not None else json.dumps(payload), encoding="utf-8")
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("check_post", str(path), stdout=out, stderr=err)
    except SystemExit as exc:
        code = int(exc.code or 0)
    lines = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    return code, lines, err.getvalue()


def test_blocking_draft_exits_1_with_json_lines(tmp_path, riverside) -> None:
    code, lines, _ = run(
        tmp_path,
        {"council": "riverside", "text": "Call 07700 900123 #binday", "images": [{"alt": ""}], "channels": ["x"]},
    )
    assert code == 1
    assert {"DP-01", "AX-03", "AX-01"} <= {line["rule"] for line in lines}
    assert set(lines[0]) == {"rule", "severity", "start", "end", "message"}
    phone = next(line for line in lines if line["rule"] == "DP-01")
    assert (phone["start"], phone["end"], phone["severity"]) == (5, 17, "block")


def test_warnings_only_exit_0_and_unknown_keys_ignored(tmp_path, riverside) -> None:
    code, lines, _ = run(
        tmp_path, {"council": "riverside", "text": "Bin day moved #binday", "author": "me", "campaign": {"x": 1}}
    )
    assert code == 0
    assert [line["rule"] for line in lines] == ["AX-03"]


def test_clean_draft_prints_nothing(tmp_path, riverside) -> None:
    assert run(tmp_path, {"council": "riverside", "text": "Bins are collected as usual this week."})[:2] == (0, [])


def test_no_channels_runs_no_platform_rules(tmp_path, riverside) -> None:
    code, lines, _ = run(tmp_path, {"council": "riverside", "text": "a" * 400})
    assert code == 0 and not any(line["rule"].startswith("PLAT-") for line in lines)
    code, lines, _ = run(tmp_path, {"council": "riverside", "text": "a" * 400, "channels": ["x"]})
    assert code == 1 and [line["rule"] for line in lines] == ["PLAT-01"]


def test_channels_by_id_handle_or_platform(tmp_path, riverside, channel) -> None:
    for ref in (channel.pk, str(channel.pk), "RiversideBins", "@riversidebins", "facebook"):
        code, _, err = run(tmp_path, {"council": "riverside", "text": "Hello", "channels": [ref]})
        assert code == 0, err
    code, _, err = run(tmp_path, {"council": "riverside", "text": "Hello", "channels": ["@nobody"]})
    assert code == 2 and "@nobody" in err


def test_scheduled_for_puts_draft_in_election_window(tmp_path, riverside, election) -> None:
    text = 'Cllr Jones said "great news"'
    assert run(tmp_path, {"council": "riverside", "text": text, "scheduled_for": "2026-04-15T09:00:00Z"})[0] == 1
    assert run(tmp_path, {"council": "riverside", "text": text, "scheduled_for": "2026-06-15T09:00:00+01:00"})[0] == 0


@pytest.mark.parametrize(
    ("payload", "raw", "says"),
    [
        ({"council": "nowhere", "text": "x"}, None, "No council"),
        (None, "{not json", "not valid JSON"),
        (None, "[1, 2]", "one JSON object"),
        ({"council": "riverside", "text": "x", "scheduled_for": "next Tuesday"}, None, "ISO-8601"),
    ],
)
def test_bad_input_exits_2(tmp_path, riverside, payload, raw, says) -> None:
    code, lines, err = run(tmp_path, payload, raw)
    assert code == 2 and lines == [] and says in err


def test_missing_file_exits_2(tmp_path, riverside) -> None:
    err = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("check_post", str(tmp_path / "missing.json"), stderr=err)
    assert exc.value.code == 2 and "No such file" in err.getvalue()
