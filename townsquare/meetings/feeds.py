"""Fetching a council's meeting calendar feed: the one place this package makes an outbound call.

The feed's address is typed by a person, so it is fetched with ``townsquare.net.fetch``: https
only, public addresses only (checked after DNS and on each redirect), bounded in size and time.
A feed is read-only and small, so a failed fetch is simply reported: the job records the error
on the council's settings and carries on with the next council; it never raises.
"""

from __future__ import annotations

from dataclasses import dataclass

from townsquare.net.fetch import AddressRefused, FetchFailed, address_check, fetch

MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class FeedFetch:
    content: bytes | None
    error: str = ""


def feed_address_check(url: str) -> str:
    """The address, if it may be stored as a feed; else ``AddressRefused`` with a message to show."""
    return address_check(url)


def feed_fetch(url: str) -> FeedFetch:
    """The feed's bytes, or a plain-English error; never raises for a bad address or server.

    The error never repeats what the server sent: only its status, or what went wrong.
    """
    try:
        fetched = fetch(url, max_bytes=MAX_BYTES, accept="text/calendar, */*;q=0.5", what="The feed")
    except (AddressRefused, FetchFailed) as exc:
        return FeedFetch(None, exc.message)
    return FeedFetch(fetched.content)
