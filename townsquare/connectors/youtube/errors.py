"""Google API error bodies -> ConnectorError.

Google answers ``{"error": {"code", "message", "errors": [{"domain", "reason", "message"}]}}``;
the ``reason`` says what happened. The OAuth token endpoint answers ``{"error", "error_description"}``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

import requests

from townsquare.connectors.base import ConnectorError, ErrorKind

QUOTA_REASONS = {"quotaExceeded", "dailyLimitExceeded"}
RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
AUTH_REASONS = {"authError", "invalid_grant", "invalidCredentials", "expired"}
PERMISSION_REASONS = {"insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"}


def seconds_to_quota_reset() -> float:
    """YouTube's daily quota resets at midnight Pacific time."""
    now = dt.datetime.now(ZoneInfo("America/Los_Angeles"))
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), now.tzinfo)
    return (midnight - now).total_seconds()


def classify_parts(status: int, content: bytes | str, headers: Mapping[str, Any]) -> ConnectorError:
    try:
        body = json.loads(content or b"{}")
    except ValueError:
        body = {}
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, str):  # the OAuth token endpoint
        reasons = {error}
        message = str(body.get("error_description") or error)
        raw: Any = body
    else:
        error = error if isinstance(error, dict) else {}
        reasons = {str(e.get("reason")) for e in error.get("errors", []) if isinstance(e, dict)}
        message = str(error.get("message") or f"HTTP {status}")
        raw = error or str(content)[:500]
    code = f"{status}/{','.join(sorted(reasons))}" if reasons else str(status)

    def fail(kind: ErrorKind, text: str, retry_after: float | None = None) -> ConnectorError:
        return ConnectorError(
            kind,
            text,
            retry_after=retry_after,
            platform_code=code,
            raw=raw,
            missing_permission=bool(reasons & PERMISSION_REASONS) and status != 401 and not reasons & AUTH_REASONS,
        )

    if reasons & QUOTA_REASONS:
        return fail(
            ErrorKind.RETRY,
            "YouTube's daily quota for Townsquare is used up; it renews at midnight Pacific time.",
            retry_after=seconds_to_quota_reset(),
        )
    if reasons & RATE_REASONS or status == 429:
        retry_after = headers.get("retry-after")
        wait = float(retry_after) if retry_after and str(retry_after).isdigit() else 60.0
        return fail(ErrorKind.RETRY, f"YouTube's rate limit was reached ({message}).", retry_after=wait)
    if status == 401 or reasons & AUTH_REASONS:
        return fail(
            ErrorKind.REAUTHORISE, f"YouTube no longer accepts this connection ({message}). Reconnect the channel."
        )
    if reasons & PERMISSION_REASONS:
        return fail(
            ErrorKind.REAUTHORISE,
            f"YouTube refused: the connection is missing a permission ({message}). "
            "Reconnect the channel and grant every permission asked for.",
        )
    if "uploadLimitExceeded" in reasons:
        return fail(
            ErrorKind.RETRY, f"YouTube's upload limit for this channel was reached ({message}).", retry_after=86400.0
        )
    if status >= 500:
        return fail(ErrorKind.RETRY, f"YouTube had a temporary problem ({message}).")
    return fail(ErrorKind.REJECTED, f"YouTube refused: {message}")


def classify(response: requests.Response) -> ConnectorError:
    return classify_parts(response.status_code, response.content, response.headers)
