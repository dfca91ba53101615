"""The inbox list's choices kept under the council's choices version: any change to the people, teams or
listening queries shows on the next page, and only the accounts the person may see are offered."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.auth.models import update_last_login
from django.core.cache import cache

from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.councils.models import Membership, Service
from townsquare.councils.services import membership_grant, membership_revoke
from townsquare.inbox import choices
from townsquare.inbox.services import inbound_store
from townsquare.listening.services import listening_query_save

URL = "/c/riverside/inbox/"


def _options(client, name: str) -> str:
    """The ``<option>`` elements of the select ``name`` on the list page."""
    body = client.get(URL).content.decode()
    start = body.index(f'name="{name}">')
    return body[start : body.index("</select>", start)]


@pytest.fixture
def comms(people, client_for):
    return client_for(people.comms)


def test_the_choices_are_printed_once_while_the_version_stands(riverside, people, services, comms) -> None:
    cache.clear()
    with mock.patch.object(choices, "_printed", wraps=choices._printed) as printed:
        assert comms.get(URL).status_code == comms.get(URL).status_code == 200
        assert printed.call_count == 1
        Service.objects.create(council=riverside, name="Parks")
        assert "Parks" in _options(comms, "service")
        assert printed.call_count == 2


def test_a_new_or_renamed_team_shows_at_once_and_a_removed_one_goes(riverside, services, comms) -> None:
    assert "Housing" in _options(comms, "service")
    parks = Service.objects.create(council=riverside, name="Parks")
    assert f'<option value="{parks.pk}">Parks</option>' in _options(comms, "service")
    assert f'value="service:{parks.pk}">Team: Parks<' in _options(comms, "assignee")
    assert (
        f'value="roundrobin:{parks.pk}">Team: Parks: next in turn<' in choices.council_choices(riverside)["bulk_assign"]
    )
    parks.name = "Parks and Open Spaces"
    parks.save()
    assert "Parks and Open Spaces" in _options(comms, "service")
    parks.delete()
    assert "Parks" not in _options(comms, "service") and "Parks" not in _options(comms, "assignee")


def test_a_person_given_a_role_or_renamed_shows_at_once_and_one_whose_role_goes_does_not(
    riverside, hillcrest, people, comms
) -> None:
    newcomer = User.objects.create_user("newcomer@riverside.example", "x" * 20, full_name="Nia Newcomer")
    assert "Nia Newcomer" not in _options(comms, "assignee")
    membership_grant(actor=None, council=riverside, user=newcomer, role="officer")
    assert f'<option value="{newcomer.pk}">Nia Newcomer</option>' in _options(comms, "assignee")
    assert f'value="person:{newcomer.pk}">Nia Newcomer<' in choices.council_choices(riverside)["bulk_assign"]
    newcomer.full_name = "Nia Jones"
    newcomer.save()
    assert "Nia Jones" in _options(comms, "assignee") and "Nia Newcomer" not in _options(comms, "assignee")
    membership_revoke(actor=None, membership=Membership.objects.get(user=newcomer, council=riverside))
    assert "Nia Jones" not in _options(comms, "assignee")
    # A role at another council changes nothing here; a councillor does not work the inbox.
    membership_grant(actor=None, council=hillcrest, user=newcomer, role="officer")
    membership_grant(actor=None, council=riverside, user=newcomer, role="councillor")
    assert "Nia Jones" not in _options(comms, "assignee")


def test_signing_in_leaves_the_version_alone(riverside, people) -> None:
    before = choices.stamp_of(riverside.pk)
    update_last_login(None, people.officer)  # as every sign-in does
    assert choices.stamp_of(riverside.pk) == before
    people.officer.full_name = "Olu Officer"
    people.officer.save()
    assert choices.stamp_of(riverside.pk) != before


def test_a_new_listening_query_shows_at_once(riverside, people, comms) -> None:
    assert "Bins talk" not in _options(comms, "listening")
    made = listening_query_save(actor=people.comms, council=riverside, name="Bins talk", text="bins")
    assert f'<option value="{made.pk}">Bins talk</option>' in _options(comms, "listening")


def test_the_chosen_filters_are_marked_on_the_kept_choices(riverside, services, comms) -> None:
    body = comms.get(URL, {"service": services.waste.pk, "status": "new", "assignee": "none"}).content.decode()
    assert f'<option value="{services.waste.pk}" selected>Waste and Recycling</option>' in body
    assert '<option value="new" selected>New</option>' in body and '<option value="none" selected>' in body
    assert body.count(" selected>") == 3
    assert comms.get(URL).content.decode().count(" selected>") == 0


def test_an_account_shows_once_it_holds_items_and_only_to_those_who_see_it(
    riverside, accounts, people, inbound, client_for
) -> None:
    officer, comms = client_for(people.officer), client_for(people.comms)
    accounts.toot.assignees.add(people.officer)
    assert "Riverside on Mastodon" not in _options(comms, "channel")
    inbound_store(channel=accounts.toot, items=[inbound("t1")])
    new = Channel.objects.create(council=riverside, platform="bluesky", name="Riverside Parks", handle="@parks")
    inbound_store(channel=new, items=[inbound("p1")])
    inbound_store(channel=accounts.other, items=[inbound("h1")])
    shown = _options(comms, "channel")
    assert f'<option value="{new.pk}">Riverside Parks</option>' in shown and "Riverside on Mastodon" in shown
    assert "Hillcrest" not in shown
    # The service officer is offered their own account only.
    mine = _options(officer, "channel")
    assert "Riverside on Mastodon" in mine and "Riverside Parks" not in mine
    # Someone from another council is refused the page.
    assert client_for(people.outsider).get(URL).status_code == 404
