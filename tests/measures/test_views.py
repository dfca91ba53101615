"""The Measures Dashboard and the import page: who may see and do what, and what they see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from townsquare.measures.models import DailyMeasure

URL = "/c/riverside/measures/"


def test_councillor_reads_the_chart_its_table_and_the_comparison(
    people: SimpleNamespace, accounts: SimpleNamespace, record: Callable[..., None], client_for: Callable[..., Client]
) -> None:
    record(accounts.x, "followers", {dt.date(2015, 3, 31): 5000, dt.date(2016, 3, 31): 6900})
    page = client_for(people.councillor).get(URL, {"metric": "followers", "quarter": "2016Q1"})
    assert page.status_code == 200
    body = page.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in body and '<desc id="measure-desc">' in body
    assert "Followers by month" in body and "6,900" in body and "1,900 (38%)" in body
    assert "X followers increased 38% between March 2015 and March 2016" in body
    assert "Import figures" not in body  # read-only for councillors


def test_a_bad_quarter_is_explained_not_a_server_error(
    people: SimpleNamespace, accounts: SimpleNamespace, client_for: Callable[..., Client]
) -> None:
    page = client_for(people.comms).get(URL, {"quarter": "99999Q9", "metric": "nonsense", "platform": "myspace"})
    assert page.status_code == 200 and "is not a quarter" in page.content.decode()


def test_outsider_gets_not_found_and_a_service_officer_forbidden(
    people: SimpleNamespace, accounts: SimpleNamespace, client_for: Callable[..., Client]
) -> None:
    assert client_for(people.outsider).get(URL).status_code == 404
    assert client_for(people.officer).get(URL).status_code == 403
    assert client_for(people.councillor).get(URL + "import/").status_code == 403
    assert client_for(people.outsider).post(URL + "import/").status_code == 404
    assert Client().get(URL).status_code == 302


def test_import_page_checks_then_imports_all_or_nothing(
    people: SimpleNamespace, accounts: SimpleNamespace, client_for: Callable[..., Client]
) -> None:
    client = client_for(people.comms)
    good = b"date,platform,channel,metric,value\n2016-03-31,x,@RiversideDC,followers,6900\n"
    checked = client.post(URL + "import/", {"file": SimpleUploadedFile("f.csv", good), "confirm": "no"})
    assert checked.status_code == 200 and "All 1 figures are right" in checked.content.decode()
    assert not DailyMeasure.objects.exists()
    bad = good + b"2016-03-32,x,@RiversideDC,followers,1\n"
    refused = client.post(URL + "import/", {"file": SimpleUploadedFile("f.csv", bad), "confirm": "yes"})
    assert refused.status_code == 400 and "Row 3:" in refused.content.decode()
    assert not DailyMeasure.objects.exists()
    done = client.post(URL + "import/", {"file": SimpleUploadedFile("f.csv", good), "confirm": "yes"})
    assert done.status_code == 302 and DailyMeasure.objects.get().value == 6900
    empty = client.post(URL + "import/", {"confirm": "yes"})
    assert empty.status_code == 400 and "Choose a CSV or XLSX file" in empty.content.decode()
