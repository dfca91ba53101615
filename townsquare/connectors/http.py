"""The one place connectors make outbound HTTP calls.

Reads are retried with back-off on network errors, 429 and 5xx, honouring Retry-After and the
platforms' rate-limit reset headers. A publishing call (``safe_to_retry=False``) is sent once, and
only an answer that proves nothing was made is a plain refusal: a 5xx, a 408, a timeout or a
dropped connection after sending becomes ``UNCONFIRMED`` (see ``unconfirmed_unless_proven``). What
may be tried again later is what never left (connection refused, connect timeout) and a 429.
Tests of platforms without a local server mock exactly this module's ``send``.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import requests

from townsquare.connectors.base import ConnectorError, ErrorKind, RateHeadroom

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (5.0, 30.0)  # connect, read
MAX_READ_ATTEMPTS = 4
MAX_WAIT_SECONDS = 60.0

_local = threading.local()

# platform error body -> ConnectorError; each connector passes its own
Classifier = Callable[[requests.Response], ConnectorError | None]

REMAINING_HEADERS = ("x-ratelimit-remaining", "x-rate-limit-remaining", "ratelimit-remaining")
LIMIT_HEADERS = ("x-ratelimit-limit", "x-rate-limit-limit", "ratelimit-limit")
RESET_HEADERS = ("x-ratelimit-reset", "x-rate-limit-reset", "ratelimit-reset")


def session() -> requests.Session:
    """This thread's session: connections to a platform are kept alive between calls.

    One per thread, because a requests session is not safe to share between threads (and its pool
    would discard connections beyond ten per host when many workers' threads call one platform).
    """
    current: requests.Session | None = getattr(_local, "session", None)
    if current is None:
        current = requests.Session()
        current.headers["User-Agent"] = "Townsquare/1.0 (+council social media management)"
        _local.session = current
    return current


def send(method: str, url: str, **kwargs: Any) -> requests.Response:
    """The raw call; tests for platforms without a local server replace this function."""
    return session().request(method, url, **kwargs)


def _header_int(response: requests.Response, names: tuple[str, ...]) -> int | None:
    for name in names:
        value = response.headers.get(name)
        if value is not None:
            try:
                return int(float(value))
            except ValueError:
                return None
    return None


def headroom(response: requests.Response) -> RateHeadroom | None:
    remaining = _header_int(response, REMAINING_HEADERS)
    if remaining is None:
        return None
    reset = _header_int(response, RESET_HEADERS)
    resets_at = None
    if reset is not None:
        # Unix time (X, Mastodon ISO aside) or seconds from now (IETF draft header).
        resets_at = (
            dt.datetime.fromtimestamp(reset, dt.UTC)
            if reset > 10**9
            else dt.datetime.now(dt.UTC) + dt.timedelta(seconds=reset)
        )
    return RateHeadroom(remaining=remaining, limit=_header_int(response, LIMIT_HEADERS), resets_at=resets_at)


def retry_after_seconds(response: requests.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value:
        try:
            return float(value)
        except ValueError:
            return None
    room = headroom(response)
    if room and room.remaining == 0 and room.resets_at:
        return max(0.0, (room.resets_at - dt.datetime.now(dt.UTC)).total_seconds())
    return None


def default_classify(response: requests.Response) -> ConnectorError:
    status = response.status_code
    text = response.text[:500]
    if status in (401,):
        return ConnectorError(
            ErrorKind.REAUTHORISE,
            "The platform no longer accepts this connection's credentials.",
            platform_code=str(status),
            raw=text,
        )
    if status == 403:
        return ConnectorError(ErrorKind.REJECTED, f"The platform refused: {text}", platform_code="403", raw=text)
    if status == 404:
        return ConnectorError(
            ErrorKind.REJECTED, "The platform could not find that item.", platform_code="404", raw=text
        )
    if status == 429:
        return ConnectorError(
            ErrorKind.RETRY,
            "The platform's rate limit was reached.",
            retry_after=retry_after_seconds(response),
            platform_code="429",
            raw=text,
        )
    if status >= 500:
        return ConnectorError(
            ErrorKind.RETRY, f"The platform had an error ({status}).", platform_code=str(status), raw=text
        )
    return ConnectorError(
        ErrorKind.REJECTED, f"The platform refused the request ({status}): {text}", platform_code=str(status), raw=text
    )


def call(
    method: str,
    url: str,
    *,
    safe_to_retry: bool,
    classify: Classifier | None = None,
    on_headroom: Callable[[RateHeadroom], None] | None = None,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    sleep: Callable[[float], None] = time.sleep,
    **kwargs: Any,
) -> requests.Response:
    """Make one logical call; returns a 2xx response or raises ConnectorError.

    Never logs headers, bodies or URLs' query strings: they carry tokens.
    """
    attempts = MAX_READ_ATTEMPTS if safe_to_retry else 1
    last: ConnectorError | None = None
    for attempt in range(1, attempts + 1):
        try:
            response = send(method, url, timeout=timeout, **kwargs)
        except requests.ConnectTimeout as exc:
            # Nothing reached the platform: even a publish may be tried again later.
            last = ConnectorError(ErrorKind.RETRY, "Could not reach the platform (connection timed out).", raw=str(exc))
        except requests.ConnectionError as exc:
            if not safe_to_retry and not _failed_before_sending(exc):
                raise ConnectorError(
                    ErrorKind.UNCONFIRMED,
                    "The connection dropped after sending: the platform may "
                    "or may not have published. Check the account before retrying.",
                ) from exc
            last = ConnectorError(ErrorKind.RETRY, "Could not reach the platform.", raw=type(exc).__name__)
        except requests.Timeout as exc:
            if not safe_to_retry:
                raise ConnectorError(
                    ErrorKind.UNCONFIRMED,
                    "The platform did not answer in time: it may or may not "
                    "have published. Check the account before retrying.",
                ) from exc
            last = ConnectorError(ErrorKind.RETRY, "The platform did not answer in time.")
        else:
            room = headroom(response)
            if room is not None and on_headroom is not None:
                on_headroom(room)
            if 200 <= response.status_code < 300:
                return response
            error = (classify(response) if classify else None) or default_classify(response)
            if not safe_to_retry:
                raise unconfirmed_unless_proven(error, response.status_code)
            if error.kind != ErrorKind.RETRY:
                raise error
            last = error
        if attempt < attempts:
            wait = last.retry_after if last.retry_after is not None else 0.5 * 2 ** (attempt - 1)
            if wait > MAX_WAIT_SECONDS:
                break
            log.info("retrying %s %s in %.1fs (%s)", method, url.split("?")[0], wait, last.kind)
            sleep(wait)
    assert last is not None
    raise last


def unconfirmed_unless_proven(error: ConnectorError, status: int | None) -> ConnectorError:
    """A publishing call's error as it stands for the post: a refusal the platform made before creating
    anything (4xx, a 429 rate limit) stays what it is; a 5xx or a 408 proves nothing either way, so the
    post may exist: ``UNCONFIRMED``, for the caller to resolve from the account instead of re-sending."""
    if (
        status is None
        or not (status >= 500 or status == 408)
        or error.kind in (ErrorKind.UNCONFIRMED, ErrorKind.REAUTHORISE)
    ):
        return error
    return ConnectorError(
        ErrorKind.UNCONFIRMED,
        f"The platform answered with an error ({status}) after the post was sent: it may or may not have published.",
        platform_code=error.platform_code or str(status),
        raw=error.raw,
    )


def _failed_before_sending(exc: requests.ConnectionError) -> bool:
    """True when the error shows the request never left (refused, DNS), so nothing was published."""
    text = str(exc).lower()
    return any(word in text for word in ("connection refused", "name or service not known", "failed to establish"))


T = TypeVar("T")


def retry_read(
    fetch: Callable[[], T], *, sleep: Callable[[float], None] = time.sleep, attempts: int = MAX_READ_ATTEMPTS
) -> T:
    """Run a read through a platform SDK with the same policy as ``call``: back off on RETRY
    errors, honour the platform's wait, give up at once when that wait is too long.

    Only for reads: a publish goes through its SDK once, never through here.
    """
    for attempt in range(1, attempts + 1):
        try:
            return fetch()
        except ConnectorError as error:
            if error.kind != ErrorKind.RETRY or attempt == attempts:
                raise
            wait = error.retry_after if error.retry_after is not None else 0.5 * 2 ** (attempt - 1)
            if wait > MAX_WAIT_SECONDS:
                raise
            log.info("retrying a read in %.1fs (%s)", wait, error.platform_code or error.kind)
            sleep(wait)
    raise AssertionError("unreachable")


class RoutedSession(requests.Session):
    """A requests session for platform SDKs (Mastodon.py takes one) that sends through ``send``,
    so SDK calls pass the same single place as everything else; it remembers the last response
    so a connector can keep a body its SDK could not parse."""

    last_response: requests.Response | None = None

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if args:  # SDKs pass everything by keyword; refuse silently-misplaced arguments
            raise TypeError("RoutedSession.request takes keyword arguments only")
        response = send(
            method.decode() if isinstance(method, bytes) else method,
            url.decode() if isinstance(url, bytes) else url,
            **kwargs,
        )
        self.last_response = response
        return response
