"""The triggers page: add (checked, audited), pause, delete; outsiders and low roles refused."""

from __future__ import annotations

from townsquare.audit.models import AuditEvent
from townsquare.councils.models import Service
from townsquare.listening.models import Trigger
from townsquare.listening.services import listening_query_save

URL = "/c/riverside/listening/triggers/"


def test_a_trigger_is_added_paused_and_deleted_each_audited(riverside, people, channel, client_for) -> None:
    query = listening_query_save(actor=people.comms, council=riverside, name="Bins", text="bin*")
    team = Service.objects.create(council=riverside, name="Waste")
    client = client_for(people.comms)
    assert "Listening query" in client.get(URL + "add/").content.decode()
    page = client.post(
        URL + "add/",
        {"name": "Bins to waste", "when": "query", "query": query.pk, "action": "assign_team", "team": team.pk},
    )
    assert page.status_code == 302
    trigger = Trigger.objects.get()
    assert (trigger.query, trigger.team, trigger.tag, trigger.channel) == (query, team, "", None)
    assert "Bins to waste" in client.get(URL).content.decode()
    client.post(URL + f"{trigger.pk}/", {"active": "0"})
    trigger.refresh_from_db()
    assert not trigger.active
    client.post(URL + f"{trigger.pk}/", {"delete": "1"})
    assert not Trigger.objects.exists()
    assert list(
        AuditEvent.objects.filter(action__startswith="listening.trigger")
        .order_by("seq")
        .values_list("action", flat=True)
    ) == ["listening.trigger_created", "listening.trigger_updated", "listening.trigger_deleted"]


def test_a_trigger_missing_its_parts_is_refused_with_a_message(
    riverside, hillcrest, people, channel, client_for
) -> None:
    other = listening_query_save(actor=None, council=hillcrest, name="Theirs", text="park")
    client = client_for(people.comms)
    body = client.post(URL + "add/", {"name": "Tag", "when": "sentiment", "sentiment": "negative", "action": "tag"})
    assert "Tag it: choose which" in body.content.decode()
    body = client.post(URL + "add/", {"name": "X", "when": "query", "query": other.pk, "action": "alert"})
    assert body.status_code == 200 and "Select a valid choice" in body.content.decode()
    body = client.post(URL + "add/", {"name": "Y", "when": "category", "category": "", "action": "alert"})
    assert "Choose the category" in body.content.decode()
    assert (
        not Trigger.objects.exists() and not AuditEvent.objects.filter(action__startswith="listening.trigger").exists()
    )


def test_outsiders_and_low_roles_cannot_see_or_change_triggers(riverside, people, channel, client_for) -> None:
    trigger = Trigger.objects.create(council=riverside, name="T", when="channel", channel=channel, action="alert")
    assert client_for(people.outsider).get(URL).status_code == 404
    assert client_for(people.officer).get(URL).status_code == 403
    assert client_for(people.councillor).post(URL + f"{trigger.pk}/", {"delete": "1"}).status_code == 403
    assert client_for(people.outsider).post(URL + f"{trigger.pk}/", {"delete": "1"}).status_code == 404
    assert Trigger.objects.filter(pk=trigger.pk, active=True).exists()
