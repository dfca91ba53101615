"""X API v2 error bodies -> ConnectorError, and the problems X answers with 200 in place of a post read by its id.

v2 answers problems as ``{"title", "detail", "type", "status"}`` (RFC 7807), older paths as
``{"errors": [{"message", "code"}]}``, and the token endpoint as ``{"error", "error_description"}``.
"""

from __future__ import annotations

import time
from typing import Any

import requests

from townsquare.connectors import http
from townsquare.connectors.base import ConnectorError, ErrorKind

DUPLICATE_WORDS = ("duplicate content", "duplicate")
NOT_FOUND = "https://api.twitter.com/2/problems/resource-not-found"


def _detail(body: dict[str, object]) -> str:
    errors = body.get("errors")
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    return str(body.get("detail") or body.get("error_description") or first.get("message") or body.get("title") or "")


def classify(response: requests.Response) -> ConnectorError | None:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    status = response.status_code
    detail = _detail(body) or f"HTTP {status}"
    kind_of_problem = str(body.get("type", "")) + " " + str(body.get("reason", ""))

    def fail(kind: ErrorKind, message: str, retry_after: float | None = None) -> ConnectorError:
        return ConnectorError(
            kind, message, retry_after=retry_after, platform_code=str(status), raw=body or response.text[:500]
        )

    if status == 401 or body.get("error") in ("invalid_request", "invalid_grant", "invalid_token"):
        return fail(ErrorKind.REAUTHORISE, f"X no longer accepts this connection ({detail}). Reconnect the channel.")
    if status == 429:
        wait = http.retry_after_seconds(response)
        if response.headers.get("x-user-limit-24hour-remaining") == "0":
            reset = response.headers.get("x-user-limit-24hour-reset", "")
            wait = max(wait or 0.0, float(reset) - time.time()) if reset.isdigit() else wait
        return fail(ErrorKind.RETRY, "X's rate limit was reached.", retry_after=wait)
    if status == 403:
        lowered = detail.lower()
        if any(word in lowered for word in DUPLICATE_WORDS):
            return fail(
                ErrorKind.REJECTED,
                "X refused this as a duplicate of a recent post. Change the wording before publishing again.",
            )
        if "client-forbidden" in kind_of_problem or "client-not-enrolled" in kind_of_problem:
            return fail(
                ErrorKind.REJECTED,
                f"X refused: Townsquare's app lacks the access level for this ({detail}). "
                "An administrator must fix the app's access.",
            )
        if "scope" in lowered or "oauth1-permissions" in kind_of_problem or "permission" in lowered:
            missing = fail(
                ErrorKind.REAUTHORISE,
                f"X refused: the connection is missing a permission ({detail}). "
                "Reconnect the channel and grant every permission asked for.",
            )
            missing.missing_permission = True
            return missing
        return fail(ErrorKind.REJECTED, f"X refused: {detail}")
    if status >= 500:
        return fail(ErrorKind.RETRY, f"X had a temporary problem ({detail}).")
    if status in (400, 404, 409, 422):
        return fail(ErrorKind.REJECTED, f"X refused the request: {detail}")
    return None


def post_shown(answer: Any, post_id: str) -> Any:
    """The post in X's answer to ``GET /2/tweets/:id`` (its ``data``). X answers a post that no longer exists with
    200, no ``data`` and a ``resource-not-found`` problem naming it: None. Any other problem in place of the post
    (one this account may not see) is a refusal, raised; an answer of another shape is left for the caller."""
    if not isinstance(answer, dict):
        return answer
    if answer.get("data") is not None:
        return answer["data"]
    problems = [p for p in answer.get("errors") or [] if isinstance(p, dict)]
    if any(p.get("type") == NOT_FOUND and post_id in (p.get("resource_id"), p.get("value")) for p in problems):
        return None
    if not problems:
        return answer
    kind = str(problems[0].get("type", "")).rsplit("/", 1)[-1]
    raise ConnectorError(ErrorKind.REJECTED, f"X refused: {_detail(answer)}", platform_code=f"200/{kind}", raw=answer)
