"""Importing a committee table through the page: the rows are shown, then saved only on confirmation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from townsquare.accounts.models import User
from townsquare.audit.models import AuditEvent
from townsquare.councils.models import Council
from townsquare.governance.models import ActionPlan, Recommendation, StrategyPhase

from .conftest import fixture_text


def test_paste_preview_then_confirm(
    riverside: Council, people: SimpleNamespace, client_for: Callable[[User], Client]
) -> None:
    client = client_for(people.comms)
    url = reverse("governance:plan_import", args=["riverside"])
    preview = client.post(url, {"text": fixture_text("003"), "source_body": "Ad Hoc Scrutiny Panel"})
    assert preview.status_code == 200
    assert b"Check the 4 recommendations before saving" in preview.content
    assert b"Head of Marketing and Communications and Head of Democratic Services" in preview.content
    assert not ActionPlan.objects.exists()  # nothing is saved before the person confirms
    # The confirmation carries the same text back (as the page's hidden field does).
    confirmed = client.post(
        url,
        {
            "text": fixture_text("003"),
            "source_body": "Ad Hoc Scrutiny Panel",
            "title": "",
            "meeting_on": "",
            "confirm": "yes",
        },
    )
    plan = ActionPlan.objects.get()
    assert confirmed.status_code == 302 and confirmed["Location"].endswith(f"/actions/{plan.pk}/")
    assert plan.title == "AD HOC SCRUTINY PANEL MEMBERS' COMMUNICATIONS - ACTION PLAN"
    assert plan.meeting_on == dt.date(2021, 9, 7) and plan.source_body == "Ad Hoc Scrutiny Panel"
    assert list(plan.recommendations.values_list("number", "status", "timescale")) == [
        ("1", "complete", "Complete"),
        ("2", "not_started", "January 2022"),
        ("3", "complete", "Complete"),
        ("4", "not_started", "November 2021"),
    ]
    assert AuditEvent.objects.get(action="action_plan.imported").after["recommendations"] == 4


def test_upload_of_a_strategy_timetable(
    riverside: Council, people: SimpleNamespace, client_for: Callable[[User], Client]
) -> None:
    client = client_for(people.comms)
    url = reverse("governance:plan_import", args=["riverside"])
    upload = SimpleUploadedFile("report.txt", fixture_text("001").encode())
    preview = client.post(url, {"file": upload})
    assert b"Check the 5 phases before saving" in preview.content
    client.post(url, {"text": fixture_text("001"), "confirm": "yes"})
    assert list(StrategyPhase.objects.values_list("status", flat=True)) == [
        "complete",
        "complete",
        "in_progress",
        "complete",
        "delayed",
    ]
    page = client_for(people.councillor).get(reverse("governance:strategy", args=["riverside"]))
    assert b"Delayed" in page.content and b"until May 2016" in page.content


def test_bad_paste_shows_a_message_and_saves_nothing(
    riverside: Council, people: SimpleNamespace, client_for: Callable[[User], Client]
) -> None:
    url = reverse("governance:plan_import", args=["riverside"])
    response = client_for(people.comms).post(url, {"text": "hello, world", "confirm": "yes"})
    assert response.status_code == 200 and b"No heading row was found" in response.content
    empty = client_for(people.comms).post(url, {"text": "  "})
    assert b"Paste the table, or choose a file to upload." in empty.content
    assert not ActionPlan.objects.exists() and not Recommendation.objects.exists()


def test_exports_for_the_committee_pack(
    riverside: Council, people: SimpleNamespace, client_for: Callable[[User], Client]
) -> None:
    client = client_for(people.comms)
    client.post(
        reverse("governance:plan_import", args=["riverside"]),
        {"text": fixture_text("000"), "title": "Cabinet response", "meeting_on": "2017-11-01", "confirm": "yes"},
    )
    plan = ActionPlan.objects.get()
    url = reverse("governance:plan", args=["riverside", plan.pk])
    reader = client_for(people.councillor)
    csv_body = reader.get(url + "?format=csv").content.decode()
    assert csv_body.splitlines()[0].startswith("No.,Recommendation,Decision,Proposed action,Post title,Budget cost")
    assert "Agreed (Cabinet)" in csv_body and "within the next six months" in csv_body
    pdf = reader.get(url + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    printable = reader.get(url + "?format=print")
    assert b"24th January 2018" in printable.content and b"Download for the committee pack" not in printable.content


def test_progress_update_changes_status(
    riverside: Council, people: SimpleNamespace, client_for: Callable[[User], Client]
) -> None:
    plan = ActionPlan.objects.create(council=riverside, title="Plan")
    rec = Recommendation.objects.create(plan=plan, number="2", text="Training for Members")
    url = reverse("governance:recommendation_progress", args=["riverside", plan.pk, rec.pk])
    client = client_for(people.comms)
    missing = client.post(url, {"on": "2021-06-01", "text": "Session poorly attended", "status": "delayed"})
    assert b"Give the date it is delayed until." in missing.content
    client.post(
        url, {"on": "2021-06-01", "text": "Session poorly attended", "status": "delayed", "delayed_until": "2022-01-31"}
    )
    rec.refresh_from_db()
    assert (rec.status, rec.delayed_until, rec.updates.get().text) == (
        "delayed",
        dt.date(2022, 1, 31),
        "Session poorly attended",
    )
