"""The quarterly report to Members from draft to publication: who may take each step, the audit
trail, Members notified, and a published report that never changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

from django.test import Client

from townsquare.audit.models import AuditEvent
from townsquare.measures.models import MembersReport, ReviewComment
from townsquare.notifications.models import Notification

URL = "/c/riverside/measures/reports/"


def test_draft_review_sign_off_publish_and_never_change(
    accounts: SimpleNamespace, record: Callable[..., None], people: SimpleNamespace, client_for: Callable[..., Client]
) -> None:
    record(accounts.x, "followers", {dt.date(2015, 3, 31): 5000, dt.date(2016, 3, 31): 6900})
    comms, councillor = client_for(people.comms), client_for(people.councillor)
    started = comms.post(URL, {"quarter": "2016Q1", "year": "calendar"})
    report = MembersReport.objects.get()
    assert started.status_code == 302 and report.state == "draft"
    assert comms.post(URL, {"quarter": "2016Q1", "year": "calendar"}).status_code == 400  # one per quarter
    page = URL + f"{report.pk}/"
    assert councillor.get(page).status_code == 403  # a draft is the team's until it goes for review
    assert "X followers increased 38% between March 2015 and March 2016" in comms.get(page).content.decode()
    comms.post(page, {"action": "commentary", "commentary": "Followers grew after the flood updates."})
    assert comms.post(page, {"action": "review"}).status_code == 302
    assert Notification.objects.filter(user=people.councillor, kind="measures_report").count() == 1
    assert councillor.post(page, {"action": "comment", "body": "Please add the YouTube figures."}).status_code == 302
    assert councillor.post(page, {"action": "sign_off"}).status_code == 403
    assert ReviewComment.objects.get().body == "Please add the YouTube figures."
    assert "Please add the YouTube figures." in councillor.get(page).content.decode()
    assert comms.post(page, {"action": "publish"}).status_code == 400  # not signed off yet
    assert comms.post(page, {"action": "sign_off"}).status_code == 302
    assert comms.post(page, {"action": "publish"}).status_code == 302
    report.refresh_from_db()
    assert report.state == "published" and bytes(report.pdf).startswith(b"%PDF")
    assert "Followers grew after the flood updates." in report.html
    assert Notification.objects.filter(user=people.councillor, kind="measures_report").count() == 2
    actions = set(AuditEvent.objects.filter(action__startswith="measures.report_").values_list("action", flat=True))
    assert actions == {
        "measures.report_started",
        "measures.report_commentary",
        "measures.report_sent_for_review",
        "measures.report_commented",
        "measures.report_signed_off",
        "measures.report_published",
    }
    stored_html, stored_csv = report.html, report.csv
    record(accounts.x, "followers", {dt.date(2016, 3, 31): 9999})  # figures corrected after publication
    assert councillor.get(page + "report.html").content.decode() == stored_html
    assert councillor.get(page + "report.csv").content.decode() == stored_csv
    pdf = councillor.get(page + "report.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content == bytes(report.pdf)
    refused = comms.post(page, {"action": "commentary", "commentary": "changed"})
    assert refused.status_code == 400 and "published to members" in refused.content.decode().lower()
    report.refresh_from_db()
    assert report.commentary == "Followers grew after the flood updates."


def test_draft_downloads_follow_the_figures(
    accounts: SimpleNamespace, record: Callable[..., None], people: SimpleNamespace, client_for: Callable[..., Client]
) -> None:
    record(accounts.x, "followers", {dt.date(2016, 3, 31): 6900})
    comms = client_for(people.comms)
    comms.post(URL, {"quarter": "2016Q1", "year": "financial"})
    report = MembersReport.objects.get()
    assert report.financial and report.quarter.label == "Quarter 1 2016/17"
    csv = comms.get(URL + f"{report.pk}/report.csv")
    assert csv.status_code == 200 and "riverside-2016Q1-financial.csv" in csv["Content-Disposition"]
    assert "Draft: not yet published." in comms.get(URL + f"{report.pk}/report.html").content.decode()
    assert comms.get(URL + f"{report.pk}/report.exe").status_code == 404


def test_outsiders_and_low_roles_are_refused(
    accounts: SimpleNamespace, people: SimpleNamespace, client_for: Callable[..., Client]
) -> None:
    report = MembersReport.objects.create(council=accounts.x.council, year=2016, number=1, state="in_review")
    page = URL + f"{report.pk}/"
    for path in (URL, page, page + "report.pdf", page + "report.csv"):
        assert client_for(people.outsider).get(path).status_code == 404
        assert client_for(people.officer).get(path).status_code == 403
    assert client_for(people.outsider).post(page, {"action": "comment", "body": "x"}).status_code == 404
    assert client_for(people.councillor).post(URL, {"quarter": "2017Q1"}).status_code == 403
    assert client_for(people.councillor).post(page, {"action": "review"}).status_code == 403
    assert not ReviewComment.objects.exists() and MembersReport.objects.count() == 1
    blank = client_for(people.councillor).post(page, {"action": "comment", "body": "  "})
    assert blank.status_code == 400 and "Write a comment" in blank.content.decode()
