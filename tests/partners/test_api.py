"""GET /api/me/approvals/: what awaits the person's approval at every council where they may approve."""

from __future__ import annotations

import pytest
from django.test import Client

from townsquare.accounts.models import User
from townsquare.api.services import token_issue
from townsquare.partners.services import post_group_create

pytestmark = pytest.mark.django_db
URL = "/api/me/approvals/"


def _api(user: User) -> Client:
    _, key = token_issue(user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _councils(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [row["council"]["slug"] for row in response.json()["results"]]


def test_shared_officer_gets_both_councils_posts_each_with_its_council(shared, waiting) -> None:
    response = _api(shared).get(URL)
    assert response.status_code == 200
    assert sorted(_councils(response)) == ["hillcrest", "riverside"]
    row = next(r for r in response.json()["results"] if r["council"]["slug"] == "hillcrest")
    assert row["id"] == waiting.hillcrest.pk and row["status"] == "awaiting_approval"
    assert row["council"]["name"] == "Hillcrest District Council" and row["group"] is None
    assert row["targets"][0]["channel_name"] == "Hillcrest Council"


def test_mixed_roles_list_only_where_they_approve(mixed, waiting) -> None:
    assert _councils(_api(mixed).get(URL)) == ["riverside"]


def test_outsider_and_drafters_get_nothing(people, waiting) -> None:
    for person in (people.outsider, people.officer, people.councillor, people.auditor):
        response = _api(person).get(URL)
        assert response.status_code == 200 and response.json()["results"] == [], person.email


def test_council_filter_and_group(client_for, shared, people, channel, hill_channel, later, waiting) -> None:
    from townsquare.councils.services import membership_grant

    membership_grant(actor=None, council=hill_channel.council, user=people.officer, role="officer")
    hill_channel.assignees.add(people.officer)
    officer = User.objects.get(pk=people.officer.pk)  # roles are read once per request: a fresh copy
    group = post_group_create(
        author=officer,
        title="Bins",
        text="Bins go out on Friday.",
        channels=[channel, hill_channel],
        scheduled_for=later,
    )
    from townsquare.partners.services import post_group_submit

    post_group_submit(actor=officer, group=group)
    rows = _api(shared).get(URL, {"council": "riverside"}).json()["results"]
    assert {r["council"]["slug"] for r in rows} == {"riverside"}
    assert sorted(r["group"] for r in rows if r["group"]) == [group.pk]


def test_needs_authentication(waiting) -> None:
    assert Client().get(URL).status_code in (401, 403)
    assert Client(HTTP_AUTHORIZATION="Bearer tsq_nonsense").get(URL).status_code == 401


def test_in_the_openapi_schema(shared) -> None:
    schema = _api(shared).get("/api/openapi.json").json()
    assert "/api/me/approvals/" in schema["paths"]
