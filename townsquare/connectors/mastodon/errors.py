"""Mastodon.py's errors -> ConnectorError: the SDK's exception says what happened, the server's last
answer (when it came) how long to wait."""

from __future__ import annotations

import requests
from mastodon import errors as m

from townsquare.connectors import http
from townsquare.connectors.base import ConnectorError, ErrorKind


def classify(exc: m.MastodonError, response: requests.Response | None, *, publishing: bool) -> ConnectorError:
    """Mastodon.py's error (with the server's last answer, where there was one) as a ConnectorError kind;
    ``publishing``: a failure that may have left the post made is UNCONFIRMED, not RETRY."""
    if isinstance(exc, m.MastodonRatelimitError):
        wait = http.retry_after_seconds(response) if response is not None else None
        return ConnectorError(
            ErrorKind.RETRY,
            "Mastodon's rate limit was reached; Townsquare will wait until it resets.",
            retry_after=wait,
            platform_code="429",
        )
    if isinstance(exc, m.MastodonNetworkError):
        cause = exc.__context__
        if isinstance(cause, requests.ConnectTimeout) or (
            isinstance(cause, requests.ConnectionError)
            and not isinstance(cause, requests.ReadTimeout)
            and "refused" in str(cause).lower()
        ):
            return ConnectorError(ErrorKind.RETRY, "Could not reach the Mastodon server.")
        if publishing:
            return ConnectorError(
                ErrorKind.UNCONFIRMED,
                "The Mastodon server did not answer in time: the post "
                "may or may not have been published. Check the account before retrying.",
            )
        return ConnectorError(ErrorKind.RETRY, "The Mastodon server did not answer in time.")
    if isinstance(exc, m.MastodonAPIError):
        status = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None
        reason = str(exc.args[3]) if len(exc.args) > 3 and exc.args[3] else ""
        if isinstance(exc, m.MastodonUnauthorizedError) or status == 401:
            return ConnectorError(
                ErrorKind.REAUTHORISE,
                "Mastodon no longer accepts this channel's access token: it has expired or been revoked.",
                platform_code="401",
            )
        if isinstance(exc, m.MastodonServerError) or (status is not None and status >= 500):
            error = ConnectorError(
                ErrorKind.RETRY, f"The Mastodon server had an error ({status}).", platform_code=str(status or "")
            )
            return http.unconfirmed_unless_proven(error, status or 500) if publishing else error
        if status == 403:
            return ConnectorError(
                ErrorKind.REJECTED, f"Mastodon refused: {reason or 'not allowed'}", platform_code="403"
            )
        if status == 404:
            return ConnectorError(ErrorKind.REJECTED, "Mastodon could not find that item.", platform_code="404")
        if status == 410:
            return ConnectorError(ErrorKind.DISCONNECT, "The Mastodon account is gone.", platform_code="410")
        if status == 422:
            return ConnectorError(
                ErrorKind.REJECTED, f"Mastodon refused the post: {reason or 'invalid'}", platform_code="422"
            )
        if status is None:
            if response is not None and 200 <= response.status_code < 300:
                # A success with a body that is not JSON: kept by the caller, not retried in a loop.
                return ConnectorError(
                    ErrorKind.REJECTED, "Mastodon's answer could not be read.", platform_code="unreadable"
                )
            if publishing:  # no answer that proves the status was not made
                return ConnectorError(
                    ErrorKind.UNCONFIRMED,
                    "Mastodon's answer could not be read: the post may or may not have been published.",
                )
            return ConnectorError(ErrorKind.RETRY, "Mastodon's answer could not be read.")
        return ConnectorError(
            ErrorKind.REJECTED, f"Mastodon refused the request ({status}): {reason}", platform_code=str(status)
        )
    return ConnectorError(ErrorKind.REJECTED, "Mastodon refused the request.")
