"""Reading one of the account's posts again by its id, however old (``Connector.read_post``): its words now, or
"gone" where the platform says so, and an error for any answer that tells nothing. Mastodon against mastodon-mock,
Bluesky against the reference PDS; Facebook, LinkedIn and X against recorded exchanges; the other platforms say they
cannot."""

from __future__ import annotations

import datetime as dt
import time

import httpx
import pytest
import requests
from atproto import Client
from atproto_client.models.utils import get_model_as_dict

from tests.connectors.replay import replay
from tests.connectors.test_bluesky import make_account
from townsquare.connectors import http
from townsquare.connectors.base import AccountPost, Connector, ConnectorError, Credentials, ErrorKind, OutboundPost
from townsquare.connectors.bluesky.connector import BlueskyConnector
from townsquare.connectors.bluesky.parsing import split_uri
from townsquare.connectors.instagram.connector import InstagramConnector
from townsquare.connectors.linkedin.connector import LinkedInConnector
from townsquare.connectors.mastodon.connector import MastodonConnector
from townsquare.connectors.x.connector import XConnector
from townsquare.connectors.youtube.connector import YouTubeConnector

from .test_editing import FB_POST, LI_POST


@pytest.fixture
def toots(mastodon) -> MastodonConnector:  # type: ignore[no-untyped-def]
    return MastodonConnector(Credentials({"access_token": "riverside_token"}), base_url=mastodon.url)


X_POST = "1890000000000000001"
# The platforms read against recorded exchanges: the connector's fixture, and the post read.
READ = {"facebook": ("fb", FB_POST), "linkedin": ("li", LI_POST), "x": ("x", X_POST)}
CREATED = dt.datetime(2025, 11, 3, 9, 30, 5, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("platform", "text", "url", "params"),
    [
        (  # months after it was published: the words changed from Townsquare
            "facebook",
            "Bin collections move to Wednesday next week.",
            "https://www.facebook.com/1122334455/posts/987654321",
            {"fields": "id,message,created_time,permalink_url"},
        ),
        (  # the URN is percent-encoded in the path; the commentary's "little text" escapes are undone
            "linkedin",
            "Bin collections move to Wednesday (not Tuesday) next week.",
            f"https://www.linkedin.com/feed/update/{LI_POST}/",
            None,
        ),
        (  # with the fields the account's recent posts are read with, and no other
            "x",
            "Bin collections move to Wednesday next week. https://t.co/AbCdEf1234",
            f"https://x.com/RiversideDC/status/{X_POST}",
            {"tweet.fields": "created_at"},
        ),
    ],
)
def test_reads_a_post_by_its_id(
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    platform: str,
    text: str,
    url: str,
    params: dict[str, str] | None,
) -> None:
    name, post_id = READ[platform]
    connector = request.getfixturevalue(name)
    assert type(connector).can_read_post()
    with replay(monkeypatch, platform, "read_post") as calls:
        post = connector.read_post(post_id)
    assert post == AccountPost(external_id=post_id, text=text, created_at=CREATED, url=url)
    (sent,) = calls.sent
    assert sent["method"] == "GET" and sent.get("params") == params


@pytest.mark.parametrize(
    ("platform", "fixture"),
    [
        ("facebook", "read_post_gone"),  # Graph's code 100, subcode 33
        ("linkedin", "read_post_gone"),  # 404 with LinkedIn's NOT_FOUND
        ("x", "read_post_gone"),  # 200 with no data and a resource-not-found problem naming the post
        ("x", "read_post_404"),
    ],
)
def test_the_platforms_word_that_the_post_is_gone(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, platform: str, fixture: str
) -> None:
    name, post_id = READ[platform]
    with replay(monkeypatch, platform, fixture):
        assert request.getfixturevalue(name).read_post(post_id) is None


def test_x_a_problem_beside_the_post_leaves_it_shown(monkeypatch: pytest.MonkeyPatch, x: XConnector) -> None:
    with replay(monkeypatch, "x", "read_post_other_post_missing"):
        post = x.read_post(X_POST)
    assert post is not None and post.text == "Bin collections move to Wednesday next week."


@pytest.mark.parametrize(
    ("platform", "fixture", "kind", "retried"),
    [
        ("facebook", "read_post_bad_field", ErrorKind.REJECTED, []),  # code 100 alone: a refusal, not "gone"
        ("facebook", "read_post_rate_limited", ErrorKind.RETRY, []),  # a wait too long to sit through
        ("facebook", "read_post_server_error", ErrorKind.RETRY, [0.5, 1.0, 2.0]),  # a read: retried, then given up
        ("linkedin", "read_post_server_error", ErrorKind.RETRY, [0.5, 1.0, 2.0]),
        ("x", "read_post_not_authorised", ErrorKind.REJECTED, []),  # a problem other than "not found": a refusal
        ("x", "read_post_rate_limited", ErrorKind.RETRY, []),
        ("x", "read_post_server_error", ErrorKind.RETRY, [0.5, 1.0, 2.0]),
        ("x", "read_post_timeout", ErrorKind.RETRY, [0.5, 1.0, 2.0]),
        ("x", "read_post_expired_token", ErrorKind.REAUTHORISE, []),
    ],
)
def test_answers_that_tell_nothing_raise(
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    waits: list[float],
    platform: str,
    fixture: str,
    kind: str,
    retried: list,
) -> None:
    name, post_id = READ[platform]
    connector = request.getfixturevalue(name)
    with replay(monkeypatch, platform, fixture), pytest.raises(ConnectorError) as caught:
        connector.read_post(post_id)
    assert caught.value.kind == kind and waits == retried


def test_linkedin_reply_is_not_read_and_nothing_is_sent(monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector) -> None:
    with replay(monkeypatch, "linkedin"), pytest.raises(ConnectorError) as caught:
        li.read_post("urn:li:comment:(urn:li:activity:7300000000000000001,7300000000000000099)")
    assert caught.value.kind == ErrorKind.REJECTED


def test_mastodon_reads_a_status_by_its_id_as_last_edited(mastodon, toots: MastodonConnector) -> None:  # type: ignore[no-untyped-def]
    assert MastodonConnector.can_read_post()
    made = toots.publish(OutboundPost(text="The tip opens at 8am on Sunday."))
    session = mastodon.as_user("riverside_token")
    session.put(
        f"{mastodon.url}/api/v1/statuses/{made.external_id}", data={"status": "The tip opens at 9am on Sunday."}
    ).raise_for_status()
    post = toots.read_post(made.external_id)
    assert post is not None and post.external_id == made.external_id
    assert post.text == "The tip opens at 9am on Sunday." and post.url == made.url and post.created_at is not None


def test_mastodon_404_is_a_deleted_status(mastodon, toots: MastodonConnector) -> None:  # type: ignore[no-untyped-def]
    made = toots.publish(OutboundPost(text="Libraries close early on Friday."))
    mastodon.as_user("riverside_token").delete(f"{mastodon.url}/api/v1/statuses/{made.external_id}").raise_for_status()
    assert requests.get(f"{mastodon.url}/api/v1/statuses/{made.external_id}", timeout=10).status_code == 404
    assert toots.read_post(made.external_id) is None


def test_mastodon_an_answer_that_tells_nothing_raises(mastodon, toots: MastodonConnector) -> None:  # type: ignore[no-untyped-def]
    made = toots.publish(OutboundPost(text="Parking is free on Saturday."))
    mastodon.fault(path=f"/api/v1/statuses/{made.external_id}", methods=["GET"], effect={"type": "ratelimit"})
    with pytest.raises(ConnectorError) as caught:
        toots.read_post(made.external_id)
    assert caught.value.kind == ErrorKind.RETRY and caught.value.platform_code == "429"


@pytest.fixture
def sky(bluesky_pds: str) -> tuple[BlueskyConnector, Client]:
    """A connector signed in to a fresh account on the PDS, and the account's own client (another app)."""
    client, app_password = make_account(bluesky_pds, "riverside")
    connector = BlueskyConnector(base_url=bluesky_pds)
    connector.connect_with_secret(identifier=client._session.handle, secret=app_password)
    return connector, client


def test_bluesky_reads_a_post_record_as_it_stands_now(sky: tuple[BlueskyConnector, Client]) -> None:
    """The same shape as the account's recent posts give; a record put again by another app shows its new words."""
    connector, client = sky
    assert BlueskyConnector.can_read_post()
    made = connector.publish(OutboundPost(text="The tip opens at 8am on Sunday.", idempotency_key="post-4:channel-1"))
    post = connector.read_post(made.external_id)
    (listed,) = connector.recent_posts(since=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
    assert post == listed and post.external_id == made.external_id and post.url == made.url
    assert post.text == "The tip opens at 8am on Sunday." and post.created_at is not None
    assert post.marker == connector.marker_for("post-4:channel-1")
    repo, collection, rkey = split_uri(made.external_id)
    value = client.com.atproto.repo.get_record({"repo": repo, "collection": collection, "rkey": rkey}).value
    record = {**get_model_as_dict(value), "$type": "app.bsky.feed.post", "text": "The tip opens at 9am on Sunday."}
    client.com.atproto.repo.put_record({"repo": repo, "collection": collection, "rkey": rkey, "record": record})
    again = connector.read_post(made.external_id)
    assert again is not None and again.text == "The tip opens at 9am on Sunday." and again.created_at == post.created_at


def test_bluesky_record_not_found_is_a_deleted_post(sky: tuple[BlueskyConnector, Client]) -> None:
    connector, client = sky
    made = connector.publish(OutboundPost(text="Libraries close early on Friday."))
    repo, collection, rkey = split_uri(made.external_id)
    client.com.atproto.repo.delete_record({"repo": repo, "collection": collection, "rkey": rkey})
    assert connector.read_post(made.external_id) is None


LATER = str(int(time.time()) + 3600)


@pytest.mark.parametrize(
    ("answer", "kind", "retried"),
    [
        (httpx.Response(503, json={"error": "InternalServerError"}), ErrorKind.RETRY, [0.5, 1.0, 2.0]),
        (httpx.ReadTimeout("no answer"), ErrorKind.RETRY, [0.5, 1.0, 2.0]),  # a read: retried, then given up
        (httpx.Response(400, json={"error": "InvalidRequest", "message": "No."}), ErrorKind.REJECTED, []),
        (httpx.Response(429, headers={"ratelimit-remaining": "0", "ratelimit-reset": LATER}), ErrorKind.RETRY, []),
    ],
)
def test_bluesky_answers_that_tell_nothing_raise(
    monkeypatch: pytest.MonkeyPatch,
    sky: tuple[BlueskyConnector, Client],
    waits: list[float],
    answer: httpx.Response | httpx.TimeoutException,
    kind: str,
    retried: list[float],
) -> None:
    """The PDS's getRecord answered otherwise than with the record or RecordNotFound: never "gone"."""
    connector, _ = sky
    made = connector.publish(OutboundPost(text="Parking is free on Saturday."))
    real, real_retry = httpx.Client.request, http.retry_read

    def request(self: httpx.Client, method: str, url: object, **kwargs: object) -> httpx.Response:
        if not str(url).endswith("/xrpc/com.atproto.repo.getRecord"):
            return real(self, method, url, **kwargs)  # type: ignore[arg-type]
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(answer.status_code, content=answer.content, headers=answer.headers)

    monkeypatch.setattr(httpx.Client, "request", request)
    monkeypatch.setattr(http, "retry_read", lambda fetch: real_retry(fetch, sleep=waits.append))
    with pytest.raises(ConnectorError) as caught:
        connector.read_post(made.external_id)
    assert caught.value.kind == kind and waits == retried


@pytest.mark.parametrize("connector", [InstagramConnector, YouTubeConnector])
def test_the_other_platforms_say_they_cannot_read_one_post(connector: type[Connector]) -> None:
    assert not connector.can_read_post()
    with pytest.raises(NotImplementedError):
        connector().read_post("123")
