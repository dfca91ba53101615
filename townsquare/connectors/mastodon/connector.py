"""Mastodon (and compatible servers) through Mastodon.py, connected with an access token.

Mastodon.py's requests go through ``townsquare.connectors.http`` (a routed session), so the one
outbound-HTTP place sees them too. Inbound items are parsed from the server's JSON as received,
not from the SDK's converted objects, so ``raw`` is exactly what the platform sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import queue
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import requests
from mastodon import Mastodon
from mastodon import errors as m

from townsquare.connectors import http
from townsquare.connectors.base import (
    AccountInfo,
    AccountMetrics,
    AccountPost,
    Connector,
    ConnectorError,
    Credentials,
    ErrorKind,
    InboundItem,
    InboundPage,
    Limits,
    OutboundPost,
    PublishResult,
)
from townsquare.connectors.mastodon.errors import classify
from townsquare.connectors.mastodon.parsing import id_key, newest_id, parse_notification, status_post
from townsquare.connectors.mastodon.stream import NotificationStream
from townsquare.net.fetch import AddressRefused, checked_mount

T = TypeVar("T")

REQUEST_TIMEOUT = 30.0
PAGE_SIZE = 40
MAX_PAGES = 25  # a poll reads at most 1,000 new notifications; the cursor carries on next time
INBOUND_TYPES = ["mention"]  # replies to the council's posts arrive as mentions too
STREAM_MAX_RECONNECTS = 5  # in a row without a successful connection; then the error goes to the caller


class _CheckedSession(http.RoutedSession):
    """The SDK's session: every call goes through ``http.send`` to a server address a person typed, so
    each is checked (https, public addresses, connected to the address checked) and never redirected."""

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        checked_mount(http.session(), url.decode() if isinstance(url, bytes) else url)
        kwargs["allow_redirects"] = False  # the API does not redirect; a server that does is not followed
        return super().request(method, url, *args, **kwargs)


class MastodonConnector(Connector):
    platform = "mastodon"
    auth_method = "access_token"
    needs_base_url = True
    honours_idempotency_key = True  # the server keeps Idempotency-Key for an hour
    private_refusal = ""  # a status with "direct" visibility
    edit_refusal = ""  # PUT /api/v1/statuses/:id keeps each earlier version in the status's history
    hide_refusal = (
        "Mastodon does not let an account hide replies to its posts: mute or block the account, or report "
        "the reply to the server's moderators."
    )
    limits = Limits(
        max_chars=500,
        max_images=4,
        max_alt_text_chars=1500,
        video=True,
        rate_limit_per_hour=3600,
        notes="300 requests per 5 minutes per token on mastodon.social; instances differ.",
    )

    def __init__(
        self, credentials: Credentials | None = None, *, base_url: str = "", settings: dict[str, Any] | None = None
    ) -> None:
        super().__init__(credentials, base_url=base_url.rstrip("/"), settings=settings)
        self.session = _CheckedSession()
        self._api: Mastodon | None = None

    # --- plumbing ------------------------------------------------------------------------------
    def _client(self, token: str | None = None, session: requests.Session | None = None) -> Mastodon:
        """The cached client, or a new one for another token or session (which is not cached)."""
        if token is None and session is None and self._api is not None:
            return self._api
        if not self.base_url:
            raise ConnectorError(
                ErrorKind.REJECTED, "Enter the address of the Mastodon server (for example https://mastodon.social)."
            )
        api = Mastodon(
            access_token=token or (self.credentials.data.get("access_token") if self.credentials else None),
            api_base_url=self.base_url,
            session=session or self.session,
            request_timeout=float(self.settings.get("request_timeout") or REQUEST_TIMEOUT),
            # "throw": never sleep inside a worker; the wait is recorded and honoured by the scheduler.
            ratelimit_method="throw",
            version_check_mode="none",
            user_agent="Townsquare/1.0",
        )
        if token is None and session is None:
            self._api = api
        return api

    def _note_headroom(self) -> None:
        response = self.session.last_response
        if response is not None:
            room = http.headroom(response)
            if room is not None:
                self.last_headroom = room

    def _call(self, fn: Callable[[], T], *, publishing: bool = False) -> T:
        """One SDK call with Mastodon.py's errors turned into ConnectorError kinds."""
        self.session.last_response = None
        try:
            result = fn()
        except m.MastodonError as exc:
            if isinstance(exc.__context__, AddressRefused):  # the SDK wraps what the session raised
                raise ConnectorError(
                    ErrorKind.REJECTED, exc.__context__.message, platform_code="address_refused"
                ) from exc
            self._note_headroom()
            raise classify(exc, self.session.last_response, publishing=publishing) from exc
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            # The SDK choked on what the server sent (a 2xx it could not convert).
            self._note_headroom()
            raise ConnectorError(
                ErrorKind.REJECTED, "Mastodon's answer could not be read.", platform_code="unreadable"
            ) from exc
        self._note_headroom()
        return result

    def _read(self, fn: Callable[[], T]) -> T:
        return http.retry_read(lambda: self._call(fn))

    # --- connecting ----------------------------------------------------------------------------
    def connect_with_secret(self, *, identifier: str, secret: str) -> Credentials:
        """``identifier``: the server's address; ``secret``: an access token made in its settings."""
        if identifier:
            self.base_url = identifier.rstrip("/")
        api = self._client(token=secret)
        self._call(api.account_verify_credentials)
        return Credentials({"access_token": secret})

    def refresh(self) -> Credentials:
        # Mastodon access tokens do not expire; checking it is the refresh.
        self._call(self._client().account_verify_credentials)
        assert self.credentials is not None
        return self.credentials

    def account(self) -> AccountInfo:
        me = self._read(self._client().account_verify_credentials)
        return AccountInfo(
            external_id=str(me["id"]),
            handle=f"@{me['acct']}",
            display_name=me.get("display_name") or "",
            url=me.get("url") or "",
        )

    # --- publishing ----------------------------------------------------------------------------
    def publish(self, post: OutboundPost) -> PublishResult:
        """Media uploads first (each with its description as alt text), then the status, once.

        The idempotency key goes in the ``Idempotency-Key`` header: Mastodon returns the first
        status for a repeated key instead of posting again. Uploads are not posts, so an upload
        that fails is safe to try again.
        """
        api = self._client()
        if len(post.images) > self.limits.max_images:
            raise ConnectorError(ErrorKind.REJECTED, f"Mastodon takes at most {self.limits.max_images} images.")
        media_ids = []
        for image in post.images:
            if not image.alt_text.strip():
                raise ConnectorError(ErrorKind.REJECTED, "Every image needs alt text.")
            if len(image.alt_text) > (self.limits.max_alt_text_chars or 0):
                raise ConnectorError(ErrorKind.REJECTED, "Alt text on Mastodon is at most 1,500 characters.")
            media = self._call(
                lambda image=image: api.media_post(
                    image.content,
                    mime_type=image.mime_type,  # type: ignore[misc]
                    description=image.alt_text,
                    file_name="image",
                )
            )
            media_ids.append(media["id"])
        text = self.compose_text(post.text, post.link, media=bool(post.images))
        visibility = "public"
        if post.private_to:
            # A direct message reaches the accounts it mentions, and only them.
            visibility, mention = "direct", "@" + post.private_to.lstrip("@")
            if mention.lower() not in text.lower():
                text = f"{mention} {text}"
        status = self._call(
            lambda: api.status_post(
                text,
                in_reply_to_id=post.reply_to_external_id or None,
                media_ids=media_ids or None,
                idempotency_key=post.idempotency_key or None,
                visibility=visibility,
            ),
            publishing=True,
        )
        return PublishResult(external_id=str(status["id"]), url=status.get("url") or "", raw=self._last_json())

    def delete(self, external_id: str) -> None:
        self._call(lambda: self._client().status_delete(external_id))

    def edit(self, external_id: str, text: str) -> None:
        """``text`` as sent (composed with its link already); the status keeps its media."""
        self._call(lambda: self._client().status_update(external_id, status=text))

    def recent_posts(self, *, since: dt.datetime) -> list[AccountPost]:
        """The account's own statuses, newest first, back to ``since`` (one page of 40)."""
        api = self._client()
        me = self._read(api.account_verify_credentials)
        self._read(lambda: api.account_statuses(me["id"], limit=PAGE_SIZE))
        page = self._last_json()
        posts = []
        for raw in page if isinstance(page, list) else []:
            post = status_post(raw)
            if post.created_at is not None and post.created_at < since:
                break
            posts.append(post)
        return posts

    def read_post(self, external_id: str) -> AccountPost | None:
        """``GET /api/v1/statuses/:id``: the status's words now (its latest edit); 404 is a deleted status."""
        try:
            self._read(lambda: self._client().status(external_id))
        except ConnectorError as error:
            if error.platform_code == "404":
                return None
            raise
        raw = self._last_json()
        if not isinstance(raw, dict) or str(raw.get("id", "")) != external_id:
            raise ConnectorError(ErrorKind.REJECTED, "Mastodon's answer could not be read.", platform_code="unreadable")
        return status_post(raw)

    # --- listening -----------------------------------------------------------------------------
    def fetch_inbound(self, *, cursor: str = "") -> InboundPage:
        """Mentions newer than ``cursor`` (a notification id), oldest page first.

        ``min_id`` pages forward from the cursor, so a backlog after a disconnection is read in
        order and the cursor only moves past what was read. On first connection (no cursor) the
        newest page is taken as the starting point.
        """
        api = self._client()
        items: list[InboundItem] = []
        for _ in range(MAX_PAGES):
            kwargs: dict[str, Any] = {"types": INBOUND_TYPES, "limit": PAGE_SIZE}
            if cursor:
                kwargs["min_id"] = cursor
            try:
                self._read(lambda kwargs=kwargs: api.notifications(**kwargs))  # type: ignore[misc]
            except ConnectorError as error:
                unreadable = self._unreadable_body(error)
                if unreadable is None:
                    raise
                # Keep what the server sent, flagged; the cursor stays so the next poll reads again.
                return InboundPage(items=[*items, unreadable], cursor=cursor)
            raw_page = self._last_json()
            if not isinstance(raw_page, list) or not raw_page:
                break
            parsed = [parse_notification(n) for n in raw_page]
            items.extend(parsed)
            cursor = newest_id([n.get("id") for n in raw_page if isinstance(n, dict)], cursor)
            if len(raw_page) < PAGE_SIZE or not kwargs.get("min_id"):
                break
        return InboundPage(items=sorted(items, key=lambda i: id_key(i.external_id)), cursor=cursor)

    def search_posts(self, *, term: str, cursor: str = "") -> InboundPage:
        from townsquare.connectors.mastodon.search import search_posts  # it reads this module's parsers

        return search_posts(self, term=term, cursor=cursor)

    def _unreadable_body(self, error: ConnectorError) -> InboundItem | None:
        response = self.session.last_response
        if error.platform_code != "unreadable" or response is None:
            return None
        body = response.text[:100_000]
        try:
            raw: Any = response.json()
        except ValueError:
            raw = {"body": body}
        return InboundItem(
            external_id="unreadable:" + hashlib.sha256(body.encode()).hexdigest(),
            kind="",
            author_handle="",
            author_name="",
            text="",
            created_at=dt.datetime.now(dt.UTC),
            raw=raw if isinstance(raw, dict) else {"body": raw},
            malformed=True,
            parse_error="The server's answer could not be read.",
        )

    def _last_json(self) -> Any:
        response = self.session.last_response
        try:
            return response.json() if response is not None else {}
        except ValueError:
            return {}

    def stream_inbound(self) -> Iterator[InboundItem]:
        """Mentions as they happen, from the user notification stream (server-sent events).

        The stream runs in a thread of its own, on a client and session of its own (a requests
        session is not shared between threads). A refused token ends the stream with REAUTHORISE
        at once instead of reconnecting in silence; a dropped connection is reopened with back-off,
        and what was said while it was down is read by the next poll from its cursor. Ends within
        about a second of ``self.stop_stream`` being set.
        """
        failures = 0
        while not self.stop_stream.is_set():
            stream = NotificationStream(self._client(session=_CheckedSession()))
            try:
                while not self.stop_stream.is_set():
                    try:
                        event, value = stream.events.get(timeout=1.0)
                    except queue.Empty:
                        continue
                    if event == "open":
                        failures = 0
                    elif event == "notification":
                        if not isinstance(value, dict) or value.get("type") in INBOUND_TYPES:
                            yield parse_notification(value)
                    else:  # "ended"
                        break
            finally:
                stream.close()
            if self.stop_stream.is_set():
                return
            error = stream.error()
            if error.kind != ErrorKind.RETRY:
                raise error
            failures += 1
            if failures > STREAM_MAX_RECONNECTS:
                raise error
            self.stop_stream.wait(error.retry_after if error.retry_after is not None else min(60.0, 2.0**failures))

    # --- measuring -----------------------------------------------------------------------------
    # ``posts_reach`` stays the base's empty answer: Mastodon counts no views of a post.
    def fetch_metrics(self) -> AccountMetrics:
        self._read(self._client().account_verify_credentials)
        me = self._last_json()
        return AccountMetrics(
            taken_at=dt.datetime.now(dt.UTC),
            followers=me.get("followers_count"),
            raw={
                k: me.get(k)
                for k in ("id", "acct", "followers_count", "following_count", "statuses_count", "last_status_at")
            },
        )
