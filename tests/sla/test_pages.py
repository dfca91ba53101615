"""The urgent queue, overdue items, on-call rota, service levels and working hours pages: who may see and
change what (other council: 404; role too low: 403), a service officer limited to their accounts, bad
input explained with nothing changed, and clocks shown on the inbox and item pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.inbox.following import stored_and_followed
from townsquare.audit.models import AuditEvent
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.service_level_models import ItemTarget, OnCallShift, ServiceTarget, TargetMiss
from townsquare.inbox.working_time_models import ClosureDay, WorkingPeriod

BASE = "/c/riverside/inbox/"
THREAT = "I am going to kill the bin man, I know where he lives"


@pytest.fixture
def worked(accounts, inbound, people, targets):
    """Urgent and overdue items on the officer's account (toot) and on one they do not look after (x)."""
    accounts.toot.assignees.add(people.officer)
    stored_and_followed(channel=accounts.toot, items=[inbound("t1", THREAT), inbound("t2", "Bins not collected")])
    stored_and_followed(channel=accounts.x, items=[inbound("x1", THREAT + " on X"), inbound("x2", "Pothole")])
    long_ago = timezone.now() - dt.timedelta(days=30)
    ItemTarget.objects.filter(item__external_id__in=["t2", "x2"], kind="first_response").update(due_at=long_ago)
    return {i.external_id: i for i in ReceivedItem.objects.all()}


PAGES = [
    ("get", "urgent/", "officer"),
    ("get", "overdue/", "officer"),
    ("get", "on-call/", "officer"),
    ("get", "service-levels/", "comms"),
    ("get", "working-hours/", "comms"),
]


@pytest.mark.parametrize(("method", "path", "allowed"), PAGES)
def test_pages_open_to_their_roles_only(worked, people, client_for, method, path, allowed) -> None:
    assert client_for(getattr(people, allowed)).get(BASE + path).status_code == 200
    assert client_for(people.admin).get(BASE + path).status_code == 200
    assert client_for(people.outsider).get(BASE + path).status_code == 404
    assert client_for(people.councillor).get(BASE + path).status_code == 403
    if allowed == "comms":
        assert client_for(people.officer).get(BASE + path).status_code == 403


def test_a_service_officer_sees_only_their_accounts(worked, people, client_for) -> None:
    client = client_for(people.officer)
    body = client.get(BASE + "urgent/").content.decode()
    assert f"{BASE}{worked['t1'].pk}/" in body and f"{BASE}{worked['x1'].pk}/" not in body
    body = client.get(BASE + "overdue/").content.decode()
    assert f"{BASE}{worked['t2'].pk}/" in body and f"{BASE}{worked['x2'].pk}/" not in body
    assert "overdue by" in body
    home = client.get("/c/riverside/").content.decode()
    assert "urgent inbox items" in home
    comms_home = client_for(people.comms).get("/c/riverside/").content.decode()
    figures = [(body, n) for body, n in ((home, "1"), (comms_home, "2"))]
    for page, count in figures:
        assert f'<span class="ts-card__figure">{count}</span><span class="ts-card__label">urgent inbox items' in page
        assert f'<span class="ts-card__figure">{count}</span><span class="ts-card__label">inbox items past' in page
    assert "urgent inbox items" not in client_for(people.councillor).get("/c/riverside/").content.decode()


def test_the_inbox_and_item_pages_show_the_clocks_and_the_urgent_banner(worked, people, client_for) -> None:
    client = client_for(people.comms)
    body = client.get(BASE).content.decode()
    assert "2 urgent items not yet resolved" in body and "First response overdue by" in body
    assert "Resolution due in" in body
    body = client.get(f"{BASE}{worked['t2'].pk}/").content.decode()
    assert "Service levels" in body and "First response overdue by" in body
    # A service officer's inbox counts only their own account's urgent item, and their item pages work.
    officer = client_for(people.officer)
    assert "1 urgent item not yet resolved" in officer.get(BASE).content.decode()
    assert "First response overdue by" in officer.get(f"{BASE}{worked['t2'].pk}/").content.decode()
    assert officer.get(f"{BASE}{worked['x2'].pk}/").status_code == 404


def test_the_inbox_list_counts_flagged_items_and_unread_notices_of_each_person_only(worked, people, client_for) -> None:
    """The list's figures (read together in one statement) follow the person: their accounts' flagged items,
    their own unread notifications; other pages still count the notifications themselves."""
    from townsquare.notifications.models import Notification

    ReceivedItem.objects.filter(external_id__in=["t1", "x1", "x2"]).update(needs_attention=True)
    Notification.objects.filter(user__in=[people.comms, people.officer]).delete()
    Notification.objects.create(user=people.officer, message="One")
    Notification.objects.create(user=people.officer, message="Two")
    Notification.objects.create(user=people.officer, message="Read", read_at=timezone.now())
    comms = client_for(people.comms).get(BASE).content.decode()
    assert "3 need attention" in comms and '<span class="ts-count">' not in comms
    officer = client_for(people.officer)
    body = officer.get(BASE).content.decode()
    assert "1 needs attention" in body and "1 urgent item not yet resolved" in body and "1 overdue" in body
    assert '<span class="ts-count">2<span class="govuk-visually-hidden"> unread' in body
    elsewhere = officer.get("/c/riverside/").content.decode()
    assert '<span class="ts-count">2<span class="govuk-visually-hidden"> unread' in elsewhere


def test_a_backlog_is_counted_up_to_the_cap(worked, people, client_for, monkeypatch) -> None:
    """Past the cap, the banner says "or more" instead of counting the whole backlog on every page."""
    from townsquare.inbox import page_reads
    from townsquare.inbox.templatetags import inbox_sla

    monkeypatch.setattr(page_reads, "COUNT_CAP", 1)
    monkeypatch.setattr(inbox_sla, "COUNT_CAP", 1)
    body = client_for(people.comms).get(BASE).content.decode()
    assert "1 or more urgent items not yet resolved" in body and "1 or more overdue" in body
    monkeypatch.setattr(page_reads, "COUNT_CAP", 3)
    monkeypatch.setattr(inbox_sla, "COUNT_CAP", 3)
    body = client_for(people.comms).get(BASE).content.decode()
    assert "2 urgent items not yet resolved" in body and "2 overdue</strong>" in body


def test_clocks_are_read_for_the_council_asked_only(worked, hillcrest) -> None:
    from townsquare.inbox.service_levels import clocks_for_items

    ids = [i.pk for i in worked.values()]
    riverside = worked["t2"].council
    assert set(clocks_for_items(riverside, ids)) == set(ids)
    assert clocks_for_items(hillcrest, ids) == {}
    running = clocks_for_items(riverside, ids, running_only=True)
    assert all(c.text not in ("met", "missed") for views in running.values() for c in views)


def test_the_clocks_follow_the_councils_working_hours_read_with_them(worked) -> None:
    """The list's clocks read the council's working hours in their own statement: a change shows at once."""
    from townsquare.inbox.service_levels import clocks_for_items

    riverside, ids = worked["t2"].council, [i.pk for i in worked.values()]
    now = timezone.now()

    def texts() -> list[str]:
        return [c.text for views in clocks_for_items(riverside, ids, now=now).values() for c in views]

    before = texts()
    WorkingPeriod.objects.create(council=riverside, weekday=now.weekday(), starts=dt.time(0, 0), ends=dt.time(0, 1))
    assert texts() != before  # one working minute a week: every open clock reads otherwise


def test_working_hours_are_saved_and_audited(riverside, people, client_for) -> None:
    client = client_for(people.comms)
    days = {f"day{n}": "08:30-12:00, 13:00-16:30" for n in range(5)}
    response = client.post(
        BASE + "working-hours/",
        {"action": "hours", "timezone": "Europe/London", "nation": "scotland", **days, "day5": "", "day6": ""},
    )
    assert response.status_code == 302
    assert WorkingPeriod.objects.filter(council=riverside).count() == 10
    assert AuditEvent.objects.filter(action="inbox.working_time_changed").exists()
    body = client.get(BASE + "working-hours/").content.decode()
    assert "08:30-12:00, 13:00-16:30" in body and "Saint Andrew" in body


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"day0": "9-5"}, "write the hours like"),
        ({"day0": "17:00-09:00"}, "must end after it starts"),
        ({"day0": "09:00-13:00, 12:00-17:00"}, "the periods overlap"),
        ({"day0": "25:00-26:00"}, "not a time of day"),
        ({"timezone": "Mars/Olympus"}, "Europe/London"),
        ({"day0": ""}, "at least one day"),
    ],
)
def test_bad_working_hours_are_explained_and_nothing_changes(riverside, people, client_for, fields, message) -> None:
    data = {"action": "hours", "timezone": "Europe/London", "nation": "england", "day0": "09:00-17:00", **fields}
    response = client_for(people.comms).post(BASE + "working-hours/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not WorkingPeriod.objects.exists() and not AuditEvent.objects.filter(action__startswith="inbox.").exists()


def test_closure_days_are_added_refused_and_removed(riverside, hillcrest, people, client_for) -> None:
    client = client_for(people.comms)
    assert (
        client.post(BASE + "working-hours/", {"action": "closure", "day": "2026-12-24", "reason": "Closed"}).status_code
        == 302
    )
    again = client.post(BASE + "working-hours/", {"action": "closure", "day": "2026-12-24"})
    assert again.status_code == 400 and "already a closure day" in again.content.decode()
    bad = client.post(BASE + "working-hours/", {"action": "closure", "day": "24/12/2026"})
    assert bad.status_code == 400 and "year-month-day" in bad.content.decode()
    closure = ClosureDay.objects.get()
    other = ClosureDay.objects.create(council=hillcrest, day=dt.date(2026, 12, 24))
    assert client.post(f"{BASE}working-hours/closures/{other.pk}/remove/").status_code == 404
    assert client_for(people.officer).post(f"{BASE}working-hours/closures/{closure.pk}/remove/").status_code == 403
    assert client.post(f"{BASE}working-hours/closures/{closure.pk}/remove/").status_code == 302
    assert list(ClosureDay.objects.all()) == [other]
    assert AuditEvent.objects.filter(action="inbox.closure_day_removed").exists()


def test_targets_are_added_refused_and_removed(riverside, hillcrest, accounts, people, client_for) -> None:
    client = client_for(people.comms)
    response = client.post(
        BASE + "service-levels/",
        {
            "kind": "first_response",
            "hours": "1.5",
            "warn_hours": "0.5",
            "channel": accounts.toot.pk,
            "category": "complaint",
        },
    )
    assert response.status_code == 302
    target = ServiceTarget.objects.get()
    assert (target.minutes, target.warn_minutes, target.channel, target.category) == (
        90,
        30,
        accounts.toot,
        "complaint",
    )
    for data, message in [
        ({"kind": "first_response", "hours": "soon"}, "in hours, like 2"),
        ({"kind": "first_response", "hours": "-1"}, "between 0 and"),
        (
            {"kind": "first_response", "hours": "1.5", "channel": accounts.toot.pk, "category": "complaint"},
            "already such a target",
        ),
        ({"kind": "first_response", "hours": "2", "channel": accounts.other.pk}, "Select a valid choice"),
    ]:
        page = client.post(BASE + "service-levels/", {"warn_hours": "1", **data})
        assert page.status_code == 400 and message in page.content.decode()
    assert ServiceTarget.objects.count() == 1
    other = ServiceTarget.objects.create(council=hillcrest, kind="resolution", minutes=60)
    assert client.post(f"{BASE}service-levels/{other.pk}/remove/").status_code == 404
    assert client_for(people.officer).post(f"{BASE}service-levels/{target.pk}/remove/").status_code == 403
    assert client.post(f"{BASE}service-levels/{target.pk}/remove/").status_code == 302
    assert list(ServiceTarget.objects.all()) == [other]


def test_the_rota_page(riverside, hillcrest, people, client_for) -> None:
    client = client_for(people.comms)
    data = {"person": people.officer.pk, "starts": "2030-01-06 17:00", "ends": "2030-01-07 09:00"}
    assert client_for(people.officer).post(BASE + "on-call/", data).status_code == 403
    assert client.post(BASE + "on-call/", data).status_code == 302
    shift = OnCallShift.objects.get()
    assert shift.starts_at == dt.datetime(2030, 1, 6, 17, tzinfo=dt.UTC)  # London in winter is UTC
    bad = client.post(BASE + "on-call/", {**data, "starts": "tomorrow"})
    assert bad.status_code == 400 and "like 2026-12-24 17:00" in bad.content.decode()
    outsider = client.post(BASE + "on-call/", {**data, "person": people.outsider.pk})
    assert outsider.status_code == 400 and OnCallShift.objects.count() == 1
    assert "Officer Person" in client_for(people.officer).get(BASE + "on-call/").content.decode()
    other = OnCallShift.objects.create(
        council=hillcrest, person=people.outsider, starts_at=shift.starts_at, ends_at=shift.ends_at
    )
    assert client.post(f"{BASE}on-call/{other.pk}/remove/").status_code == 404
    assert client_for(people.officer).post(f"{BASE}on-call/{shift.pk}/remove/").status_code == 403
    assert client.post(f"{BASE}on-call/{shift.pk}/remove/").status_code == 302
    assert list(OnCallShift.objects.all()) == [other]


def test_missed_targets_list_with_and_without_an_officer(worked, people, client_for) -> None:
    """A miss nobody was assigned to reads "No one" (the page used to fail on it); a miss of a person's, their name."""
    targets = list(ItemTarget.objects.filter(item__external_id__in=["t2", "x2"], kind="first_response"))
    for target, assignee in zip(targets, [None, people.officer], strict=True):
        TargetMiss.objects.create(
            item_target=target,
            item=target.item,
            council=target.item.council,
            kind=target.kind,
            due_at=target.due_at,
            missed_at=timezone.now(),
            assignee=assignee,
        )
    page = client_for(people.comms).get(BASE + "service-levels/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "No one" in body and people.officer.full_name in body
