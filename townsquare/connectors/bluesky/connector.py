"""Bluesky through the ``atproto`` SDK: a handle and an app password make a session, kept encrypted.

The SDK speaks HTTP through its own httpx client, not ``townsquare.connectors.http``; its errors
are turned into ConnectorError kinds here, and reads are retried by ``http.retry_read`` with the
same policy as every other read.

- Credentials: the SDK's session string (access and refresh tokens), never the app password.
  The SDK refreshes the access token before it expires; the renewed session is handed back
  (``self.credentials``) for the caller to store. A refused refresh means reconnecting.
- Publishing: ``createRecord`` with a record key chosen from the idempotency key beforehand
  (see ``text.tid_for_key``), so a repeat is detected instead of posting twice. Images and a video
  are uploaded as blobs first; a video goes in an ``app.bsky.embed.video`` embed with its alt text.
- Reading back: the account's post records from its own server, the recent ones (``listRecords``) or one by
  its address (``getRecord``), never the AppView, which shows a post only once it has indexed it.
- Listening: notifications (mentions, replies, quotes) from the AppView behind the PDS, newest
  first down to the cursor; and the firehose (``com.atproto.sync.subscribeRepos``), where posts
  naming the account's DID or handle are picked out as they are written, resuming after the last
  sequence number handed on (``stream_cursor``; kept on the connection by ``listening.inbound_stream``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from typing import Any, TypeVar
from urllib.parse import urlparse

from atproto import Client, models
from atproto_client import exceptions as ax
from atproto_client.models.utils import get_model_as_dict
from atproto_client.request import Request

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
    Video,
)
from townsquare.connectors.bluesky import search, threadgate
from townsquare.connectors.bluesky.checks import VIDEO_MIME, check_post
from townsquare.connectors.bluesky.errors import classify, headroom_from
from townsquare.connectors.bluesky.mp4 import Mp4Info
from townsquare.connectors.bluesky.paging import Page, read_back
from townsquare.connectors.bluesky.parsing import (
    from_notification,
    own_post,
    refresh_expiry,
    split_uri,
    web_url,
)
from townsquare.connectors.bluesky.stream import firehose_items
from townsquare.connectors.bluesky.text import link_facet, tid_for_key

log = logging.getLogger(__name__)
T = TypeVar("T")
POST = "app.bsky.feed.post"
INBOUND_REASONS = {"mention", "reply", "quote"}
PAGE_SIZE = 50
MAX_PAGES = 20
REQUEST_TIMEOUT = 30.0


class BlueskyConnector(Connector):
    platform = "bluesky"
    auth_method = "app_password"
    default_base_url = "https://bsky.social"
    honours_idempotency_key = True  # the record key is derived from it, so a repeat is found, not re-posted
    hide_refusal = ""  # in the account's own threads (``threadgate``)
    private_refusal = (
        "Bluesky's direct messages are a separate chat service that Townsquare's Bluesky connection does not "
        "reach: reply in public asking the resident to message the council's account."
    )
    edit_refusal = "Bluesky does not allow editing a published post: delete it and post again."
    limits = Limits(
        max_chars=300,
        max_images=4,
        max_alt_text_chars=2000,
        video=True,
        max_video_seconds=180,
        rate_limit_per_hour=5000,
        notes="300 graphemes; links count by their text. 5,000 record writes an hour per account. "
        "Video: one MP4 per post, never with images, up to 3 minutes and 100 MB (Bluesky's video "
        "announcement, bsky.social/about/blog/09-11-2024-video, limits raised in March 2025); its alt "
        "text is the video's description, up to 1,000 graphemes (the app.bsky.embed.video lexicon).",
    )

    def __init__(
        self, credentials: Credentials | None = None, *, base_url: str = "", settings: dict[str, Any] | None = None
    ) -> None:
        super().__init__(credentials, base_url=(base_url or self.default_base_url).rstrip("/"), settings=settings)
        self._client: Client | None = None

    # --- plumbing ------------------------------------------------------------------------------
    def _new_client(self) -> Client:
        timeout = float(self.settings.get("request_timeout") or REQUEST_TIMEOUT)
        return Client(base_url=self.base_url, request=Request(timeout=timeout))

    def _api(self) -> Client:
        if self._client is not None:
            return self._client
        if self.credentials is None or not self.credentials.data.get("session"):
            raise ConnectorError(ErrorKind.REAUTHORISE, "This Bluesky channel has no session; reconnect it.")
        client = self._new_client()
        client.on_session_change(lambda _event, _session: self._keep_session(client))
        self._call(
            lambda: client.login(
                session_string=self.credentials.data["session"],  # type: ignore[union-attr]
                fetch_bsky_profile=False,
            )
        )
        self._client = client
        return client

    def _keep_session(self, client: Client) -> None:
        session = client.export_session_string()
        data = {**(self.credentials.data if self.credentials else {}), "session": session}
        self.credentials = Credentials(data=data, expires_at=refresh_expiry(client))

    @property
    def did(self) -> str:
        return str(self.credentials.data.get("did", "")) if self.credentials else ""

    def _call(self, fn: Callable[[], T], *, publishing: bool = False) -> T:
        try:
            return fn()
        except ax.LoginRequiredError as exc:
            raise ConnectorError(ErrorKind.REAUTHORISE, "Bluesky needs this channel to sign in again.") from exc
        except ax.RequestErrorBase as exc:
            raise self._classify(exc, publishing=publishing) from exc

    def _read(self, fn: Callable[[], T]) -> T:
        return http.retry_read(lambda: self._call(fn))

    def _classify(self, exc: ax.RequestErrorBase, *, publishing: bool) -> ConnectorError:
        room = headroom_from(exc.response.headers) if exc.response is not None else None
        if room is not None:
            self.last_headroom = room
        return classify(exc, publishing=publishing, headroom=self.last_headroom)

    # --- connecting ----------------------------------------------------------------------------
    def connect_with_secret(self, *, identifier: str, secret: str) -> Credentials:
        """``identifier``: the handle (or email); ``secret``: an app password made in Bluesky's settings."""
        client = self._new_client()
        session = self._call(lambda: client._get_and_set_session(identifier.lstrip("@"), secret))
        self._client = client
        client.on_session_change(lambda _event, _session: self._keep_session(client))
        self.credentials = Credentials(
            data={"session": client.export_session_string(), "did": session.did, "handle": session.handle},
            expires_at=refresh_expiry(client),
        )
        return self.credentials

    def refresh(self) -> Credentials:
        client = self._api()
        self._call(client._refresh_and_set_session)
        self._keep_session(client)
        assert self.credentials is not None
        return self.credentials

    def account(self) -> AccountInfo:
        client = self._api()
        session = self._read(client.com.atproto.server.get_session)
        return AccountInfo(
            external_id=session.did, handle=f"@{session.handle}", url=f"https://bsky.app/profile/{session.handle}"
        )

    # --- publishing ----------------------------------------------------------------------------
    def publish(self, post: OutboundPost) -> PublishResult:
        """Images or a video are uploaded first (safe to repeat), then the post is created once.

        What Bluesky would refuse (length, image count, a video with images, a video too long,
        too large or not MP4, missing alt text) is refused here before any call.
        With an idempotency key the record key is fixed beforehand; a repeat finds the record the
        first attempt made and returns it rather than posting again.
        """
        text = self.compose_text(post.text, post.link, media=bool(post.images or post.video))
        video_info = check_post(post, text, self.limits)
        client = self._api()
        facets = [f for f in [link_facet(text, post.link)] if f] if post.link else []
        embed: Any = None
        if post.video is not None and video_info is not None:
            embed = self._video_embed(client, post.video, video_info)
        elif post.images:
            uploads = [self._read(lambda image=image: client.upload_blob(image.content)) for image in post.images]  # type: ignore[misc]
            embed = models.AppBskyEmbedImages.Main(
                images=[
                    models.AppBskyEmbedImages.Image(alt=image.alt_text, image=upload.blob)
                    for image, upload in zip(post.images, uploads, strict=True)
                ]
            )
        elif post.link:
            host = urlparse(post.link).netloc or post.link
            embed = models.AppBskyEmbedExternal.Main(
                external=models.AppBskyEmbedExternal.External(uri=post.link, title=host, description=post.text[:300])
            )
        record = models.AppBskyFeedPost.Record(
            text=text,
            created_at=client.get_current_time_iso(),
            langs=["en"],
            embed=embed,
            facets=[models.AppBskyRichtextFacet.Main.model_validate(f) for f in facets] or None,
            reply=self._reply_ref(client, post.reply_to_external_id) if post.reply_to_external_id else None,
        )
        rkey = tid_for_key(post.idempotency_key) if post.idempotency_key else None
        if rkey is not None:
            existing = self._existing(client, rkey)
            if existing is not None:
                return existing
        try:
            made = self._call(lambda: client.app.bsky.feed.post.create(self.did, record, rkey=rkey), publishing=True)
        except ConnectorError as error:
            if rkey is not None and error.kind == ErrorKind.REJECTED:
                existing = self._existing(client, rkey)  # an earlier attempt won the race
                if existing is not None:
                    return existing
            raise
        return PublishResult(
            external_id=made.uri,
            url=web_url(self.credentials, made.uri),
            raw={"uri": made.uri, "cid": made.cid, "rkey": rkey or ""},
        )

    def _video_embed(self, client: Client, video: Video, info: Mp4Info) -> models.AppBskyEmbedVideo.Main:
        # The PDS sniffs the type from the bytes and falls back to this header; the embed's
        # lexicon accepts only video/mp4, so say it rather than leave it to the sniffing.
        content = video.content
        try:
            upload = self._read(
                lambda: client.com.atproto.repo.upload_blob(content, headers={"Content-Type": VIDEO_MIME})
            )
        except ConnectorError as error:
            if error.kind != ErrorKind.REJECTED:
                raise
            # The account's server has limits of its own (a self-hosted PDS takes 5 MB unless told
            # otherwise): say which file it refused, with its reason.
            reason = error.message.removeprefix("Bluesky refused: ")
            raise ConnectorError(
                ErrorKind.REJECTED,
                f"Bluesky's server refused the video ({reason}). Use a smaller or more compressed video.",
                platform_code=error.platform_code,
                raw=error.raw,
            ) from error
        ratio = (
            models.AppBskyEmbedDefs.AspectRatio(width=info.width, height=info.height)
            if info.width and info.height
            else None
        )
        return models.AppBskyEmbedVideo.Main(video=upload.blob, alt=video.alt, aspect_ratio=ratio)

    def _existing(self, client: Client, rkey: str) -> PublishResult | None:
        try:
            found = self._read(
                lambda: client.com.atproto.repo.get_record({"repo": self.did, "collection": POST, "rkey": rkey})
            )
        except ConnectorError as error:
            if error.kind == ErrorKind.REJECTED:  # RecordNotFound: no earlier attempt got through
                return None
            raise
        return PublishResult(
            external_id=found.uri,
            url=web_url(self.credentials, found.uri),
            raw={"uri": found.uri, "cid": found.cid, "rkey": rkey, "repeat": True},
        )

    def _reply_ref(self, client: Client, parent_uri: str) -> models.AppBskyFeedPost.ReplyRef:
        repo, collection, rkey = split_uri(parent_uri)
        parent = self._read(
            lambda: client.com.atproto.repo.get_record({"repo": repo, "collection": collection, "rkey": rkey})
        )
        parent_ref = models.ComAtprotoRepoStrongRef.Main(uri=parent.uri, cid=parent.cid or "")
        value = get_model_as_dict(parent.value) if not isinstance(parent.value, dict) else parent.value
        root = (value.get("reply") or {}).get("root")
        root_ref = models.ComAtprotoRepoStrongRef.Main(uri=root["uri"], cid=root["cid"]) if root else parent_ref
        return models.AppBskyFeedPost.ReplyRef(parent=parent_ref, root=root_ref)

    def recent_posts(self, *, since: dt.datetime) -> list[AccountPost]:
        """The account's own post records, newest first, back to ``since``; each carries its record key,
        which for a post published with an idempotency key is ``marker_for`` that key."""
        client = self._api()
        page = self._read(
            lambda: client.com.atproto.repo.list_records({"repo": self.did, "collection": POST, "limit": 50})
        )
        posts = [own_post(self.credentials, record.uri, record.value) for record in page.records]
        # Records are listed by key, and our keys are not times: the whole page is read.
        posts = [p for p in posts if p.created_at is None or p.created_at >= since]
        return sorted(posts, key=lambda p: p.created_at or since, reverse=True)

    def read_post(self, external_id: str) -> AccountPost | None:
        """``com.atproto.repo.getRecord`` from the account's own server: the record as it stands now (one put
        again with other words shows them); ``RecordNotFound`` is a deleted post. Not the AppView's ``getPosts``,
        which leaves out what it has not indexed yet and so would show a new post as deleted."""
        repo, collection, rkey = split_uri(external_id)
        client = self._api()
        try:
            found = self._read(
                lambda: client.com.atproto.repo.get_record({"repo": repo, "collection": collection, "rkey": rkey})
            )
        except ConnectorError as error:
            if error.platform_code == "RecordNotFound":
                return None
            raise
        if found.uri != external_id:
            raise ConnectorError(ErrorKind.REJECTED, "Bluesky's answer could not be read.", platform_code="unreadable")
        return own_post(self.credentials, found.uri, found.value)

    def marker_for(self, idempotency_key: str) -> str:
        return tid_for_key(idempotency_key)

    def hide_comment(self, *, external_id: str, raw: dict[str, Any]) -> None:
        """Hide a reply in a thread the account started (the thread's threadgate; ``threadgate``)."""
        threadgate.hide(self, self._api(), external_id=external_id, raw=raw)

    def delete(self, external_id: str) -> None:
        client = self._api()
        repo, collection, rkey = split_uri(external_id)
        self._call(
            lambda: client.com.atproto.repo.delete_record({"repo": repo, "collection": collection, "rkey": rkey})
        )

    # --- listening -----------------------------------------------------------------------------
    def fetch_inbound(self, *, cursor: str = "") -> InboundPage:
        """Mentions, replies and quotes indexed at or after ``cursor`` (an ISO time), oldest first.

        Bluesky pages notifications newest first, so this reads back until it reaches the cursor;
        duplicates at the boundary are dropped when stored.
        """
        client = self._api()

        def fetch(page_cursor: str | None) -> Page:
            params: dict[str, Any] = {"limit": PAGE_SIZE, **({"cursor": page_cursor} if page_cursor else {})}
            page = self._read(lambda: client.app.bsky.notification.list_notifications(params))
            return [get_model_as_dict(n) for n in page.notifications], page.cursor

        def keep(raw: dict[str, Any]) -> InboundItem | None:
            return from_notification(raw) if raw.get("reason") in INBOUND_REASONS else None

        return read_back(fetch, keep, cursor=cursor, inclusive=True, max_pages=MAX_PAGES)

    def search_posts(self, *, term: str, cursor: str = "") -> InboundPage:
        return search.search_posts(self, term=term, cursor=cursor)

    def stream_inbound(self) -> Iterator[InboundItem]:
        """Posts naming this account, from the firehose, as they are written.

        The firehose is the PDS's own unless ``settings['firehose_url']`` names a relay. It starts
        after ``self.stream_cursor`` (a position this method gave out before) so that what was said
        while nothing listened is read too, as far back as the server keeps; with no position it
        starts live. Each new position is put in ``self.stream_cursor`` and given to
        ``self.on_stream_cursor`` once every item before it has been taken from this iterator and
        the next one asked for, so a saved position never passes an item not yet stored.
        """
        return firehose_items(self)

    # --- measuring -----------------------------------------------------------------------------
    # ``posts_reach`` stays the base's empty answer: Bluesky counts no views of a post.
    def fetch_metrics(self) -> AccountMetrics:
        client = self._api()
        profile = self._read(lambda: client.app.bsky.actor.get_profile({"actor": self.did}))
        raw = get_model_as_dict(profile)
        return AccountMetrics(
            taken_at=dt.datetime.now(dt.UTC),
            followers=profile.followers_count,
            raw={k: raw.get(k) for k in ("did", "handle", "followersCount", "followsCount", "postsCount")},
        )
