"""The demo's shared communications team: posts waiting at both councils, messages to both, reviewed accounts."""

from __future__ import annotations

import pytest
from django.test import Client

from townsquare.accounts.models import User
from townsquare.partners.models import ChannelReview, PostGroup
from townsquare.publishing.models import Post

COMMS = "comms@riverside.example"


@pytest.fixture
def demo(demo_for_module: None, db: None) -> None:
    """The demo, loaded once for this module (tests/conftest.py); each test's changes are undone."""


def _client(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def test_demo_has_messages_to_both_councils_in_different_states(demo: None) -> None:
    groups = {g.title: g for g in PostGroup.objects.all()}
    opening = groups["Christmas and New Year opening hours"]
    assert {(m.council.slug, m.post.status) for m in opening.members.select_related("council", "post")} == {
        ("riverside", Post.Status.APPROVED),
        ("hillcrest", Post.Status.APPROVED),
    }
    support = groups["Cost of living support"]
    assert {m.post.status for m in support.members.select_related("post")} == {Post.Status.DRAFT}
    assert ChannelReview.objects.filter(channel__council__slug="hillcrest").exists()


def test_demo_comms_approvals_at_both_councils(demo: None) -> None:
    response = _client(COMMS).get("/api/me/approvals/")
    assert {row["council"]["slug"] for row in response.json()["results"]} == {"riverside", "hillcrest"}


def test_every_combined_page_has_demo_data(demo: None) -> None:
    client = _client(COMMS)
    for url, expected in [
        ("/all/", "posts waiting for approval"),
        ("/all/approvals/", "Hillcrest Leisure gym"),
        ("/all/calendar/", "Council offices close at 1pm"),
        ("/all/messages/", "Cost of living support"),
        ("/all/channels/", "Hillcrest Leisure"),
        ("/all/channels/rationalisation/", "Hillcrest on Mastodon"),
        ("/all/accounts-summary/", "Communications Manager"),
        ("/all/messages/new/", "Hillcrest Council on X"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert expected in response.content.decode(), url
    group = PostGroup.objects.get(title="Christmas and New Year opening hours")
    assert "Hillcrest District Council" in client.get(f"/all/messages/{group.pk}/").content.decode()


def test_demo_hillcrest_officer_sees_nothing_of_riverside(demo: None) -> None:
    client = _client("officer@hillcrest.example")
    for url in ("/all/", "/all/calendar/", "/all/channels/", "/all/messages/"):
        assert "Riverside" not in client.get(url).content.decode(), url
