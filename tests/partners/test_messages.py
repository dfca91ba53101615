"""The pages of a message to partner councils: compose, each council's state, outsiders."""

from __future__ import annotations

import pytest

from townsquare.partners.models import PostGroup
from townsquare.partners.services import post_group_create
from townsquare.publishing.models import Post

pytestmark = pytest.mark.django_db
TEXT = "Council offices close at 1pm on Christmas Eve."


def _compose(client, channels, action="submit", **extra):  # type: ignore[no-untyped-def]
    return client.post(
        "/all/messages/new/",
        {"title": "Christmas opening", "text": TEXT, "channels": [c.pk for c in channels], "action": action, **extra},
        follow=True,
    )


def test_compose_lists_channels_by_council_only_where_they_draft(
    client_for, mixed, shared, channel, hill_channel
) -> None:
    body = client_for(shared).get("/all/messages/new/").content.decode()
    assert "Riverside District Council" in body and "Hillcrest District Council" in body
    body = client_for(mixed).get("/all/messages/new/").content.decode()
    assert "Hillcrest" not in body.split("<main", 1)[1]


def test_compose_and_submit_shows_each_councils_state(client_for, shared, channel, hill_channel) -> None:
    response = _compose(client_for(shared), [channel, hill_channel], acknowledge="1")
    group = PostGroup.objects.get()
    assert response.redirect_chain[-1][0] == f"/all/messages/{group.pk}/"
    rows = response.context["rows"]
    assert [r["council"].slug for r in rows] == ["hillcrest", "riverside"]
    assert {r["post"].status for r in rows} == {Post.Status.APPROVED}
    assert "Riverside District Council: approved and scheduled." in response.content.decode()


def test_save_drafts_then_submit_from_the_group_page(client_for, shared, channel, hill_channel) -> None:
    client = client_for(shared)
    _compose(client, [channel, hill_channel], action="save")
    group = PostGroup.objects.get()
    assert set(Post.objects.values_list("status", flat=True)) == {Post.Status.DRAFT}
    assert client.get(f"/all/messages/{group.pk}/").context["may_submit"]
    client.post(f"/all/messages/{group.pk}/submit/", {"acknowledge": "1"})
    assert set(Post.objects.values_list("status", flat=True)) == {Post.Status.APPROVED}


def test_bad_input_changes_nothing(client_for, shared, channel, hill_channel) -> None:
    client = client_for(shared)
    response = _compose(client, [channel])
    assert "at least two councils" in response.content.decode()
    response = _compose(client, [channel, hill_channel], title="")
    assert response.context["form"].errors["title"]
    response = _compose(client, [channel, hill_channel], scheduled_for="2001-01-01T09:00")
    assert "Choose a time in the future" in response.content.decode()
    response = _compose(client, [])
    assert "Choose channels of at least two councils" in response.content.decode()
    assert not PostGroup.objects.exists() and not Post.objects.exists()


def test_a_channel_of_another_council_cannot_be_smuggled_in(client_for, people, channel, hill_channel) -> None:
    """A Riverside officer posting a Hillcrest channel's id: not a choice they have."""
    response = _compose(client_for(people.officer), [channel, hill_channel])
    assert response.context["form"].errors["channels"]
    assert not Post.objects.exists()


def test_group_page_shows_only_what_each_person_may_see(
    client_for, shared, people, mixed, channel, hill_channel, later
) -> None:
    group = post_group_create(
        author=shared, title="Christmas", text=TEXT, channels=[channel, hill_channel], scheduled_for=later
    )
    # The Hillcrest service officer sees neither post (not theirs, and they do not approve): not found.
    assert client_for(people.outsider).get(f"/all/messages/{group.pk}/").status_code == 404
    # Mixed roles: Riverside's post only; nothing of Hillcrest's.
    response = client_for(mixed).get(f"/all/messages/{group.pk}/")
    assert [r["council"].slug for r in response.context["rows"]] == ["riverside"]
    assert not response.context["may_submit"]
    assert client_for(mixed).post(f"/all/messages/{group.pk}/submit/").status_code == 302
    assert set(Post.objects.values_list("status", flat=True)) == {Post.Status.DRAFT}
    assert [g.pk for g in client_for(mixed).get("/all/messages/").context["groups"]] == [group.pk]
    assert client_for(people.outsider).get("/all/messages/").context["groups"] == []


def test_roles_too_low_to_draft_are_forbidden(client_for, people) -> None:
    assert client_for(people.councillor).get("/all/messages/new/").status_code == 403
    assert client_for(people.auditor).get("/all/messages/").status_code == 403
