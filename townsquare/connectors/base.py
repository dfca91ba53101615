"""The one interface every platform connector implements.

Shared code never asks which platform a channel is on: it gets the connector from the registry
and calls these methods. Every failure comes back as ``ConnectorError`` with a ``kind``.

Contract for publishing (see ``publish``): the call is attempted once. The caller records the
attempt (with its idempotency key) before calling; a timeout or a lost response raises
``ConnectorError(kind=UNCONFIRMED)`` and must never be retried blindly.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar


class ErrorKind(enum.StrEnum):
    RETRY = "retry"  # transient (5xx, 429, network before sending): safe to try again later
    REAUTHORISE = "reauthorise"  # credential expired or revoked: the channel needs reconnecting
    REJECTED = "rejected"  # the platform refused the content; ``message`` is its reason, for a person
    DISCONNECT = "disconnect"  # the account is gone or the app was removed: stop using the channel
    UNCONFIRMED = "unconfirmed"  # a publish may or may not have happened (timeout): a person resolves it


class ConnectorError(Exception):
    def __init__(
        self,
        kind: ErrorKind,
        message: str,
        *,
        retry_after: float | None = None,
        platform_code: str = "",
        raw: Any = None,
        missing_permission: bool = False,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.retry_after = retry_after
        self.platform_code = platform_code
        self.raw = raw
        # A permission the connection was not granted (reconnecting and granting it helps), as opposed
        # to credentials no longer accepted: an optional part of a snapshot is then left out, not failed.
        self.missing_permission = missing_permission


@dataclass(frozen=True)
class Limits:
    max_chars: int
    max_images: int
    max_alt_text_chars: int | None  # None: the platform takes no alt text
    video: bool
    link_counts_as: int | None = None  # X counts every link as 23 characters
    max_video_seconds: int | None = None
    rate_limit_per_hour: int | None = None
    notes: str = ""


@dataclass(frozen=True)
class Credentials:
    """What a connection holds; stored encrypted (see ``townsquare.connectors.crypto``)."""

    data: dict[str, Any]
    expires_at: dt.datetime | None = None

    def __repr__(self) -> str:  # never print secrets, even in a traceback
        return f"Credentials(keys={sorted(self.data)}, expires_at={self.expires_at})"


@dataclass(frozen=True)
class AccountInfo:
    external_id: str
    handle: str
    display_name: str = ""
    url: str = ""


@dataclass(frozen=True)
class Image:
    content: bytes
    mime_type: str
    alt_text: str
    url: str = ""  # a public https address of the same bytes, for platforms that fetch media (Instagram)


@dataclass(frozen=True)
class Video:
    content: bytes
    mime_type: str
    title: str = ""
    description: str = ""
    url: str = ""  # a public https address of the same bytes, for platforms that fetch media (Instagram)
    alt_text: str = ""  # for people who cannot see it; platforms with no alt field are given the description

    @property
    def alt(self) -> str:
        return (self.alt_text or self.description).strip()


@dataclass(frozen=True)
class OutboundPost:
    text: str
    link: str = ""
    images: tuple[Image, ...] = ()
    video: Video | None = None
    reply_to_external_id: str = ""
    # A private message to this handle instead of a public post (``Connector.can_message_privately``).
    private_to: str = ""
    idempotency_key: str = ""  # stable per post and channel; sent where the platform takes one


@dataclass(frozen=True)
class PublishResult:
    external_id: str
    url: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AccountPost:
    """One of the account's own posts as the platform shows it (``Connector.recent_posts``)."""

    external_id: str
    text: str
    created_at: dt.datetime | None
    url: str = ""
    marker: str = ""  # the idempotency marker the platform keeps with the post, where it keeps one


@dataclass(frozen=True)
class InboundItem:
    """A mention, comment, reply or direct message, as received; ``raw`` is always kept."""

    external_id: str
    kind: str  # mention | comment | reply | direct_message
    author_handle: str
    author_name: str
    text: str
    created_at: dt.datetime
    url: str = ""
    in_reply_to_external_id: str = ""
    raw: dict[str, Any] = field(default_factory=dict)
    malformed: bool = False  # parsed only partly: stored raw and flagged, never dropped
    parse_error: str = ""  # with ``malformed``: what could not be read, in plain words


@dataclass(frozen=True)
class InboundPage:
    items: list[InboundItem]
    cursor: str  # resume from here next time (after reconnection too)


@dataclass(frozen=True)
class AccountMetrics:
    taken_at: dt.datetime
    followers: int | None = None
    page_likes: int | None = None
    profile_views: int | None = None
    impressions: int | None = None
    reach: int | None = None
    engagements: int | None = None
    video_views: int | None = None
    watch_time_minutes: int | None = None
    raw: dict[str, Any] = field(default_factory=dict)  # what the platform answered, kept with the snapshot
    # Optional parts left out of the snapshot (see ``connectors.snapshot_parts``), each with its reason in
    # plain words: REJECTED where the platform refused them (a permission not granted), RETRY where it
    # could not give them this time (busy, a limit reached). The rest of the snapshot is kept; these stay
    # unmeasured, their reasons show on the channel page, and they are read again at the next snapshot.
    left_out: list[ConnectorError] = field(default_factory=list)

    @property
    def refused(self) -> list[ConnectorError]:
        return [error for error in self.left_out if error.kind == ErrorKind.REJECTED]


@dataclass(frozen=True)
class DailyFigure:
    """One day's figure as the platform keeps it: a flow counted that day, or a level at its end.
    ``metric`` is one of the measures' names (``followers``, ``impressions``, ``video_views``...)."""

    day: dt.date
    metric: str
    value: int


@dataclass(frozen=True)
class RateHeadroom:
    remaining: int | None
    limit: int | None
    resets_at: dt.datetime | None


def malformed_item(raw: Any, kind: str, error: Exception, *, text_key: str = "") -> InboundItem:
    """An item that could not be read, kept raw and flagged for a person (never dropped, never an
    exception): the platform's id where it gave one, else a digest of what it sent."""
    raw_dict = raw if isinstance(raw, dict) else {"value": raw}
    digest = hashlib.sha256(json.dumps(raw_dict, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return InboundItem(
        external_id=str(raw_dict.get("id") or f"malformed:{digest}"),
        kind=kind,
        author_handle="",
        author_name="",
        text=str(raw_dict.get(text_key, "")) if text_key else "",
        created_at=dt.datetime.now(dt.UTC),
        raw=raw_dict,
        malformed=True,
        parse_error=f"{type(error).__name__}: {error}",
    )


def platform_time(value: Any) -> dt.datetime | None:
    """A time as platforms write it: ISO 8601 (``Z``, ``+00:00`` or Graph's ``+0000``) or Unix milliseconds."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value / 1000, dt.UTC)
    text = str(value).replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit():
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


class Connector:
    """Base class. One subclass per platform, in its own package under townsquare.connectors."""

    platform: ClassVar[str]
    auth_method: ClassVar[str]  # "oauth2" | "app_password" | "access_token"
    limits: ClassVar[Limits]
    # OAuth 2 with PKCE (S256): ``authorisation_url`` is then also given ``code_challenge``, and
    # ``complete_authorisation`` the matching ``code_verifier``.
    pkce: ClassVar[bool] = False
    # Where the account lives when the person does not name a server (Bluesky: bsky.social).
    default_base_url: ClassVar[str] = ""
    # True when ``base_url`` must be given by the person connecting (a Mastodon instance).
    needs_base_url: ClassVar[bool] = False
    # True when publishing again with the same ``OutboundPost.idempotency_key`` cannot make a second
    # post (Mastodon's Idempotency-Key header; Bluesky's record key chosen from it). Dispatch then
    # re-sends after a worker died mid-call; for every other platform that case is "unconfirmed".
    honours_idempotency_key: ClassVar[bool] = False
    # What the platform does not let Townsquare do, in plain words for the officer; empty where it can.
    # ``hide_refusal``: hiding a resident's reply or comment (``hide_comment``); ``private_refusal``:
    # answering privately (``OutboundPost.private_to``).
    hide_refusal: ClassVar[str] = "Townsquare cannot hide comments on this platform."
    private_refusal: ClassVar[str] = "Townsquare cannot send private messages on this platform."
    # ``edit_refusal``: changing the words of a post already published (``edit``; empty on Mastodon, Facebook
    # and LinkedIn). ``edit`` is sent once: a 5xx or a timeout is for the caller to settle from the account.
    edit_refusal: ClassVar[str] = "This platform does not allow editing a published post: delete it and post again."

    def __init__(
        self, credentials: Credentials | None = None, *, base_url: str = "", settings: dict[str, Any] | None = None
    ) -> None:
        self.credentials = credentials
        self.base_url = base_url
        self.settings = settings or {}
        self.last_headroom: RateHeadroom | None = None
        self.stop_stream = threading.Event()  # set it to end ``stream_inbound`` from another thread
        # Where a stream that can be resumed stands (the platform's own position, opaque here): set it
        # before ``stream_inbound`` to resume; the connector hands each new one to ``on_stream_cursor``
        # once every item before it has been taken from the stream.
        self.stream_cursor = ""
        self.on_stream_cursor: Callable[[str], None] | None = None

    @classmethod
    def has_stream(cls) -> bool:
        """True when the platform offers a stream this connector reads (``stream_inbound``)."""
        return cls.stream_inbound is not Connector.stream_inbound

    # --- connecting ---------------------------------------------------------------------------
    def authorisation_url(self, *, state: str, redirect_uri: str) -> str:
        """OAuth 2 platforms: where to send the person to grant access."""
        raise NotImplementedError

    def complete_authorisation(self, *, code: str, redirect_uri: str, code_verifier: str = "") -> Credentials:
        """OAuth 2 platforms: exchange the callback's code for credentials."""
        raise NotImplementedError

    def connect_with_secret(self, *, identifier: str, secret: str) -> Credentials:
        """App-password / access-token platforms: verify and return credentials."""
        raise NotImplementedError

    def refresh(self) -> Credentials:
        """Renew the credentials; raise ConnectorError(REAUTHORISE) when a person must reconnect."""
        raise NotImplementedError

    def account(self) -> AccountInfo:
        raise NotImplementedError

    # --- publishing (attempted once; see module docstring) -------------------------------------
    @classmethod
    def compose_text(cls, text: str, link: str, *, media: bool = False) -> str:
        """The text this platform is sent for a post's ``text`` and ``link`` (``media``: it carries images or
        a video). The one composition: the connector sends it, policy checks and previews measure it."""
        if not link or link in text:
            return text
        return f"{text}\n\n{link}" if text else link

    def publish(self, post: OutboundPost) -> PublishResult:
        raise NotImplementedError

    def delete(self, external_id: str) -> None:
        raise NotImplementedError

    def edit(self, external_id: str, text: str) -> None:
        """Change the words of a published post. Where the platform cannot, ``edit_refusal`` says why and
        this raises ``ConnectorError(REJECTED)``."""
        raise ConnectorError(ErrorKind.REJECTED, self.edit_refusal)

    # --- moderating the account's own threads ------------------------------------------------------
    def hide_comment(self, *, external_id: str, raw: dict[str, Any]) -> None:
        """Hide someone else's reply or comment on the account's own post (``raw``: the payload as received).
        Where the platform cannot, ``hide_refusal`` says why and this raises ``ConnectorError(REJECTED)``."""
        raise ConnectorError(ErrorKind.REJECTED, self.hide_refusal)

    # --- what became of a publish whose answer was lost -----------------------------------------
    def recent_posts(self, *, since: dt.datetime) -> list[AccountPost]:
        """The account's own posts made at or after ``since``, newest first (a page: enough to find one
        post made minutes ago). A read: retried like every read, never a publish."""
        raise NotImplementedError

    @classmethod
    def can_read_post(cls) -> bool:
        """True when the platform lets this app read one of the account's posts by its id (``read_post``)."""
        return cls.read_post is not Connector.read_post

    def read_post(self, external_id: str) -> AccountPost | None:
        """The account's post ``external_id`` as the platform shows it now, however old; None when the
        platform answers that it is gone. Any other failure raises ``ConnectorError`` (nothing can be told
        from it); platforms that cannot read one post by its id raise NotImplementedError. A read."""
        raise NotImplementedError

    def marker_for(self, idempotency_key: str) -> str:
        """The marker a post published with this key carries on the platform (``AccountPost.marker``);
        empty where the platform keeps none, and the post is then found by its text and time."""
        return ""

    # --- listening ------------------------------------------------------------------------------
    def fetch_inbound(self, *, cursor: str = "") -> InboundPage:
        raise NotImplementedError

    def stream_inbound(self) -> Iterator[InboundItem]:
        """Platforms with a stream; others raise NotImplementedError and are polled.

        Ends when ``self.stop_stream`` is set (checked at least every few seconds).
        """
        raise NotImplementedError

    # --- searching public posts (listening beyond the account's own mentions) ------------------
    @classmethod
    def can_search(cls) -> bool:
        """True when the platform lets this app search public posts (``search_posts``)."""
        return cls.search_posts is not Connector.search_posts

    def search_posts(self, *, term: str, cursor: str = "") -> InboundPage:
        """Public posts containing ``term`` (words, or a #hashtag) that are newer than ``cursor``, oldest first
        (kind ``public_post``); the page's cursor resumes there. Without a cursor, the newest page only."""
        raise NotImplementedError

    # --- measuring ------------------------------------------------------------------------------
    def fetch_metrics(self) -> AccountMetrics:
        raise NotImplementedError

    @staticmethod
    def posts_reach(raw: dict[str, Any]) -> dict[str, int]:
        """Each of the account's recent posts' reach (post id -> people who saw it, or views where the
        platform counts views only), read from ``raw`` as this connector's ``fetch_metrics`` kept it. A
        post the platform gave no figure for is left out (published, not measured), never guessed.
        Empty where the platform counts no views of a post: Mastodon and Bluesky."""
        return {}

    # How many days back the platform's per-day figures reach: the first connection backfills them.
    daily_history_days = 0

    def fetch_daily(self, *, since: dt.date, until: dt.date) -> list[DailyFigure]:
        """Per-day figures from ``since`` to ``until`` (both included), for platforms that keep them;
        the others (no history: the daily snapshots build it) raise NotImplementedError."""
        raise NotImplementedError
