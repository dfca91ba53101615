"""import_measures and the import page's parser: every row checked, all stored or none, each problem
named with the spreadsheet's row number."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command

from townsquare.audit.models import AuditEvent
from townsquare.councils.models import Council
from townsquare.measures.importing import ImportFileError, figures_parse, table_from_upload
from townsquare.measures.models import DailyMeasure, MonthlyMeasure

GOOD = """date,platform,channel,metric,value
2016-04-30,facebook,RiversideCouncil,page_likes,14600
2015-04-30,facebook,@riversidecouncil,page_likes,"10,000"
2016-01-05,x,@RiversideDC,profile_views,134
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "figures.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_command_imports_every_row_audited(
    riverside: Council, accounts: SimpleNamespace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("import_measures", "--council", "riverside", str(write(tmp_path, GOOD)))
    assert "Imported 3 figures" in capsys.readouterr().out
    assert DailyMeasure.objects.filter(source="import").count() == 3
    assert MonthlyMeasure.objects.get(channel=accounts.facebook, month="2015-04-01").value == 10000
    event = AuditEvent.objects.get(action="measures.imported")
    assert event.council == riverside and event.after["figures"] == 3


def test_command_refuses_the_whole_file_naming_each_bad_row(
    riverside: Council, accounts: SimpleNamespace, tmp_path: Path
) -> None:
    text = GOOD + (
        "2016-13-01,facebook,RiversideCouncil,page_likes,1\n"
        "2016-01-06,myspace,Riverside,followers,1\n"
        "2016-01-06,x,@Nobody,followers,1\n"
        "2016-01-07,x,@RiversideDC,likes,1\n"
        "2016-01-08,x,@RiversideDC,followers,-4\n"
        "2016-04-30,facebook,RiversideCouncil,page_likes,14600\n"
    )
    with pytest.raises(CommandError) as raised:
        call_command("import_measures", "--council", "riverside", str(write(tmp_path, text)))
    message = str(raised.value)
    assert "Row 5: “2016-13-01” is not a date" in message
    assert "Row 6: no channel on the platform “myspace”" in message
    assert "Row 7: no x channel with the handle “@Nobody”" in message
    assert "Row 8: “likes” is not a measure" in message
    assert "Row 9: “-4” is not a whole number" in message
    assert "Row 10: the same channel, measure and date as row 2." in message
    assert not DailyMeasure.objects.exists() and not AuditEvent.objects.filter(action="measures.imported").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("date,platform,channel,value\n2016-01-01,x,a,1\n", "The first row must be exactly"),
        ("date,platform,channel,metric,value\n", "no figures"),
        ("", "is empty"),
    ],
)
def test_command_explains_a_file_it_cannot_use(
    riverside: Council, accounts: SimpleNamespace, tmp_path: Path, text: str, expected: str
) -> None:
    with pytest.raises(CommandError, match=expected):
        call_command("import_measures", "--council", "riverside", str(write(tmp_path, text)))
    assert not DailyMeasure.objects.exists()


def test_command_names_an_unknown_council(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No council"):
        call_command("import_measures", "--council", "nowhere", str(write(tmp_path, GOOD)))


def test_binary_and_oversized_cells_are_clear(riverside: Council, accounts: SimpleNamespace) -> None:
    with pytest.raises(ImportFileError, match="neither an XLSX workbook nor a CSV"):
        table_from_upload("x.ics", b"\xff\xfe\x00binary")
    rows = table_from_upload(
        "big.csv",
        ("date,platform,channel,metric,value\n2016-01-01,x,@RiversideDC,followers," + "9" * 5000 + "\n").encode(),
    )
    parsed = figures_parse(council=riverside, rows=rows[1:], mapping={f: i for i, f in enumerate(rows[0])})
    assert parsed.errors == ["Row 2: a cell is longer than 1000 characters."]


def test_an_xlsx_kept_by_hand_with_its_own_headings(riverside: Council, accounts: SimpleNamespace) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Month end", "Site", "Account", "What", "Number", "Notes"])
    sheet.append(["30/04/2016", "facebook", "RiversideCouncil", "page_likes", 14600, "from the insights page"])
    sheet.append(["31/03/2016", "x", "@RiversideDC", "followers", 6900, ""])
    out = io.BytesIO()
    book.save(out)
    rows = table_from_upload("figures.xlsx", out.getvalue())
    mapping = {"date": 0, "platform": 1, "channel": 2, "metric": 3, "value": 4}
    parsed = figures_parse(council=riverside, rows=rows[1:], mapping=mapping)
    assert parsed.errors == [] and len(parsed.figures) == 2
    with pytest.raises(ImportFileError, match="Choose a column for: value"):
        figures_parse(council=riverside, rows=rows[1:], mapping={k: v for k, v in mapping.items() if k != "value"})


def test_another_councils_handle_is_not_found(
    riverside: Council, hillcrest: Council, accounts: SimpleNamespace, hillcrest_channel: object
) -> None:
    rows = [["2016-01-01", "x", "@HillcrestDC", "followers", "5"]]
    parsed = figures_parse(
        council=riverside, rows=rows, mapping={"date": 0, "platform": 1, "channel": 2, "metric": 3, "value": 4}
    )
    assert parsed.errors == ["Row 2: no x channel with the handle “@HillcrestDC” in the register."]
