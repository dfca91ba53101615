"""Facebook Login (OAuth 2) for Pages and for Instagram business accounts linked to them.

A short-lived user token from the code is swapped for a long-lived one (about 60 days); Page tokens
got from a long-lived user token do not expire, so publishing keeps working until someone revokes
the app. ``refresh`` repeats the swap while the user token is still valid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import requests

from townsquare.connectors.base import ConnectorError, ErrorKind

DIALOG_URL = "https://www.facebook.com/{version}/dialog/oauth"

Call = Callable[..., requests.Response]


def setting(settings: dict[str, Any], name: str, platform_name: str) -> str:
    value = settings.get(name)
    if not value:
        raise ConnectorError(
            ErrorKind.REJECTED,
            f"{platform_name} is not set up on this Townsquare ({name} is "
            "missing). Ask an administrator to add the app's details.",
        )
    return str(value)


def dialog_url(*, version: str, client_id: str, redirect_uri: str, state: str, scopes: list[str]) -> str:
    query = urlencode(
        {
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "response_type": "code",
            "scope": ",".join(scopes),
        }
    )
    return f"{DIALOG_URL.format(version=version)}?{query}"


def long_lived_user_token(
    call: Call,
    *,
    graph: str,
    client_id: str,
    client_secret: str,
    code: str = "",
    redirect_uri: str = "",
    user_token: str = "",
) -> tuple[str, dt.datetime | None]:
    """Exchange a code (or a user token still valid) for a long-lived user token and its expiry."""
    if code:
        short = call(
            "GET",
            f"{graph}/oauth/access_token",
            safe_to_retry=True,
            params={"client_id": client_id, "client_secret": client_secret, "redirect_uri": redirect_uri, "code": code},
        )
        user_token = short.json()["access_token"]
    answer = call(
        "GET",
        f"{graph}/oauth/access_token",
        safe_to_retry=True,
        params={
            "grant_type": "fb_exchange_token",
            "client_id": client_id,
            "client_secret": client_secret,
            "fb_exchange_token": user_token,
        },
    ).json()
    expires_in = answer.get("expires_in")
    expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=int(expires_in)) if expires_in else None
    return str(answer["access_token"]), expires_at


def managed_pages(call: Call, *, graph: str, user_token: str, fields: str) -> list[dict[str, Any]]:
    response = call(
        "GET", f"{graph}/me/accounts", safe_to_retry=True, token=user_token, params={"fields": fields, "limit": 100}
    )
    pages: list[dict[str, Any]] = response.json().get("data", [])
    return pages


def choose(
    candidates: list[dict[str, Any]],
    *,
    wanted: str,
    label: Callable[[dict[str, Any]], str],
    ids: Callable[[dict[str, Any]], set[str]],
    platform_name: str,
) -> dict[str, Any]:
    """The one account the channel is for: named by id or handle, or the only one there is."""
    if wanted:
        wanted_key = wanted.lstrip("@").lower()
        for candidate in candidates:
            if wanted_key in {value.lower() for value in ids(candidate) if value}:
                return candidate
    elif len(candidates) == 1:
        return candidates[0]
    names = ", ".join(sorted(label(c) for c in candidates)) or "none"
    raise ConnectorError(
        ErrorKind.REJECTED,
        f"Could not tell which {platform_name} account this channel is for. "
        f"The person who connected manages: {names}. Set the channel's handle to one of them and "
        "connect again.",
    )
