"""Hiding a resident's reply or comment on X, Facebook and Instagram, against recorded exchanges
(tests/connectors/fixtures/<platform>/hide_*.json): what is sent, and what is refused before anything is."""

from __future__ import annotations

from typing import Any

import pytest

from tests.connectors.replay import replay
from townsquare.connectors.base import ConnectorError, Credentials, ErrorKind
from townsquare.connectors.facebook.connector import FacebookConnector
from townsquare.connectors.instagram.connector import InstagramConnector
from townsquare.connectors.registry import connector_class
from townsquare.connectors.x.connector import XConnector
from townsquare.connectors.x.hiding import A_MESSAGE, NOT_A_REPLY, NOT_OURS

ME = "1500000000000000001"
REPLY = {
    "id": "1890000000000000201",
    "text": "@RiversideDC you are all useless",
    "author_id": "1600000000000000009",
    "conversation_id": "1890000000000000100",
    "referenced_tweets": [{"type": "replied_to", "id": "1890000000000000100"}],
}


@pytest.fixture
def x() -> XConnector:
    creds = Credentials(data={"access_token": "x-access-1", "user_id": ME, "username": "RiversideDC"})
    return XConnector(creds, settings={"client_id": "x-client-id"}, sleep=lambda _: None)


def _page(cls: type) -> Any:
    data = {"page_id": "1122334455", "page_token": "page-token", "ig_user_id": "17841400000000001"}
    return cls(Credentials(data=data), settings={"client_id": "meta-app-id"}, sleep=lambda _: None)


def test_the_three_platforms_offer_hiding() -> None:
    for platform in ("x", "facebook", "instagram"):
        assert connector_class(platform).hide_refusal == ""
    assert "tweet.moderate.write" in XConnector(settings={"client_id": "c"}).authorisation_url(
        state="s", redirect_uri="https://townsquare.example/cb", code_challenge="c" * 43
    )


def test_x_hides_a_reply_in_the_accounts_own_conversation(monkeypatch: pytest.MonkeyPatch, x: XConnector) -> None:
    with replay(monkeypatch, "x", "hide_reply") as played:
        x.hide_comment(external_id=REPLY["id"], raw=REPLY)
    assert [s["method"] for s in played.sent] == ["GET", "PUT"]


def test_x_refuses_someone_elses_conversation_before_hiding(monkeypatch: pytest.MonkeyPatch, x: XConnector) -> None:
    with replay(monkeypatch, "x", "hide_not_ours") as played, pytest.raises(ConnectorError) as refused:
        x.hide_comment(external_id=REPLY["id"], raw=REPLY)
    assert (refused.value.kind, refused.value.message) == (ErrorKind.REJECTED, NOT_OURS)
    assert [s["method"] for s in played.sent] == ["GET"]  # no PUT was made


def test_x_passes_on_its_own_refusal(monkeypatch: pytest.MonkeyPatch, x: XConnector) -> None:
    with replay(monkeypatch, "x", "hide_refused"), pytest.raises(ConnectorError) as refused:
        x.hide_comment(external_id=REPLY["id"], raw=REPLY)
    assert refused.value.kind == ErrorKind.REJECTED and "not allowed to hide this reply" in refused.value.message


def test_x_refuses_a_mention_that_is_no_reply_and_a_message_without_a_call(
    monkeypatch: pytest.MonkeyPatch, x: XConnector
) -> None:
    with replay(monkeypatch, "x"):  # no exchange may be made
        for raw, message in (
            ({"id": "1", "text": "@RiversideDC hello", "conversation_id": "1"}, NOT_A_REPLY),
            ({"id": "2", "text": "hi", "event_type": "MessageCreate", "dm_conversation_id": "1-2"}, A_MESSAGE),
        ):
            with pytest.raises(ConnectorError) as refused:
                x.hide_comment(external_id=str(raw["id"]), raw=raw)
            assert refused.value.message == message


def test_facebook_hides_a_comment(monkeypatch: pytest.MonkeyPatch) -> None:
    with replay(monkeypatch, "facebook", "hide_comment"):
        _page(FacebookConnector).hide_comment(external_id="1122334455_987654321_5550001", raw={"message": "Rubbish"})


def test_facebook_passes_on_graphs_refusal_and_refuses_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    connector = _page(FacebookConnector)
    with replay(monkeypatch, "facebook", "hide_refused"), pytest.raises(ConnectorError) as refused:
        connector.hide_comment(external_id="9988776655_1234567890", raw={"message": "Tagged"})
    assert refused.value.kind == ErrorKind.REJECTED and "is_hidden is not valid" in refused.value.message
    with replay(monkeypatch, "facebook"), pytest.raises(ConnectorError) as refused:
        connector.hide_comment(external_id="m_abc123", raw={"message": "Hello"})
    assert "Messenger message cannot be hidden" in refused.value.message


def test_instagram_hides_a_comment_and_refuses_a_tagged_post(monkeypatch: pytest.MonkeyPatch) -> None:
    connector = _page(InstagramConnector)
    with replay(monkeypatch, "instagram", "hide_comment"):
        connector.hide_comment(external_id="17870000000000301", raw={"id": "17870000000000301", "text": "Rubbish"})
    with replay(monkeypatch, "instagram"), pytest.raises(ConnectorError) as refused:
        connector.hide_comment(external_id="17900000000000001", raw={"caption": "Look @riversidedc"})
    assert refused.value.message == "Instagram lets an account hide comments only, not posts."
