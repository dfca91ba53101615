"""The Mastodon connector against mastodon-mock, a third party's stateful Mastodon server."""

from __future__ import annotations

import datetime as dt
import html
import logging

import pytest
import requests

from townsquare.channels.models import Channel
from townsquare.connectors.base import ConnectorError, ErrorKind, Image, OutboundPost
from townsquare.connectors.jobs import poll_inbound
from townsquare.connectors.listening import inbound_poll
from townsquare.connectors.models import Connection
from townsquare.connectors.selectors import channels_due_for_calls
from townsquare.connectors.services import connection_connect_with_secret, connector_for
from townsquare.connectors.upkeep import metrics_take
from townsquare.inbox.models import ReceivedItem
from townsquare.notifications.models import Notification

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cf"
    "c0f01f0005000201e2b2f6a20000000049454e44ae426082"
)
TOKEN = "riverside_token"


@pytest.fixture
def toot_channel(riverside, people) -> Channel:
    return Channel.objects.create(
        council=riverside,
        platform="mastodon",
        name="Riverside on Mastodon",
        handle="@riverside",
        owner=people.officer,
        deputy=people.councillor,
    )


@pytest.fixture
def connected(mastodon, toot_channel, people) -> Channel:
    connection_connect_with_secret(actor=people.comms, channel=toot_channel, identifier=mastodon.url, secret=TOKEN)
    return toot_channel


def _mention(mastodon, text: str, token: str = "resident_token", **extra: object) -> dict:
    answer = mastodon.as_user(token).post(f"{mastodon.url}/api/v1/statuses", data={"status": text, **extra}, timeout=10)
    answer.raise_for_status()
    return answer.json()


def test_connect_stores_the_account_and_marks_connected(connected) -> None:
    connection = Connection.objects.get(channel=connected)
    assert connection.account_handle == "@riverside"
    assert connection.state == Channel.Connection.CONNECTED
    connected.refresh_from_db()
    assert connected.connection_state == Channel.Connection.CONNECTED


def test_publish_with_image_and_alt_text_reads_back(mastodon, connected) -> None:
    alt = "A bin lorry on Mill Lane, collecting green bins."
    result = connector_for(connected).publish(
        OutboundPost(
            text="Green bins are collected on Tuesday this week.",
            link="https://riverside.example/bins",
            images=(Image(content=PNG, mime_type="image/png", alt_text=alt),),
            idempotency_key="post-1-channel-1",
        )
    )
    status = requests.get(f"{mastodon.url}/api/v1/statuses/{result.external_id}", timeout=10).json()
    assert "Green bins are collected" in status["content"]
    assert "https://riverside.example/bins" in status["content"]
    assert [m["description"] for m in status["media_attachments"]] == [alt]


def test_idempotency_key_prevents_a_duplicate(mastodon, connected) -> None:
    post = OutboundPost(text="Libraries close early on Friday.", idempotency_key="post-7-channel-3")
    first = connector_for(connected).publish(post)
    again = connector_for(connected).publish(post)
    assert again.external_id == first.external_id
    me = requests.get(
        f"{mastodon.url}/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    ).json()
    statuses = requests.get(f"{mastodon.url}/api/v1/accounts/{me['id']}/statuses", timeout=10).json()
    assert len(statuses) == 1


def test_the_accounts_own_recent_posts_read_back_as_sent(mastodon, connected) -> None:
    connector = connector_for(connected)
    since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    made = connector.publish(
        OutboundPost(text="Roadworks on Mill Lane from Monday.", link="https://riverside.example/roads")
    )
    _mention(mastodon, "@riverside not ours")
    posts = connector.recent_posts(since=since)
    ours = next(p for p in posts if p.external_id == made.external_id)
    assert "Roadworks on Mill Lane from Monday." in ours.text and "https://riverside.example/roads" in ours.text
    assert ours.url == made.url and ours.created_at is not None and ours.marker == ""
    assert all(p.external_id != "" for p in posts)


def test_reply_and_delete(mastodon, connected) -> None:
    question = _mention(mastodon, "@riverside when is the tip open?")
    connector = connector_for(connected)
    reply = connector.publish(OutboundPost(text="@resident 8am to 4pm daily.", reply_to_external_id=question["id"]))
    status = requests.get(f"{mastodon.url}/api/v1/statuses/{reply.external_id}", timeout=10).json()
    assert status["in_reply_to_id"] == question["id"]
    connector.delete(reply.external_id)
    assert requests.get(f"{mastodon.url}/api/v1/statuses/{reply.external_id}", timeout=10).status_code == 404


def test_too_long_a_post_is_rejected_with_the_servers_reason(connected) -> None:
    with pytest.raises(ConnectorError) as caught:
        connector_for(connected).publish(OutboundPost(text="x" * 501))
    assert caught.value.kind == ErrorKind.REJECTED
    assert caught.value.platform_code == "422"
    assert "Mastodon refused the post:" in caught.value.message and len(caught.value.message) > 30


def test_mentions_are_captured_since_the_cursor(mastodon, connected) -> None:
    _mention(mastodon, "@riverside the bins on Elm Road were missed")
    first = inbound_poll(channel=connected)
    assert first is not None and first.stored == 1
    assert inbound_poll(channel=connected).stored == 0  # nothing new since the cursor
    question = _mention(mastodon, "@riverside and on Oak Street")
    reply_to_us = _mention(mastodon, "@riverside thanks!", token="neighbour_token", in_reply_to_id=question["id"])
    third = inbound_poll(channel=connected)
    assert third.stored == 2
    item = ReceivedItem.objects.get(external_id=reply_to_us["id"])
    assert item.author_handle == "@neighbour" and item.text == "@riverside thanks!"
    assert item.kind == "reply" and item.in_reply_to_external_id == question["id"]
    assert item.raw["type"] == "mention" and not item.malformed
    assert Connection.objects.get(channel=connected).last_success_at is not None


def test_expired_token_needs_reconnecting_and_reconnection_loses_nothing(mastodon, connected, people) -> None:
    _mention(mastodon, "@riverside first")
    inbound_poll(channel=connected)
    mastodon.fault(
        path="/api/v1/notifications",
        effect={"type": "status", "status": 401, "body": {"error": "The access token was revoked"}},
    )
    assert inbound_poll(channel=connected) is None
    connected.refresh_from_db()
    assert connected.connection_state == Channel.Connection.NEEDS_RECONNECTING
    told = set(Notification.objects.values_list("user__email", flat=True))
    assert {people.officer.email, people.councillor.email, people.comms.email} <= told
    assert people.auditor.email not in told
    with pytest.raises(ConnectorError):
        connector_for(connected)  # a known-bad credential is not sent again
    poll_inbound(None)  # the job passes it by, and tells nobody a second time
    assert Notification.objects.count() == len(told)

    said_meanwhile = [_mention(mastodon, f"@riverside while disconnected {n}")["id"] for n in range(3)]
    mastodon.clear_faults()
    connection_connect_with_secret(actor=people.comms, channel=connected, identifier=mastodon.url, secret=TOKEN)
    inbound_poll(channel=connected)
    stored = set(ReceivedItem.objects.filter(channel=connected).values_list("external_id", flat=True))
    assert set(said_meanwhile) <= stored and len(stored) == 4


def test_a_server_error_on_a_read_is_retried(mastodon, connected) -> None:
    _mention(mastodon, "@riverside hello")
    mastodon.fault(path="/api/v1/notifications", effect={"type": "status", "status": 503}, count=1)
    result = inbound_poll(channel=connected)
    assert result is not None and result.stored == 1
    assert mastodon.faults() == []  # the fault fired once, the retry went through


def test_a_server_error_on_a_publish_is_unconfirmed_after_one_call(mastodon, connected) -> None:
    mastodon.fault(path="/api/v1/statuses", methods=["POST"], effect={"type": "status", "status": 503}, count=2)
    with pytest.raises(ConnectorError) as caught:
        connector_for(connected).publish(OutboundPost(text="Council tax bills are out.", idempotency_key="k-503"))
    # A 503 does not prove the status was not made: the caller decides (Mastodon honours the key, so
    # dispatch may send again with it; the connector itself never does).
    assert caught.value.kind == ErrorKind.UNCONFIRMED
    (left,) = mastodon.faults()
    assert left["remaining"] == 1  # exactly one attempt reached the server


def test_a_publish_that_times_out_is_unconfirmed_not_retried(mastodon, connected, monkeypatch) -> None:
    monkeypatch.setenv("TOWNSQUARE_MASTODON_REQUEST_TIMEOUT", "0.5")
    mastodon.fault(path="/api/v1/statuses", methods=["POST"], effect={"type": "latency", "delay_ms": 2000}, count=1)
    with pytest.raises(ConnectorError) as caught:
        connector_for(connected).publish(OutboundPost(text="Road closed on Friday.", idempotency_key="k-slow"))
    assert caught.value.kind == ErrorKind.UNCONFIRMED
    assert "may or may not have been published" in caught.value.message
    # The one slow attempt took the fault; a retry would have gone straight through and posted.
    assert mastodon.faults() == []
    me = requests.get(
        f"{mastodon.url}/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    ).json()
    assert len(requests.get(f"{mastodon.url}/api/v1/accounts/{me['id']}/statuses", timeout=10).json()) <= 1


def test_rate_limit_headroom_is_recorded_and_honoured(mastodon, connected) -> None:
    mastodon.fault(path="/api/v1/notifications", effect={"type": "ratelimit"}, count=2)
    assert inbound_poll(channel=connected) is None
    connection = Connection.objects.get(channel=connected)
    assert connection.last_error_kind == "retry" and connection.rate_remaining == 0
    assert connection.rate_resets_at > dt.datetime.now(dt.UTC) + dt.timedelta(seconds=200)
    assert connected not in channels_due_for_calls()
    poll_inbound(None)  # the job honours the wait: it does not call the server
    (left,) = mastodon.faults()
    assert left["remaining"] == 1


def test_opt_in_rate_limits_give_headroom_then_a_wait(mastodon_ratelimited_server, toot_channel, people) -> None:
    requests.post(f"{mastodon_ratelimited_server}/api/v1/_mock/reset", timeout=10).raise_for_status()
    connection_connect_with_secret(
        actor=people.comms, channel=toot_channel, identifier=mastodon_ratelimited_server, secret=TOKEN
    )  # two requests: verify and account
    assert inbound_poll(channel=toot_channel) is not None
    connection = Connection.objects.get(channel=toot_channel)
    assert (connection.rate_remaining, connection.rate_limit) == (1, 4)
    assert connection.rate_resets_at is not None
    metrics_take(channel=toot_channel)  # the fourth request: none left
    assert inbound_poll(channel=toot_channel) is None  # the fifth is refused with 429
    connection.refresh_from_db()
    assert connection.rate_remaining == 0 and connection.last_error_kind == "retry"
    assert toot_channel not in channels_due_for_calls()


def test_bad_token_is_refused_and_never_logged(mastodon, toot_channel, people, caplog) -> None:
    secret = "not-a-valid-token-s3cr3t-value"
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ConnectorError) as caught:
        connection_connect_with_secret(actor=people.comms, channel=toot_channel, identifier=mastodon.url, secret=secret)
    assert caught.value.kind == ErrorKind.REAUTHORISE
    assert not Connection.objects.filter(channel=toot_channel).exists()
    assert caplog.records  # logging was captured (urllib3 at least logs the call)
    assert secret not in caplog.text
    assert secret not in str(caught.value) and secret not in repr(caught.value.raw)


def test_an_unreadable_answer_is_stored_raw_and_flagged(mastodon, connected) -> None:
    _mention(mastodon, "@riverside hello")
    inbound_poll(channel=connected)
    cursor = Connection.objects.get(channel=connected).inbound_cursor
    mastodon.fault(path="/api/v1/notifications", effect={"type": "malformed"}, count=1)
    result = inbound_poll(channel=connected)
    assert result is not None and result.malformed == 1
    flagged = ReceivedItem.objects.get(malformed=True)
    assert flagged.raw == {"body": '{"error": "truncated'}
    assert Connection.objects.get(channel=connected).inbound_cursor == cursor  # read again next time


def test_an_unexpected_item_is_stored_raw_and_flagged(mastodon, connected) -> None:
    odd = [{"id": "9001", "type": "mention", "status": None, "account": {"acct": "someone"}}]
    mastodon.fault(path="/api/v1/notifications", effect={"type": "status", "status": 200, "body": odd}, count=1)
    result = inbound_poll(channel=connected)
    assert result is not None and result.stored == 1 and result.malformed == 1
    item = ReceivedItem.objects.get()
    assert item.malformed and "no post" in item.parse_error
    assert item.raw == odd[0] and item.external_id == "notification:9001"


def test_metrics_count_followers(mastodon, connected) -> None:
    snapshot = metrics_take(channel=connected)
    assert snapshot is not None and snapshot.followers == 1
    assert snapshot.raw["acct"] == "riverside"


@pytest.mark.parametrize(
    "content",
    [
        '<p>Bins not collected on <span class="h-card"><a href="https://x.example/@council" '
        'class="u-url mention">@<span>council</span></a></span> again</p><p>Second paragraph<br>new line</p>',
        "<p>Is 3 &lt; 4 &amp; 5 &gt; 2? It&#39;s &quot;odd&quot;</p>",
        "<p>A comment <!-- hidden --> stays out</p>",
        "<p>A stray > bracket</p>",
        "plain text, no tags",
        "<p>Unclosed <b>bold</p>",
        "",
    ],
)
def test_plain_text_is_what_strip_tags_gives(content: str) -> None:
    from django.utils.html import strip_tags

    from townsquare.connectors.mastodon.parsing import plain_text

    expected = html.unescape(strip_tags(content.replace("</p><p>", "\n\n").replace("<br>", "\n")))
    assert plain_text(content) == expected
