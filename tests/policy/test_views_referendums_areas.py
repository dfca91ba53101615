"""Referendum and channel-area pages, and the area on the elections pages: who may see and change
what, and that changes are saved and audited."""

import datetime as dt

import pytest

from townsquare.audit.models import AuditEvent
from townsquare.channels.models import Channel
from townsquare.policy.models import ChannelArea, Referendum
from townsquare.policy.services import election_save, referendum_save

VIEW_PAGES = ["/c/riverside/policy/referendums/", "/c/riverside/policy/areas/"]
MANAGE_PAGES = ["/c/riverside/policy/referendums/new/"]


@pytest.fixture
def mill_page(riverside):
    return Channel.objects.create(council=riverside, platform="facebook", name="Mill Community", handle="MillCommunity")


@pytest.fixture
def referendum(riverside):
    return referendum_save(
        actor=None,
        council=riverside,
        data={
            "question": "Should Riverside have a directly elected mayor?",
            "poll_date": dt.date(2026, 10, 1),
            "area": "",
            "wards": "",
        },
    )


@pytest.mark.parametrize("url", VIEW_PAGES + MANAGE_PAGES)
def test_outsider_gets_404(client_for, people, url) -> None:
    assert client_for(people.outsider).get(url).status_code == 404


@pytest.mark.parametrize("role", ["admin", "comms", "officer", "councillor", "auditor"])
@pytest.mark.parametrize("url", VIEW_PAGES)
def test_every_role_can_view(client_for, people, role, url) -> None:
    assert client_for(getattr(people, role)).get(url).status_code == 200


@pytest.mark.parametrize("role", ["officer", "councillor", "auditor"])
def test_low_roles_cannot_change(client_for, people, role, referendum, mill_page) -> None:
    client = client_for(getattr(people, role))
    for url in [
        "/c/riverside/policy/referendums/new/",
        f"/c/riverside/policy/referendums/{referendum.pk}/",
        f"/c/riverside/policy/areas/{mill_page.pk}/",
    ]:
        assert client.get(url).status_code == 403
        assert client.post(url, {"question": "x", "poll_date": "2026-10-01", "wards": "Mill"}).status_code == 403
    assert client.post(f"/c/riverside/policy/referendums/{referendum.pk}/remove/").status_code == 403
    assert Referendum.objects.count() == 1 and not ChannelArea.objects.exists()
    page = client.get("/c/riverside/policy/areas/").content.decode()
    assert f"/c/riverside/policy/areas/{mill_page.pk}/" not in page


def test_outsider_cannot_touch_records(client_for, people, referendum, mill_page) -> None:
    client = client_for(people.outsider)
    assert client.get(f"/c/riverside/policy/referendums/{referendum.pk}/").status_code == 404
    assert client.post(f"/c/riverside/policy/referendums/{referendum.pk}/remove/").status_code == 404
    assert client.post(f"/c/riverside/policy/areas/{mill_page.pk}/", {"wards": "Mill"}).status_code == 404
    assert Referendum.objects.exists() and not ChannelArea.objects.exists()


def test_comms_records_changes_and_removes_a_referendum(client_for, people, riverside) -> None:
    client = client_for(people.comms)
    response = client.post(
        "/c/riverside/policy/referendums/new/",
        {
            "question": "Should Riverside have a directly elected mayor?",
            "poll_date": "2026-10-01",
            "area": "",
            "wards": "",
        },
    )
    assert response.status_code == 302
    referendum = Referendum.objects.get(council=riverside)
    page = client.get("/c/riverside/policy/referendums/").content.decode()
    assert "Should Riverside have a directly elected mayor?" in page and "From 4 September 2026" in page
    assert "No words about the question" in page
    assert client.post(f"/c/riverside/policy/referendums/{referendum.pk}/remove/").status_code == 302
    assert not Referendum.objects.exists()
    assert set(AuditEvent.objects.filter(actor=people.comms).values_list("action", flat=True)) == {
        "policy.referendum_recorded",
        "policy.referendum_removed",
    }


def test_bad_referendum_changes_nothing(client_for, people) -> None:
    response = client_for(people.admin).post(
        "/c/riverside/policy/referendums/new/", {"question": "   ", "poll_date": "the first of October"}
    )
    assert response.status_code == 200 and b"govuk-error-summary" in response.content
    assert b"Write the referendum question." in response.content
    assert not Referendum.objects.exists() and not AuditEvent.objects.filter(action__startswith="policy.").exists()


def test_other_councils_referendum_not_editable(client_for, people, hillcrest) -> None:
    other = Referendum.objects.create(council=hillcrest, question="Hill?", poll_date=dt.date(2026, 10, 1))
    assert client_for(people.comms).get(f"/c/riverside/policy/referendums/{other.pk}/").status_code == 404


def test_comms_records_the_wards_a_channel_serves(client_for, people, riverside, mill_page, hillcrest) -> None:
    client = client_for(people.comms)
    assert client.post(f"/c/riverside/policy/areas/{mill_page.pk}/", {"wards": "Mill\nWeir Street"}).status_code == 302
    assert ChannelArea.objects.get(channel=mill_page).ward_list == ["Mill", "Weir Street"]
    assert "Mill, Weir Street" in client.get("/c/riverside/policy/areas/").content.decode()
    assert AuditEvent.objects.filter(action="policy.channel_area_changed", actor=people.comms).exists()
    response = client.post(f"/c/riverside/policy/areas/{mill_page.pk}/", {"wards": "M" * 201})
    assert response.status_code == 200 and b"200 characters or fewer" in response.content
    assert ChannelArea.objects.get(channel=mill_page).ward_list == ["Mill", "Weir Street"]
    other = Channel.objects.create(council=hillcrest, platform="x", name="Hill", handle="@hill")
    assert client.get(f"/c/riverside/policy/areas/{other.pk}/").status_code == 404


def test_elections_page_shows_area_and_what_it_covers(client_for, people, riverside) -> None:
    election_save(
        actor=None,
        council=riverside,
        data={
            "title": "Mill ward by-election",
            "election_type": "by_election",
            "notice_date": dt.date(2026, 3, 30),
            "poll_date": dt.date(2026, 5, 7),
            "area": "Mill ward",
            "wards": "Mill",
            "candidates": "",
        },
    )
    page = client_for(people.officer).get("/c/riverside/policy/elections/").content.decode()
    assert "Mill ward" in page and "Posts about its area" in page
    form = client_for(people.comms).get("/c/riverside/policy/elections/new/").content.decode()
    assert 'name="area"' in form and "covers only posts about its" in form


def test_running_periods_shown_with_their_scope(client_for, people, riverside) -> None:
    from unittest import mock

    election_save(
        actor=None,
        council=riverside,
        data={
            "title": "Mill ward by-election",
            "election_type": "by_election",
            "notice_date": dt.date(2026, 3, 30),
            "poll_date": dt.date(2026, 5, 7),
            "area": "Mill ward",
            "wards": "Mill",
            "candidates": "",
        },
    )
    referendum_save(
        actor=None,
        council=riverside,
        data={"question": "Should Riverside have a mayor?", "poll_date": dt.date(2026, 5, 7), "area": "", "wards": ""},
    )
    with mock.patch(
        "townsquare.policy.services.timezone.now", return_value=dt.datetime(2026, 4, 20, 9, 0, tzinfo=dt.UTC)
    ):
        page = client_for(people.officer).get("/c/riverside/policy/").content.decode()
    assert "The pre-election period for Mill ward by-election" in page
    assert "It covers posts about Mill, Mill ward" in page
    assert "The referendum period for “Should Riverside have a mayor?”" in page and "7 May 2026" in page
