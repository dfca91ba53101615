"""Changing the words of a published post: Facebook and LinkedIn against recorded exchanges, sent once (a 5xx
or a timeout is unconfirmed, never sent again); the platforms that cannot edit say so in plain words."""

from __future__ import annotations

import pytest

from tests.connectors.replay import replay
from townsquare.connectors.base import ConnectorError, ErrorKind
from townsquare.connectors.bluesky.connector import BlueskyConnector
from townsquare.connectors.facebook.connector import FacebookConnector
from townsquare.connectors.instagram.connector import InstagramConnector
from townsquare.connectors.linkedin.connector import LinkedInConnector
from townsquare.connectors.mastodon.connector import MastodonConnector
from townsquare.connectors.x.connector import XConnector
from townsquare.connectors.youtube.connector import YouTubeConnector

FB_POST = "1122334455_987654321"
LI_POST = "urn:li:share:7300000000000000001"
NEW_WORDS = "Bin collections move to Wednesday next week."
EDIT_URL = f"https://graph.facebook.com/v23.0/{FB_POST}"
LI_EDIT_URL = "https://api.linkedin.com/rest/posts/urn%3Ali%3Ashare%3A7300000000000000001"


def test_facebook_changes_a_page_posts_message(monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector) -> None:
    assert FacebookConnector.edit_refusal == ""
    with replay(monkeypatch, "facebook", "edit") as calls:
        fb.edit(FB_POST, NEW_WORDS)
    assert [c["method"] for c in calls.sent] == ["POST"]


@pytest.mark.parametrize("fixture", ["edit_server_error", "edit_timeout"])
def test_facebook_change_without_a_clear_answer_is_unconfirmed_and_sent_once(
    monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector, waits: list[float], fixture: str
) -> None:
    with replay(monkeypatch, "facebook", fixture) as calls, pytest.raises(ConnectorError) as caught:
        fb.edit(FB_POST, NEW_WORDS)
    assert caught.value.kind == ErrorKind.UNCONFIRMED
    assert [c["url"] for c in calls.sent] == [EDIT_URL] and waits == []


def test_facebook_refusing_a_change_is_a_plain_refusal(monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector) -> None:
    with replay(monkeypatch, "facebook", "edit_refused"), pytest.raises(ConnectorError) as caught:
        fb.edit(FB_POST, NEW_WORDS)
    assert caught.value.kind == ErrorKind.REJECTED and "Invalid parameter" in caught.value.message


def test_linkedin_changes_a_posts_commentary_by_partial_update(
    monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector
) -> None:
    """The commentary is escaped as "little text", as when publishing; the version header is the connector's."""
    assert LinkedInConnector.edit_refusal == ""
    with replay(monkeypatch, "linkedin", "edit") as calls:
        li.edit(LI_POST, "Bin collections move to Wednesday (not Tuesday) next week.")
    assert [c["url"] for c in calls.sent] == [LI_EDIT_URL]


def test_linkedin_change_answered_500_is_unconfirmed_and_sent_once(
    monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector, waits: list[float]
) -> None:
    with replay(monkeypatch, "linkedin", "edit_server_error") as calls, pytest.raises(ConnectorError) as caught:
        li.edit(LI_POST, NEW_WORDS)
    assert caught.value.kind == ErrorKind.UNCONFIRMED
    assert len(calls.sent) == 1 and waits == []


def test_linkedin_refusing_a_change_is_a_plain_refusal(monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector) -> None:
    with replay(monkeypatch, "linkedin", "edit_refused"), pytest.raises(ConnectorError) as caught:
        li.edit(LI_POST, NEW_WORDS)
    assert caught.value.kind == ErrorKind.REJECTED and "commentary" in caught.value.message


def test_linkedin_reply_is_not_changed_and_nothing_is_sent(
    monkeypatch: pytest.MonkeyPatch, li: LinkedInConnector
) -> None:
    with replay(monkeypatch, "linkedin"), pytest.raises(ConnectorError) as caught:
        li.edit("urn:li:comment:(urn:li:activity:7300000000000000001,7300000000000000099)", NEW_WORDS)
    assert caught.value.kind == ErrorKind.REJECTED and "not replies" in caught.value.message


@pytest.mark.parametrize(
    ("connector", "says"),
    [
        (XConnector, "only paid (Premium) accounts"),
        (BlueskyConnector, "Bluesky does not allow editing"),
        (InstagramConnector, "cannot change a caption"),
        (YouTubeConnector, "YouTube Studio"),
    ],
)
def test_platforms_that_cannot_edit_from_here_say_why_and_send_nothing(
    monkeypatch: pytest.MonkeyPatch, connector: type, says: str
) -> None:
    assert says in connector.edit_refusal
    with replay(monkeypatch, "facebook"), pytest.raises(ConnectorError) as caught:
        connector().edit("123", NEW_WORDS)
    assert caught.value.kind == ErrorKind.REJECTED and caught.value.message == connector.edit_refusal


def test_mastodon_edits() -> None:
    assert MastodonConnector.edit_refusal == ""
