"""LinkedIn connector against recorded REST API exchanges (tests/connectors/fixtures/linkedin)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.connectors.replay import replay
from townsquare.connectors.base import ConnectorError, Credentials, ErrorKind, Image, OutboundPost, Video
from townsquare.connectors.linkedin.connector import LinkedInConnector
from townsquare.connectors.linkedin.parsing import escape_little_text
from townsquare.connectors.registry import connector_class

SETTINGS = {"client_id": "li-client-id", "client_secret": "li-client-secret"}
PNG = b"\x89PNG-bytes"
POST = OutboundPost(text="Bin collections move to Tuesday next week.")


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def li(waits: list[float]) -> LinkedInConnector:
    creds = Credentials(
        data={
            "access_token": "li-access-1",
            "refresh_token": "li-refresh-1",
            "organization_id": "2414183",
            "vanity_name": "riverside-district-council",
        }
    )
    return LinkedInConnector(creds, settings=SETTINGS, sleep=waits.append)


def test_registered() -> None:
    assert connector_class("linkedin") is LinkedInConnector


def test_authorisation_url_asks_for_organisation_scopes() -> None:
    url = LinkedInConnector(settings=SETTINGS).authorisation_url(
        state="s4", redirect_uri="https://townsquare.example/cb"
    )
    query = parse_qs(urlsplit(url).query)
    assert url.startswith("https://www.linkedin.com/oauth/v2/authorization?")
    assert {"w_organization_social", "r_organization_social", "rw_organization_admin"} <= set(query["scope"][0].split())


def test_complete_authorisation_finds_the_administered_page(monkeypatch: pytest.MonkeyPatch) -> None:
    with replay(monkeypatch, "linkedin", "oauth_exchange"):
        creds = LinkedInConnector(settings=SETTINGS).complete_authorisation(
            code="li-code", redirect_uri="https://townsquare.example/connect/callback"
        )
    assert creds.data == {
        "access_token": "li-access-1",
        "refresh_token": "li-refresh-1",
        "organization_id": "2414183",
        "vanity_name": "riverside-district-council",
    }


def test_refresh(monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector) -> None:
    with replay(monkeypatch, "linkedin", "refresh"):
        assert li.refresh().data["access_token"] == "li-access-2"


def test_refresh_with_an_expired_refresh_token_needs_reconnecting(
    monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector
) -> None:
    with replay(monkeypatch, "linkedin", "refresh_expired"), pytest.raises(ConnectorError) as caught:
        li.refresh()
    assert caught.value.kind == ErrorKind.REAUTHORISE


def test_refresh_without_a_refresh_token_asks_for_reconnection_without_calling(monkeypatch: pytest.MonkeyPatch) -> None:
    connector = LinkedInConnector(Credentials(data={"access_token": "a", "organization_id": "1"}), settings=SETTINGS)
    with replay(monkeypatch, "linkedin"), pytest.raises(ConnectorError) as caught:
        connector.refresh()
    assert caught.value.kind == ErrorKind.REAUTHORISE and "60 days" in caught.value.message


def test_publish_text_and_link_escapes_reserved_characters(
    monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector
) -> None:
    with replay(monkeypatch, "linkedin", "publish_text_link"):
        result = li.publish(
            OutboundPost(
                text="Bin collections move to Tuesday (bank holiday) #bins", link="https://riverside.example/bins"
            )
        )
    assert result.external_id == "urn:li:share:7300000000000000001"
    assert result.url == "https://www.linkedin.com/feed/update/urn:li:share:7300000000000000001/"


def test_escape_little_text() -> None:
    assert escape_little_text(r"a_b *c* [d] @e ~f <g> {h} |i \j") == r"a\_b \*c\* \[d\] \@e \~f \<g\> \{h\} \|i \\j"


def test_publish_one_image_with_alt_text(monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector) -> None:
    image = Image(PNG, "image/png", "A green wheelie bin with a blue lid outside a terraced house.")
    with replay(monkeypatch, "linkedin", "publish_one_image") as sent:
        result = li.publish(
            OutboundPost(
                text="New recycling bins arrive this week.", link="https://riverside.example/recycling", images=(image,)
            )
        )
    assert result.external_id == "urn:li:share:7300000000000000002"
    assert sent.sent[1]["data"] == PNG


def test_publish_images_each_with_alt_text(monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector) -> None:
    images = (
        Image(PNG, "image/png", "Volunteers litter-picking beside the river."),
        Image(PNG, "image/png", "Twenty full rubbish bags piled by a bench."),
    )
    with replay(monkeypatch, "linkedin", "publish_images"):
        result = li.publish(OutboundPost(text="Thank you to everyone at Saturday's river clean-up!", images=images))
    assert result.external_id == "urn:li:share:7300000000000000003"


VIDEO = Video(b"A" * 40_000 + b"B" * 40_000, "video/mp4", title="Sorting your recycling in two minutes")


def test_publish_video_uploads_parts_finalises_then_posts_once(
    monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector, waits: list[float]
) -> None:
    assert li.limits.video
    with replay(monkeypatch, "linkedin", "publish_video") as sent:
        result = li.publish(
            OutboundPost(
                text="Watch: how to sort your recycling.", link="https://riverside.example/recycling", video=VIDEO
            )
        )
    assert result.external_id == "urn:li:share:7300000000000000004"
    parts = [request["data"] for request in sent.sent if request["method"] == "PUT"]
    # each part carries exactly its byte range; the part that failed was sent again, whole
    assert parts == [b"A" * 40_000, b"B" * 40_000, b"B" * 40_000]
    assert waits == [0.5]  # one back-off, for the upload part, never for the post
    assert [r["url"] for r in sent.sent if r["url"].endswith("/rest/posts")] == ["https://api.linkedin.com/rest/posts"]


def test_timeout_on_video_post_is_unconfirmed_and_not_resent(
    monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector
) -> None:
    with replay(monkeypatch, "linkedin", "timeout_publish_video"), pytest.raises(ConnectorError) as caught:
        li.publish(
            OutboundPost(
                text="Watch: how to sort your recycling.", link="https://riverside.example/recycling", video=VIDEO
            )
        )
    assert caught.value.kind == ErrorKind.UNCONFIRMED


def test_video_with_images_or_as_a_reply_is_refused_without_calling(
    monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector
) -> None:
    with replay(monkeypatch, "linkedin"):
        for post in (
            OutboundPost(text="x", video=VIDEO, images=(Image(PNG, "image/png", "A bin."),)),
            OutboundPost(text="x", video=VIDEO, reply_to_external_id="urn:li:share:7300000000000000001"),
            OutboundPost(text="x", video=Video(b"too small", "video/mp4")),
        ):
            with pytest.raises(ConnectorError) as caught:
                li.publish(post)
            assert caught.value.kind == ErrorKind.REJECTED


def test_reply_to_a_comment(monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector) -> None:
    parent = "urn:li:comment:(urn:li:activity:7300000000000000100,7300000000000000555)"
    with replay(monkeypatch, "linkedin", "reply"):
        result = li.publish(OutboundPost(text="Thanks, we have passed this on.", reply_to_external_id=parent))
    assert result.external_id == "urn:li:comment:(urn:li:activity:7300000000000000100,7300000000000000666)"


def test_delete(monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector) -> None:
    with replay(monkeypatch, "linkedin", "delete"):
        li.delete("urn:li:share:7300000000000000001")


def test_inbound_comments_since_cursor(monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector) -> None:
    with replay(monkeypatch, "linkedin", "inbound"):
        page = li.fetch_inbound(cursor="2025-03-02T00:00:00+00:00")
    by_id = {item.external_id: item for item in page.items}
    good = by_id["urn:li:comment:(urn:li:activity:7300000000000000100,7300000000000000201)"]
    assert good.kind == "comment" and good.author_handle == "urn:li:person:A1b2C3"
    assert good.in_reply_to_external_id == "urn:li:share:7300000000000000001"
    broken = by_id["urn:li:comment:(urn:li:ugcPost:7300000000000000009,7300000000000000301)"]
    assert broken.malformed and broken.raw["message"] == {"text": "Lovely park"}
    assert len(page.items) == 2  # the page's own reply and the comment before the cursor are left out
    assert page.cursor == "2025-03-04T09:00:00+00:00"


def test_metrics(monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector) -> None:
    with replay(monkeypatch, "linkedin", "metrics") as calls:
        metrics = li.fetch_metrics()
    assert (metrics.followers, metrics.impressions, metrics.reach, metrics.engagements, metrics.profile_views) == (
        8841,
        15500,
        9120,
        566,
        644,
    )
    # Each recent post's reach (members who saw it); the post nobody has seen yet is not in the statistics.
    assert LinkedInConnector.posts_reach(metrics.raw) == {
        "urn:li:ugcPost:7302000000000000002": 2875,
        "urn:li:share:7301000000000000001": 1310,
    }
    # Rest.li 2.0: the URNs percent-encoded inside a literal List(...), each kind in its own parameter.
    queries = [urlsplit(call["url"]).query for call in calls.sent[-2:]]
    assert queries[0].endswith(
        "&shares=List(urn%3Ali%3Ashare%3A7301000000000000001,urn%3Ali%3Ashare%3A7300000000000000003)"
    )
    assert queries[1].endswith("&ugcPosts=List(urn%3Ali%3AugcPost%3A7302000000000000002)")
    assert "organizationalEntity=urn%3Ali%3Aorganization%3A2414183&" in queries[0]


def test_posts_reach_leaves_out_what_linkedin_did_not_count() -> None:
    elements = [
        {"share": "urn:li:share:1", "totalShareStatistics": {"uniqueImpressionsCount": -3, "impressionCount": 9}},
        {"ugcPost": "urn:li:ugcPost:2", "totalShareStatistics": {"impressionCount": 40}},  # no people counted
        {"ugcPost": "urn:li:ugcPost:3", "totalShareStatistics": {"uniqueImpressionsCount": "many"}},
        {"totalShareStatistics": {"uniqueImpressionsCount": 9120}},  # the page's total, no post
        "not an element",
    ]
    assert LinkedInConnector.posts_reach({"post_statistics": {"elements": elements}}) == {"urn:li:share:1": 0}
    assert LinkedInConnector.posts_reach({"post_statistics": "refused"}) == LinkedInConnector.posts_reach({}) == {}


def test_expired_token(monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector) -> None:
    with replay(monkeypatch, "linkedin", "error_expired_token"), pytest.raises(ConnectorError) as caught:
        li.publish(POST)
    assert caught.value.kind == ErrorKind.REAUTHORISE and caught.value.platform_code == "401/EXPIRED_ACCESS_TOKEN"


def test_rate_limited_read_honours_retry_after(
    monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector, waits: list[float]
) -> None:
    with replay(monkeypatch, "linkedin", "error_rate_limit_read"):
        assert li.fetch_metrics().followers == 8841
    assert waits == [5.0]


def test_rate_limited_publish_is_not_retried_and_waits_for_the_day(
    monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector, waits: list[float]
) -> None:
    with replay(monkeypatch, "linkedin", "error_rate_limit_publish"), pytest.raises(ConnectorError) as caught:
        li.publish(POST)
    assert caught.value.kind == ErrorKind.RETRY
    assert caught.value.retry_after is not None and 0 < caught.value.retry_after <= 86400
    assert waits == []


def test_missing_permission(monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector) -> None:
    with replay(monkeypatch, "linkedin", "error_permission"), pytest.raises(ConnectorError) as caught:
        li.publish(POST)
    assert caught.value.kind == ErrorKind.REAUTHORISE and "Not enough permissions" in caught.value.message


def test_duplicate_post(monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector) -> None:
    with replay(monkeypatch, "linkedin", "error_duplicate"), pytest.raises(ConnectorError) as caught:
        li.publish(POST)
    assert caught.value.kind == ErrorKind.REJECTED and "duplicate" in caught.value.message


def test_timeout_on_publish_is_unconfirmed(monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector) -> None:
    with replay(monkeypatch, "linkedin", "timeout_publish"), pytest.raises(ConnectorError) as caught:
        li.publish(POST)
    assert caught.value.kind == ErrorKind.UNCONFIRMED


def test_server_error_on_publish_is_unconfirmed_after_one_call(
    monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector
) -> None:
    """A 503 does not prove nothing was made: never sent again blindly (the platform takes no idempotency key)."""
    with replay(monkeypatch, "linkedin", "server_error_publish") as calls, pytest.raises(ConnectorError) as caught:
        li.publish(POST)
    assert caught.value.kind == ErrorKind.UNCONFIRMED
    assert [c["url"].split("?")[0] for c in calls.sent].count("https://api.linkedin.com/rest/posts") == 1


def test_recent_posts_are_the_organisations_own_read_as_sent(
    monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector
) -> None:
    with replay(monkeypatch, "linkedin", "recent_posts"):
        posts = li.recent_posts(since=dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    assert [(p.external_id, p.text, p.url) for p in posts] == [
        (
            "urn:li:share:7100000000000000001",
            "Bin collections move to Tuesday (next week).",
            "https://www.linkedin.com/feed/update/urn:li:share:7100000000000000001/",
        )
    ]
    assert posts[0].created_at == dt.datetime(2026, 3, 2, 9, 30, 5, tzinfo=dt.UTC)
