"""The alert destinations page (add, test, remove) and the alert log: who may use them, bad input, audit."""

from __future__ import annotations

import pytest

from townsquare.alerts.models import Alert, Delivery, Destination
from townsquare.alerts.services import alert_raise, destination_add
from townsquare.audit.models import AuditEvent

from .test_delivery import SECRET, run_jobs

BASE = "/c/riverside/alerts/"


@pytest.mark.parametrize("path", ["", "destinations/"])
def test_outsiders_and_low_roles_are_kept_out(riverside, people, client_for, path) -> None:
    assert client_for(people.comms).get(BASE + path).status_code == 200
    assert client_for(people.admin).get(BASE + path).status_code == 200
    assert client_for(people.outsider).get(BASE + path).status_code == 404
    for role in ("officer", "councillor"):
        assert client_for(getattr(people, role)).get(BASE + path).status_code == 403
    # Auditors read the log, not the destinations.
    assert client_for(people.auditor).get(BASE + path).status_code == (200 if path == "" else 403)


def test_destinations_are_added_tested_and_removed(riverside, hillcrest, people, client_for, receiver) -> None:
    client = client_for(people.comms)
    url = receiver.url + "/hook?sig=VERY-SECRET-SIGNATURE"
    response = client.post(BASE + "destinations/", {"kind": "webhook", "name": "Pager", "url": url, "secret": SECRET})
    assert response.status_code == 302
    destination = Destination.objects.get()
    page = client.get(BASE + "destinations/").content.decode()
    assert "Pager" in page and "127.0.0.1" in page and "VERY-SECRET" not in page and SECRET not in page
    assert client.post(f"{BASE}destinations/{destination.pk}/test/").status_code == 302
    run_jobs()
    assert Delivery.objects.get().status == Delivery.Status.SENT
    log = client.get(BASE).content.decode()
    assert "Test alert from Townsquare" in log and "delivered" in log and "VERY-SECRET" not in log
    assert AuditEvent.objects.filter(action="alerts.destination_tested").exists()
    other = Destination.objects.create(council=hillcrest, kind="email", name="Theirs", email="x@hillcrest.example")
    for action in ("test", "remove"):
        assert client.post(f"{BASE}destinations/{other.pk}/{action}/").status_code == 404
        assert client_for(people.officer).post(f"{BASE}destinations/{destination.pk}/{action}/").status_code == 403
    assert client.post(f"{BASE}destinations/{destination.pk}/remove/").status_code == 302
    assert list(Destination.objects.all()) == [other]
    assert AuditEvent.objects.filter(action="alerts.destination_removed").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "email", "name": "Duty", "email": "nope"}, "Enter an email address"),
        ({"kind": "teams", "name": "Teams", "url": "http://example.com/x"}, "must start with https://"),
        ({"kind": "webhook", "name": "Hook", "url": "https://192.168.1.4/x", "secret": SECRET}, "private or reserved"),
        ({"kind": "email", "name": ""}, "This field is required"),
        ({"kind": "sms", "name": "Text"}, "Select a valid choice"),
    ],
)
def test_bad_destinations_are_explained_and_nothing_stored(riverside, people, client_for, data, message) -> None:
    response = client_for(people.comms).post(BASE + "destinations/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Destination.objects.exists() and not AuditEvent.objects.filter(action__startswith="alerts.").exists()


def test_a_person_of_another_council_cannot_be_a_destination(riverside, people, client_for) -> None:
    response = client_for(people.comms).post(
        BASE + "destinations/", {"kind": "email", "name": "X", "person": people.outsider.pk}
    )
    assert response.status_code == 400 and not Destination.objects.exists()
    destination_add(actor=people.comms, council=riverside, kind="email", name="Officer", person=people.officer)
    assert Destination.objects.get().shown_as == "officer@riverside.example"


def test_the_log_shows_only_the_councils_alerts(riverside, hillcrest, people, client_for) -> None:
    alert_raise(council=riverside, kind="t", title="Riverside alert", summary="", url="", facts=[])
    alert_raise(council=hillcrest, kind="t", title="Hillcrest alert", summary="", url="", facts=[])
    body = client_for(people.auditor).get(BASE).content.decode()
    assert "Riverside alert" in body and "Hillcrest alert" not in body
    assert Alert.objects.count() == 2
