"""LinkedIn error bodies -> ConnectorError.

REST answers ``{"status", "serviceErrorCode", "code", "message"}``; the OAuth endpoints answer
``{"error", "error_description"}``.
"""

from __future__ import annotations

import datetime as dt

import requests

from townsquare.connectors import http
from townsquare.connectors.base import ConnectorError, ErrorKind

TOKEN_CODES = {"EXPIRED_ACCESS_TOKEN", "REVOKED_ACCESS_TOKEN", "INVALID_ACCESS_TOKEN"}


def _seconds_to_utc_midnight() -> float:
    now = dt.datetime.now(dt.UTC)
    return (dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), dt.UTC) - now).total_seconds()


def classify(response: requests.Response) -> ConnectorError | None:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    status = response.status_code
    code = str(body.get("code") or body.get("error") or "")
    reason = str(body.get("message") or body.get("error_description") or f"HTTP {status}")
    platform_code = f"{status}/{code}" if code else str(status)

    def fail(kind: ErrorKind, message: str, retry_after: float | None = None) -> ConnectorError:
        return ConnectorError(
            kind,
            message,
            retry_after=retry_after,
            platform_code=platform_code,
            raw=body or response.text[:500],
            missing_permission=status == 403 and code not in TOKEN_CODES,
        )

    if (
        status == 401
        or code in TOKEN_CODES
        or (code in ("invalid_grant", "invalid_request") and "token" in reason.lower())
    ):
        return fail(
            ErrorKind.REAUTHORISE, f"LinkedIn no longer accepts this connection ({reason}). Reconnect the channel."
        )
    if status == 429:
        wait = http.retry_after_seconds(response)
        if wait is None:
            # LinkedIn's limits are daily and it sends no Retry-After: wait for the UTC day to turn.
            wait = _seconds_to_utc_midnight() if "DAY" in reason.upper() else 60.0
        return fail(ErrorKind.RETRY, f"LinkedIn's rate limit was reached ({reason}).", retry_after=wait)
    if status == 403:
        return fail(
            ErrorKind.REAUTHORISE,
            f"LinkedIn refused: the connection is missing a permission, or the person "
            f"who connected is no longer an administrator of the page ({reason}). Reconnect as a page "
            "administrator and grant every permission asked for.",
        )
    if status == 422 and "duplicate" in reason.lower():
        return fail(
            ErrorKind.REJECTED,
            "LinkedIn refused this as a duplicate of a recent post. Change the wording before publishing again.",
        )
    if status >= 500:
        return fail(ErrorKind.RETRY, f"LinkedIn had a temporary problem ({reason}).")
    if 400 <= status < 500:
        return fail(ErrorKind.REJECTED, f"LinkedIn refused the request: {reason}")
    return None
