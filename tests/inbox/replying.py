"""Helpers for the reply tests: a Riverside Mastodon account connected to a real mastodon-mock server,
and a resident (seeded account 1) who mentions it."""

from __future__ import annotations

import requests

from tests.inbox.following import stored_and_followed
from townsquare.channels.models import Channel
from townsquare.connectors.services import connector_for
from townsquare.inbox.models import ReceivedItem


def resident_says(server_url: str, text: str, *, token: str = "token1", in_reply_to: str = "") -> str:
    """The resident posts on the server, mentioning the council's account; returns the status id."""
    data = {"status": f"@council0 {text}"}
    if in_reply_to:
        data["in_reply_to_id"] = in_reply_to
    answer = requests.post(
        f"{server_url}/api/v1/statuses", headers={"Authorization": f"Bearer {token}"}, data=data, timeout=10
    )
    answer.raise_for_status()
    return str(answer.json()["id"])


def ingest(channel: Channel, external_id: str) -> ReceivedItem:
    """Read the account's mentions as the inbox does (the follow-on job run too), and return the stored item
    for this status."""
    page = connector_for(channel).fetch_inbound()
    stored_and_followed(channel=channel, items=page.items)
    return ReceivedItem.objects.get(channel=channel, external_id=external_id)


def council_statuses(server_url: str) -> list[dict[str, object]]:
    headers = {"Authorization": "Bearer token0"}
    me = requests.get(f"{server_url}/api/v1/accounts/verify_credentials", headers=headers, timeout=10).json()
    answer = requests.get(f"{server_url}/api/v1/accounts/{me['id']}/statuses?limit=40", headers=headers, timeout=10)
    answer.raise_for_status()
    return list(answer.json())
