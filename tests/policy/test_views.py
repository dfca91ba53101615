"""Policy pages: who may see and change what, and that changes are saved and audited."""

import pytest

from townsquare.audit.models import AuditEvent
from townsquare.policy.models import Election, EmergencyOverride, RuleSetting, WordList

VIEW_PAGES = ["/c/riverside/policy/", "/c/riverside/policy/elections/", "/c/riverside/policy/try/"]
MANAGE_PAGES = [
    "/c/riverside/policy/rules/CC-05/",
    "/c/riverside/policy/elections/new/",
    "/c/riverside/policy/overrides/",
]


@pytest.mark.parametrize("url", VIEW_PAGES + MANAGE_PAGES)
def test_outsider_gets_404(client_for, people, url) -> None:
    assert client_for(people.outsider).get(url).status_code == 404


@pytest.mark.parametrize("url", VIEW_PAGES + MANAGE_PAGES)
def test_signed_out_sent_to_sign_in(client, riverside, url) -> None:
    response = client.get(url)
    assert response.status_code == 302 and "sign-in" in response["Location"]


@pytest.mark.parametrize("role", ["admin", "comms", "officer", "councillor", "auditor"])
@pytest.mark.parametrize("url", VIEW_PAGES)
def test_every_role_can_view(client_for, people, role, url) -> None:
    assert client_for(getattr(people, role)).get(url).status_code == 200


@pytest.mark.parametrize("role", ["officer", "councillor", "auditor"])
@pytest.mark.parametrize("url", MANAGE_PAGES)
def test_low_roles_forbidden_from_managing(client_for, people, role, url) -> None:
    client = client_for(getattr(people, role))
    assert client.get(url).status_code == 403
    assert client.post(url, {"enabled": "on", "severity": "info"}).status_code == 403


@pytest.mark.parametrize("role", ["admin", "comms"])
@pytest.mark.parametrize("url", MANAGE_PAGES)
def test_managers_can_open_management_pages(client_for, people, role, url) -> None:
    assert client_for(getattr(people, role)).get(url).status_code == 200


def test_nav_link_shown(client_for, people) -> None:
    page = client_for(people.officer).get("/c/riverside/policy/try/").content.decode()
    assert 'aria-current="page">Policy checks</a>' in page


def test_rules_list_shows_rules_and_links_for_managers_only(client_for, people) -> None:
    page = client_for(people.comms).get("/c/riverside/policy/").content.decode()
    assert "PUB-04" in page and "/c/riverside/policy/rules/PUB-04/" in page
    page = client_for(people.officer).get("/c/riverside/policy/").content.decode()
    assert "PUB-04" in page and "/c/riverside/policy/rules/PUB-04/" not in page


def test_comms_changes_rule_and_words(client_for, people, riverside) -> None:
    response = client_for(people.comms).post(
        "/c/riverside/policy/rules/CC-05/", {"severity": "block", "list_profanity": "crap\nblimey"}
    )
    assert response.status_code == 302
    setting = RuleSetting.objects.get(council=riverside, rule="CC-05")
    assert (setting.enabled, setting.severity) == (False, "block")
    assert WordList.objects.get(council=riverside, kind="profanity").words == "crap\nblimey"
    assert set(AuditEvent.objects.filter(actor=people.comms).values_list("action", flat=True)) == {
        "policy.rule_changed",
        "policy.word_list_changed",
    }


def test_bad_severity_changes_nothing(client_for, people, riverside) -> None:
    response = client_for(people.admin).post("/c/riverside/policy/rules/CC-05/", {"severity": "panic"})
    assert response.status_code == 200 and b"govuk-error-summary" in response.content
    assert not RuleSetting.objects.exists() and not AuditEvent.objects.filter(action__startswith="policy.").exists()


def test_unknown_rule_404(client_for, people) -> None:
    assert client_for(people.comms).get("/c/riverside/policy/rules/NOPE-9/").status_code == 404


def test_record_and_remove_election(client_for, people, riverside) -> None:
    client = client_for(people.comms)
    response = client.post(
        "/c/riverside/policy/elections/new/",
        {
            "title": "Locals 2026",
            "election_type": "local",
            "notice_date": "2026-03-23",
            "poll_date": "2026-05-07",
            "area": "Whole district",
            "wards": "",
            "candidates": "Priya Shah, @PriyaForRiverside",
        },
    )
    assert response.status_code == 302
    election = Election.objects.get(council=riverside)
    assert "Priya Shah" in client.get("/c/riverside/policy/elections/").content.decode()
    assert client_for(people.officer).post(f"/c/riverside/policy/elections/{election.pk}/remove/").status_code == 403
    assert client_for(people.outsider).post(f"/c/riverside/policy/elections/{election.pk}/remove/").status_code == 404
    assert client.post(f"/c/riverside/policy/elections/{election.pk}/remove/").status_code == 302
    assert not Election.objects.exists()


def test_election_with_poll_before_notice_refused(client_for, people) -> None:
    response = client_for(people.comms).post(
        "/c/riverside/policy/elections/new/",
        {"title": "Bad", "election_type": "local", "notice_date": "2026-05-07", "poll_date": "2026-03-23"},
    )
    assert response.status_code == 200 and b"Polling day must be on or after" in response.content
    assert not Election.objects.exists()


def test_other_councils_election_not_editable(client_for, people, hillcrest) -> None:
    import datetime as dt

    other = Election.objects.create(
        council=hillcrest, title="Hill", notice_date=dt.date(2026, 1, 1), poll_date=dt.date(2026, 2, 1)
    )
    assert client_for(people.comms).get(f"/c/riverside/policy/elections/{other.pk}/").status_code == 404


def test_override_recorded_with_reason(client_for, people, riverside) -> None:
    client = client_for(people.comms)
    response = client.post("/c/riverside/policy/overrides/", {"draft_ref": "publishing.post:3", "reason": "  "})
    assert response.status_code == 200 and not EmergencyOverride.objects.exists()
    response = client.post(
        "/c/riverside/policy/overrides/", {"draft_ref": "publishing.post:3", "reason": "Flood warning"}
    )
    assert response.status_code == 302
    assert EmergencyOverride.objects.get().actor == people.comms
    assert AuditEvent.objects.filter(action="policy.override_recorded", actor=people.comms).exists()


def test_try_a_draft_highlights_findings(client_for, people) -> None:
    response = client_for(people.officer).post(
        "/c/riverside/policy/try/",
        {"text": "Christmas days change <b>now</b> #binday", "alt_texts": "-", "platforms": ["x"]},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert '<mark class="ts-finding ts-finding--warn">#binday<sup>' in page
    assert "#BinDay" in page and "AX-01" in page
    assert "&lt;b&gt;now&lt;/b&gt;" in page  # the draft is escaped, never rendered as HTML


def test_try_partial_for_live_checking(client_for, people) -> None:
    client = client_for(people.councillor)
    response = client.post("/c/riverside/policy/try/check/", {"text": "Call 07700 900123"})
    assert response.status_code == 200
    assert b"This draft cannot be approved" in response.content and b"<html" not in response.content
    assert client_for(people.outsider).post("/c/riverside/policy/try/check/", {"text": "x"}).status_code == 404
