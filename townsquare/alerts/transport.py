"""Sending one alert to one place: an email, a Microsoft Teams Workflows webhook (an Adaptive Card), or
a generic webhook signed with a shared secret.

Webhooks are posted only through ``townsquare.net.fetch``'s checked session (https, public addresses,
connected to the address checked), never following a redirect. Errors are plain English and hold
neither the address nor the secret, nor what the server sent back.

A generic webhook's body is JSON; its headers carry ``X-Townsquare-Timestamp`` (Unix seconds) and
``X-Townsquare-Signature: sha256=<hex>``, the HMAC-SHA256 with the shared secret of the timestamp, a
full stop and the body, so a receiver can check both who sent it and that it is fresh.
``X-Townsquare-Delivery`` stays the same across retries of one delivery, for receivers that de-duplicate.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import requests
from django.conf import settings
from django.core.mail import send_mail

from townsquare.net import fetch
from townsquare.web.base_url import absolute_url

RETRY_CODES = {408, 425, 429}


class TransportError(Exception):
    """A delivery failed; ``permanent`` when trying again cannot help (an address refused, a 4xx)."""

    def __init__(self, message: str, *, status_code: int | None = None, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.permanent = permanent


@dataclass(frozen=True)
class Message:
    """What is sent, whatever the channel."""

    alert_id: int
    delivery_id: int
    council: str
    kind: str
    title: str
    summary: str
    url: str
    facts: list[tuple[str, str]]
    created_at: str


def teams_card(message: Message) -> dict[str, Any]:
    """Microsoft's message format for a Workflows webhook: one Adaptive Card (version 1.4)."""
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": message.title, "weight": "Bolder", "size": "Medium", "wrap": True},
        {"type": "TextBlock", "text": message.council, "isSubtle": True, "spacing": "None", "wrap": True},
    ]
    if message.summary:
        body.append({"type": "TextBlock", "text": message.summary, "wrap": True})
    if message.facts:
        body.append({"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in message.facts]})
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if message.url:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open in Townsquare", "url": absolute_url(message.url)}]
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }


def webhook_body(message: Message) -> dict[str, Any]:
    return {
        "alert": message.alert_id,
        "council": message.council,
        "kind": message.kind,
        "title": message.title,
        "summary": message.summary,
        "url": absolute_url(message.url) if message.url else "",
        "facts": [{"name": k, "value": v} for k, v in message.facts],
        "created_at": message.created_at,
    }


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def post_json(
    url: str, payload: dict[str, Any], *, headers: dict[str, str] | None = None, secret: str = "", delivery_id: int = 0
) -> int:
    """POST ``payload`` as JSON to an address a person typed; the status code, or ``TransportError``."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    sent = {"Content-Type": "application/json", "User-Agent": fetch.USER_AGENT, **(headers or {})}
    if delivery_id:
        sent["X-Townsquare-Delivery"] = str(delivery_id)
    if secret:
        stamp = str(int(time.time()))
        sent["X-Townsquare-Timestamp"] = stamp
        sent["X-Townsquare-Signature"] = signature(secret, stamp, body)
    session = fetch.checked_session()
    try:
        response = session.post(url, data=body, headers=sent, timeout=fetch.TIMEOUT, allow_redirects=False)
        response.close()
    except fetch.AddressRefused as exc:
        raise TransportError(exc.message, permanent=True) from exc
    except requests.Timeout as exc:
        raise TransportError(f"The webhook did not answer within {int(fetch.TIMEOUT[1])} seconds.") from exc
    except requests.exceptions.SSLError as exc:
        raise TransportError("The webhook did not offer a valid secure (https) certificate.") from exc
    except requests.RequestException as exc:
        raise TransportError("The webhook could not be reached.") from exc
    finally:
        session.close()
    code = response.status_code
    if 200 <= code < 300:
        return code
    permanent = 400 <= code < 500 and code not in RETRY_CODES
    raise TransportError(f"The webhook answered {_status_text(code)}.", status_code=code, permanent=permanent)


def _status_text(code: int) -> str:
    try:
        return f"HTTP {code} {HTTPStatus(code).phrase}"
    except ValueError:
        return f"HTTP {code}"


def send_email(address: str, message: Message) -> None:
    lines = [message.summary, ""] if message.summary else []
    lines += [f"{k}: {v}" for k, v in message.facts]
    if message.url:
        lines += ["", absolute_url(message.url)]
    try:
        send_mail(
            f"Townsquare alert: {message.title}"[:200], "\n".join(lines) + "\n", settings.DEFAULT_FROM_EMAIL, [address]
        )
    except Exception as exc:  # any mail server failure: retried, and named without the server's words
        raise TransportError(f"The email could not be sent ({type(exc).__name__}).") from exc
