"""The dashboard's comparisons, scopes, targets with their status, aims and account access."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

from django.test import Client

from townsquare.audit.models import AuditEvent
from townsquare.councils.models import Service
from townsquare.measures.comparisons import compare
from townsquare.measures.models import MeasureTarget
from townsquare.measures.periods import Quarter
from townsquare.measures.selectors import Scope

URL = "/c/riverside/measures/"


def test_month_on_month_and_any_two_months(
    riverside: object, accounts: SimpleNamespace, record: Callable[..., None]
) -> None:
    record(
        accounts.facebook,
        "page_likes",
        {dt.date(2015, 4, 30): 10000, dt.date(2016, 3, 31): 14000, dt.date(2016, 4, 30): 14600},
    )
    scope = Scope(accounts.facebook.council)
    april = compare(
        scope=scope,
        metric="page_likes",
        kind="dates",
        quarter=Quarter(2016, 2),
        before=dt.date(2015, 4, 1),
        after=dt.date(2016, 4, 1),
    )
    assert april and april.change.percent == 46 and april.change.difference == 4600
    assert (april.before_label, april.after_label) == ("April 2015", "April 2016")
    monthly = compare(scope=scope, metric="page_likes", kind="month", quarter=Quarter(2016, 2))
    assert monthly is None  # the quarter ends in June, which has no figure yet
    april_q = compare(scope=scope, metric="page_likes", kind="month", quarter=Quarter(2016, 1, True))
    assert april_q is None  # financial Q1 2016/17 ends in June, with no figure
    record(accounts.facebook, "page_likes", {dt.date(2016, 5, 31): 14000, dt.date(2016, 6, 30): 15400})
    june = compare(scope=scope, metric="page_likes", kind="month", quarter=Quarter(2016, 2))
    assert june and june.change.percent == 10 and june.before_label == "May 2016"


def test_scope_by_service_and_channel(
    riverside: object,
    accounts: SimpleNamespace,
    record: Callable[..., None],
    people: SimpleNamespace,
    client_for: Callable[..., Client],
) -> None:
    waste = Service.objects.create(council=accounts.x.council, name="Waste")
    accounts.x.service = waste
    accounts.x.save()
    record(accounts.x, "followers", {dt.date(2016, 3, 31): 700})
    record(accounts.facebook, "followers", {dt.date(2016, 3, 31): 300})
    council = accounts.x.council
    march = dt.date(2016, 3, 1)
    found = [
        compare(scope=scope, metric="followers", kind="dates", quarter=Quarter(2016, 1), before=march, after=march)
        for scope in (
            Scope(council),
            Scope(council, service_id=waste.pk),
            Scope(council, channel_id=accounts.facebook.pk),
        )
    ]
    whole, served, one = found
    assert whole and served and one
    assert (whole.change.after, served.change.after, one.change.after) == (1000, 700, 300)
    page = client_for(people.councillor).get(
        URL,
        {
            "metric": "followers",
            "quarter": "2016Q1",
            "service": waste.pk,
            "compare": "dates",
            "from": "2016-03",
            "to": "2016-03",
        },
    )
    assert page.status_code == 200 and "Followers: March 2016 against March 2016" in page.content.decode()


def test_targets_set_by_comms_audited_and_shown_red_amber_green(
    accounts: SimpleNamespace, record: Callable[..., None], people: SimpleNamespace, client_for: Callable[..., Client]
) -> None:
    record(accounts.x, "followers", {dt.date(2016, 3, 31): 950})
    record(accounts.youtube, "video_views", {dt.date(2016, 2, 1): 100})
    comms = client_for(people.comms)
    assert (
        comms.post(
            URL + "targets/", {"metric": "followers", "platform": "", "value": "1000", "tolerance_percent": "10"}
        ).status_code
        == 302
    )
    assert (
        comms.post(
            URL + "targets/",
            {"metric": "video_views", "platform": "youtube", "value": "1000", "tolerance_percent": "5"},
        ).status_code
        == 302
    )
    bad = comms.post(URL + "targets/", {"metric": "followers", "value": "-3", "tolerance_percent": "200"})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    assert MeasureTarget.objects.count() == 2
    assert AuditEvent.objects.filter(action="measures.target_set").count() == 2
    body = client_for(people.councillor).get(URL, {"quarter": "2016Q1"}).content.decode()
    assert "Participation in the democratic process" in body and "Value for money" in body
    assert ">Amber</strong>" in body  # 950 followers against 1000 within 10%
    youtube = client_for(people.councillor).get(URL, {"quarter": "2016Q1", "platform": "youtube"}).content.decode()
    assert ">Red</strong>" in youtube  # 100 views against 1000
    record(accounts.x, "followers", {dt.date(2016, 3, 31): 1200})
    assert ">Green</strong>" in client_for(people.councillor).get(URL, {"quarter": "2016Q1"}).content.decode()
    target = MeasureTarget.objects.get(metric="followers")
    assert comms.post(URL + "targets/", {"remove": target.pk}).status_code == 302
    assert AuditEvent.objects.filter(action="measures.target_removed").count() == 1


def test_targets_page_refuses_councillors_and_outsiders(
    accounts: SimpleNamespace, people: SimpleNamespace, client_for: Callable[..., Client]
) -> None:
    assert client_for(people.councillor).get(URL + "targets/").status_code == 403
    assert (
        client_for(people.councillor)
        .post(URL + "targets/", {"metric": "followers", "value": "1", "tolerance_percent": "1"})
        .status_code
        == 403
    )
    assert client_for(people.outsider).get(URL + "targets/").status_code == 404
    assert not MeasureTarget.objects.exists()


def test_account_access_section_from_the_register(
    accounts: SimpleNamespace, people: SimpleNamespace, client_for: Callable[..., Client]
) -> None:
    accounts.x.owner = people.comms
    accounts.x.platform_two_factor = True
    accounts.x.digital_access_confirmed_on = dt.date(2026, 1, 5)
    accounts.x.save()
    accounts.x.assignees.add(people.officer)
    body = client_for(people.councillor).get(URL).content.decode()
    assert "Access to the accounts" in body and "5 January 2026" in body and "Not confirmed" in body
    assert str(people.officer) in body and str(people.comms) in body
    assert "Set targets" not in body
