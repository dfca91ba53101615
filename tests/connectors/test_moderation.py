"""Hiding a resident's reply and answering privately, against the real servers: each platform does what it
allows and says plainly what it does not."""

from __future__ import annotations

import pytest
from atproto import models

from townsquare.connectors.base import ConnectorError, ErrorKind
from townsquare.connectors.bluesky.threadgate import NOT_OURS
from townsquare.connectors.mastodon.connector import MastodonConnector
from townsquare.connectors.registry import connector_class
from townsquare.connectors.services import connector_for

from .test_bluesky import _record, connected, council_account, make_account, sky_channel  # noqa: F401


def _answer(client, text: str, root):  # type: ignore[no-untyped-def]
    ref = models.ComAtprotoRepoStrongRef.Main(uri=root.uri, cid=root.cid)
    return client.send_post(
        text, reply_to=models.AppBskyFeedPost.ReplyRef(root=ref, parent=ref), profile_identify=client._session.did
    )


def test_bluesky_hides_a_reply_in_the_councils_own_thread(bluesky_pds, connected, council_account) -> None:  # noqa: F811
    client, _ = council_account
    resident, _ = make_account(bluesky_pds, "resident")
    notice = client.send_post("Bins go out on Tuesday this week.", profile_identify=client._session.did)
    notice_ref = {"uri": notice.uri, "cid": notice.cid}
    rude = _answer(resident, "Rubbish council", notice)
    worse = _answer(resident, "Still rubbish", notice)
    connector = connector_for(connected)
    connector.hide_comment(external_id=rude.uri, raw={})  # read from its repository
    connector.hide_comment(external_id=worse.uri, raw={"record": {"reply": {"root": notice_ref}}})
    connector.hide_comment(external_id=worse.uri, raw={})  # hiding again changes nothing
    gate = _record(client, f"{notice.uri.rsplit('/', 2)[0]}/app.bsky.feed.threadgate/{notice.uri.rsplit('/', 1)[1]}")
    assert gate["post"] == notice.uri and gate["hiddenReplies"] == [rude.uri, worse.uri]


def test_bluesky_says_it_cannot_hide_in_someone_elses_thread(bluesky_pds, connected) -> None:  # noqa: F811
    resident, _ = make_account(bluesky_pds, "resident")
    theirs = resident.send_post("My own thread", profile_identify=resident._session.did)
    answer = _answer(resident, "and more", theirs)
    with pytest.raises(ConnectorError) as refused:
        connector_for(connected).hide_comment(external_id=answer.uri, raw={})
    assert refused.value.kind == ErrorKind.REJECTED and refused.value.message == NOT_OURS


def test_each_platform_says_what_it_cannot_do() -> None:
    assert connector_class("mastodon").private_refusal == "" and "Mastodon does not" in MastodonConnector.hide_refusal
    assert (
        connector_class("bluesky").hide_refusal == "" and "chat service" in connector_class("bluesky").private_refusal
    )
    for platform in ("x", "facebook", "instagram", "linkedin", "youtube"):
        assert connector_class(platform).private_refusal
    for platform in ("linkedin", "youtube"):  # X, Facebook and Instagram hide: tests/connectors/test_hiding.py
        assert connector_class(platform).hide_refusal
    with pytest.raises(ConnectorError) as refused:
        MastodonConnector().hide_comment(external_id="1", raw={})
    assert refused.value.message == MastodonConnector.hide_refusal
