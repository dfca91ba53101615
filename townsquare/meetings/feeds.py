"""Fetching a council's meeting calendar feed: the one place this package makes an outbound call.

A feed is read-only and small, so a failed fetch is simply reported: the job records the error
on the council's settings and carries on with the next council; it never raises.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests

TIMEOUT = (5.0, 20.0)  # connect, read
MAX_BYTES = 2 * 1024 * 1024
USER_AGENT = "Townsquare/1.0 (+council meeting calendar)"


@dataclass(frozen=True)
class FeedFetch:
    content: bytes | None
    error: str = ""


def feed_fetch(url: str) -> FeedFetch:
    """The feed's bytes, or a plain-English error; never raises for a bad address or server."""
    if not url.lower().startswith(("http://", "https://")):
        return FeedFetch(None, "The feed address must start with http:// or https://.")
    try:
        with requests.get(url, timeout=TIMEOUT, stream=True, allow_redirects=True,
                          headers={"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"}) as response:
            if response.status_code != 200:
                return FeedFetch(None, f"The feed answered HTTP {response.status_code} {response.reason or ''}".strip()
                                 + ".")
            body = bytearray()
            for chunk in response.iter_content(chunk_size=65536):
                body += chunk
                if len(body) > MAX_BYTES:
                    return FeedFetch(None, "The feed is larger than 2 MB.")
    except requests.Timeout:
        return FeedFetch(None, f"The feed did not answer within {int(TIMEOUT[1])} seconds.")
    except requests.RequestException as exc:
        return FeedFetch(None, f"The feed could not be reached: {type(exc).__name__}.")
    return FeedFetch(bytes(body))
