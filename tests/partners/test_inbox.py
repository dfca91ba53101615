"""The combined inbox: every row names its council, each council shows what its own inbox would show the
person, and working items is checked against the role at each item's council."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from tests.partners.conftest import person_with
from townsquare.accounts.models import User
from townsquare.audit.models import AuditEvent
from townsquare.channels.models import Channel
from townsquare.connectors.base import InboundItem
from townsquare.councils.models import Council
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.services import inbound_store

pytestmark = pytest.mark.django_db

URL = "/all/inbox/"
WHEN = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def items(riverside: Council, hillcrest: Council, channel: Channel, hill_channel: Channel) -> SimpleNamespace:
    """One item on Riverside Waste (assigned to Riverside's service officer), one on a Riverside account not
    theirs, and one on Hillcrest's account (assigned to Hillcrest's service officer)."""
    other = Channel.objects.create(council=riverside, platform="x", name="Riverside Council on X", handle="@RDC")

    def item(on: Channel, external_id: str, text: str, risk: str = "low") -> ReceivedItem:
        """Stored through the inbox's own pipeline (indexed for search), with the risk the test needs."""
        inbound_store(
            channel=on,
            items=[
                InboundItem(
                    external_id=external_id,
                    kind="mention",
                    author_handle="@resident",
                    author_name="A Resident",
                    text=text,
                    created_at=WHEN,
                    raw={"id": external_id},
                )
            ],
        )
        ReceivedItem.objects.filter(channel=on, external_id=external_id).update(risk=risk)
        return ReceivedItem.objects.get(channel=on, external_id=external_id)

    return SimpleNamespace(
        bins=item(channel, "r1", "My bin was not collected on Mill Lane"),
        pothole=item(other, "r2", "Pothole on Station Road"),
        gym=item(hill_channel, "h1", "Is the Hillcrest gym open on Sunday?", risk="urgent"),
    )


def _shown(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {row.item.external_id: row.council.slug for row in response.context["rows"]}


def test_shared_officer_sees_both_councils_items_each_naming_its_council(client_for, shared, items) -> None:
    response = client_for(shared).get(URL)
    assert response.status_code == 200
    assert _shown(response) == {"r1": "riverside", "r2": "riverside", "h1": "hillcrest"}
    body = response.content.decode()
    assert "Riverside District Council" in body and "Hillcrest District Council" in body
    assert f"/c/hillcrest/inbox/{items.gym.pk}/" in body and f"/c/riverside/inbox/{items.bins.pk}/" in body


def test_filter_by_council_and_by_the_inbox_filters(client_for, shared, items) -> None:
    client = client_for(shared)
    assert _shown(client.get(URL, {"council": "hillcrest"})) == {"h1": "hillcrest"}
    assert _shown(client.get(URL, {"q": "pothole"})) == {"r2": "riverside"}
    assert _shown(client.get(URL, {"risk": "urgent"})) == {"h1": "hillcrest"}
    assert _shown(client.get(URL, {"platform": "x"})) == {"r2": "riverside"}
    items.gym.status = ReceivedItem.Status.RESOLVED
    items.gym.save()
    assert _shown(client.get(URL, {"risk": "urgent", "unresolved": "1"})) == {}
    assert len(_shown(client.get(URL, {"unresolved": "1"}))) == 2
    unread = client.get(URL, {"risk": "dreadful", "status": "lost"})
    assert unread.status_code == 200 and len(_shown(unread)) == 3
    assert "is not one the inbox knows" in unread.content.decode()


def test_outsider_sees_nothing_of_the_other_council(client_for, people, items) -> None:
    """A Hillcrest service officer: only their own channel's item, nothing of Riverside."""
    client = client_for(people.outsider)
    response = client.get(URL)
    assert _shown(response) == {"h1": "hillcrest"}
    assert "Riverside" not in response.content.decode()
    assert client.get(URL, {"council": "riverside"}).status_code == 404
    # Nor can they work a Riverside item by naming it.
    answer = client.post(URL, {"items": [items.bins.pk], "action": "assign_me"}, follow=True)
    items.bins.refresh_from_db()
    assert items.bins.assignee is None
    assert "1 chosen item could not be found in your inbox" in " ".join(str(m) for m in answer.context["messages"])


def test_service_officer_sees_only_their_own_channels_items(client_for, people, items) -> None:
    assert _shown(client_for(people.officer).get(URL)) == {"r1": "riverside"}


def test_a_role_that_sees_no_inbox_is_forbidden(client_for, people, mixed, items) -> None:
    assert client_for(people.councillor).get(URL).status_code == 403
    # Communications officer at Riverside, councillor at Hillcrest: Riverside's inbox only.
    client = client_for(mixed)
    assert set(_shown(client.get(URL)).values()) == {"riverside"}
    assert client.get(URL, {"council": "hillcrest"}).status_code == 403


@pytest.fixture
def comms_and_auditor(riverside: Council, hillcrest: Council) -> User:
    return person_with("both@riverside.example", "Comms Here Auditor There", {riverside: "comms", hillcrest: "auditor"})


def test_mixed_roles_work_items_only_where_their_role_allows(client_for, comms_and_auditor, items) -> None:
    client = client_for(comms_and_auditor)
    page = client.get(URL)
    assert set(_shown(page).values()) == {"riverside", "hillcrest"}  # an auditor reads Hillcrest's inbox
    assert page.context["workers"] == {items.bins.council_id}
    response = client.post(URL, {"items": [items.bins.pk, items.gym.pk], "action": "assign_me"}, follow=True)
    items.bins.refresh_from_db()
    items.gym.refresh_from_db()
    assert items.bins.assignee == comms_and_auditor and items.bins.status == ReceivedItem.Status.ASSIGNED
    assert items.gym.assignee is None and items.gym.status == ReceivedItem.Status.NEW
    text = " ".join(str(m) for m in response.context["messages"])
    assert "done for 1 item (Riverside District Council)" in text
    assert "Not changed, Hillcrest District Council" in text and "does not allow working the inbox" in text
    assert AuditEvent.objects.filter(action="inbox.assigned", object_id=str(items.bins.pk)).count() == 1
    assert not AuditEvent.objects.filter(action="inbox.assigned", object_id=str(items.gym.pk)).exists()
    # And on the council's own page, as before.
    assert client.post(f"/c/hillcrest/inbox/{items.gym.pk}/status/", {"status": "resolved"}).status_code == 403


def test_shared_officer_sets_status_at_both_councils_at_once(client_for, shared, items) -> None:
    client_for(shared).post(URL, {"items": [items.bins.pk, items.gym.pk], "action": "status:resolved"})
    assert set(ReceivedItem.objects.filter(status="resolved").values_list("external_id", flat=True)) == {"r1", "h1"}


def test_bad_input_changes_nothing(client_for, shared, items) -> None:
    client = client_for(shared)
    for data, message in (
        ({"items": [items.bins.pk], "action": "delete_everything"}, "Choose what to do"),
        ({"action": "assign_me"}, "Tick at least one item"),
        ({"items": ["x'; drop"], "action": "assign_me"}, "Tick at least one item"),
        ({"items": [str(n) for n in range(1, 300)], "action": "assign_me"}, "Tick at most 200 items"),
    ):
        response = client.post(URL, data, follow=True)
        assert response.status_code == 200
        assert message in " ".join(str(m) for m in response.context["messages"])
    assert not ReceivedItem.objects.exclude(status=ReceivedItem.Status.NEW).exists()


def test_home_shows_each_councils_inbox_tiles(client_for, shared, items) -> None:
    response = client_for(shared).get("/all/")
    attention = {a.council.slug: {t.label: t.figure for t in a.tiles} for a in response.context["attention"]}
    assert attention["riverside"]["new items in the inbox"] == 2
    assert attention["hillcrest"]["urgent inbox items not resolved (safeguarding, threats)"] == 1
    assert attention["riverside"]["urgent inbox items not resolved (safeguarding, threats)"] == 0


def test_signed_out_is_sent_to_sign_in(client, items) -> None:  # type: ignore[no-untyped-def]
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
