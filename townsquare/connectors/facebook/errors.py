"""Graph API error bodies -> ConnectorError (shared by the Facebook and Instagram connectors).

Graph answers ``{"error": {"message", "type", "code", "error_subcode", "error_user_msg"}}``;
the numeric ``code`` says what happened, whatever the HTTP status.
"""

from __future__ import annotations

import json

import requests

from townsquare.connectors import http
from townsquare.connectors.base import ConnectorError, ErrorKind

TOKEN_CODES = {190, 102}  # token expired, revoked, password changed; session key invalid
RATE_CODES = {4, 17, 32, 613}  # app, user, Page and custom rate limits
APP_PERMISSION_CODE = 10  # the app itself lacks the permission (app review): reconnecting will not help
POLICY_BLOCK_CODE = 368  # temporarily blocked for policy reasons
DUPLICATE_CODE = 506  # a duplicate of a recent post
TRANSIENT_CODES = {1, 2}  # unknown error, service temporarily unavailable
DEFAULT_RATE_WAIT = 300.0  # Graph throttles for minutes at least; a quick retry only deepens it


def _regain_seconds(response: requests.Response) -> float | None:
    """Graph's own estimate, in minutes, in the business-use-case usage header."""
    header = response.headers.get("x-business-use-case-usage")
    if not header:
        return None
    try:
        usage = json.loads(header)
        minutes = max(
            float(entry.get("estimated_time_to_regain_access", 0)) for entries in usage.values() for entry in entries
        )
    except (ValueError, TypeError, AttributeError):
        return None
    return minutes * 60 if minutes > 0 else None


def graph_error(response: requests.Response) -> dict[str, object] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else None


def classify(response: requests.Response, *, platform_name: str = "Facebook") -> ConnectorError | None:
    error = graph_error(response)
    if error is None:
        return None
    try:
        code = int(str(error.get("code") or 0))
    except ValueError:
        code = 0
    subcode = error.get("error_subcode")
    reason = str(error.get("error_user_msg") or error.get("message") or "no reason given")
    platform_code = f"{code}/{subcode}" if subcode else str(code)

    def fail(kind: ErrorKind, message: str, retry_after: float | None = None) -> ConnectorError:
        return ConnectorError(
            kind,
            message,
            retry_after=retry_after,
            platform_code=platform_code,
            raw=error,
            missing_permission=code == APP_PERMISSION_CODE or 200 <= code <= 299,
        )

    if code in TOKEN_CODES:
        return fail(
            ErrorKind.REAUTHORISE,
            f"{platform_name} no longer accepts this connection ({reason}). Reconnect the channel.",
        )
    if code in RATE_CODES:
        wait = _regain_seconds(response) or http.retry_after_seconds(response) or DEFAULT_RATE_WAIT
        return fail(ErrorKind.RETRY, f"{platform_name}'s rate limit was reached ({reason}).", retry_after=wait)
    if code == APP_PERMISSION_CODE:
        return fail(
            ErrorKind.REJECTED,
            f"{platform_name} refused: Townsquare's app does not have permission for "
            f"this ({reason}). An administrator must fix the app's permissions.",
        )
    if 200 <= code <= 299:
        return fail(
            ErrorKind.REAUTHORISE,
            f"{platform_name} refused: the connection is missing a permission "
            f"({reason}). Reconnect the channel and grant every permission asked for.",
        )
    if code == POLICY_BLOCK_CODE:
        return fail(
            ErrorKind.REJECTED, f"{platform_name} has temporarily blocked this account from doing this ({reason})."
        )
    if code == DUPLICATE_CODE:
        return fail(
            ErrorKind.REJECTED,
            f"{platform_name} refused this as a duplicate of a recent post. "
            "Change the wording before publishing again.",
        )
    if code in TRANSIENT_CODES or response.status_code >= 500:
        return fail(ErrorKind.RETRY, f"{platform_name} had a temporary problem ({reason}).")
    return fail(ErrorKind.REJECTED, f"{platform_name} refused the request: {reason}")
