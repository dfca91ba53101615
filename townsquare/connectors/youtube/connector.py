"""YouTube through google-api-python-client, with the discovery documents shipped in the package.

The client library builds every request; ``_ThroughHttpModule`` hands them to
``townsquare.connectors.http`` so retries, rate limits and "unconfirmed" uploads behave exactly as
for every other platform. Tests pass the library's own ``HttpMockSequence`` as ``http`` instead.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httplib2
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import HttpRequest, MediaIoBaseUpload

from townsquare.connectors import http
from townsquare.connectors.base import (
    AccountInfo,
    AccountMetrics,
    AccountPost,
    ConnectorError,
    Credentials,
    DailyFigure,
    ErrorKind,
    InboundItem,
    InboundPage,
    OutboundPost,
    PublishResult,
    malformed_item,
    platform_time,
)
from townsquare.connectors.bearer import BearerConnector
from townsquare.connectors.snapshot_parts import OptionalParts
from townsquare.connectors.youtube import daily, reach, window
from townsquare.connectors.youtube.errors import classify, classify_parts
from townsquare.connectors.youtube.limits import LIMITS

AUTHORISE_URL = "https://accounts.google.com/o/oauth2/v2/auth"
TOKEN_URL = "https://oauth2.googleapis.com/token"
SCOPES = [
    "https://www.googleapis.com/auth/youtube.upload",
    "https://www.googleapis.com/auth/youtube.force-ssl",
    "https://www.googleapis.com/auth/yt-analytics.readonly",
]
COMMENT_PAGES = 5
COMMENT_PREFIX = "comment:"  # our external ids for comments, so ``delete`` knows which kind it holds
VIDEO_ID_LENGTH = 11
SAFE_METHODS = ("GET", "DELETE")  # reads, and deletes (a repeat cannot do harm)


class _ThroughHttpModule:
    """The part of httplib2.Http the client library uses, made through ``http.call``."""

    def __init__(self, connector: YouTubeConnector) -> None:
        self.connector = connector

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: dict[str, str] | None = None,
        redirections: int = 5,
        connection_type: Any = None,
    ) -> tuple[httplib2.Response, bytes]:
        response = self.connector._call(
            method, uri, safe_to_retry=method in SAFE_METHODS, data=body, headers=dict(headers or {})
        )
        info = {"status": str(response.status_code), **{k.lower(): v for k, v in response.headers.items()}}
        return httplib2.Response(info), response.content


class YouTubeConnector(BearerConnector):
    platform = "youtube"
    limits = LIMITS
    display_name = "YouTube"
    not_connected_message = "This YouTube channel is not connected. Connect the channel."
    classify = staticmethod(classify)
    edit_refusal = (
        "Townsquare does not change a video's title or description after upload: change them in YouTube Studio."
    )

    def __init__(
        self,
        credentials: Credentials | None = None,
        *,
        base_url: str = "",
        settings: dict[str, Any] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        http: Any = None,
    ) -> None:
        super().__init__(credentials, base_url=base_url, settings=settings, sleep=sleep)
        self.http = http or _ThroughHttpModule(self)
        self._services: dict[str, Any] = {}

    # --- plumbing -------------------------------------------------------------------------------
    def _service(self, name: str, version: str) -> Any:
        if name not in self._services:
            self._services[name] = build(name, version, http=self.http, static_discovery=True, cache_discovery=False)
        return self._services[name]

    @property
    def youtube(self) -> Any:
        return self._service("youtube", "v3")

    @property
    def analytics(self) -> Any:
        return self._service("youtubeAnalytics", "v2")

    @staticmethod
    def _execute(request: HttpRequest, *, publishing: bool = False) -> dict[str, Any]:
        try:
            answer: dict[str, Any] = request.execute() or {}
        except HttpError as exc:  # raised when ``http`` answers directly (tests); http.call raises ConnectorError
            error = classify_parts(exc.resp.status, exc.content, exc.resp)
            raise (http.unconfirmed_unless_proven(error, exc.resp.status) if publishing else error) from exc
        return answer

    # --- connecting -----------------------------------------------------------------------------
    def authorisation_url(self, *, state: str, redirect_uri: str, code_challenge: str = "", **_: Any) -> str:
        # access_type=offline and prompt=consent: Google gives a refresh token only when asked for both
        return (
            AUTHORISE_URL
            + "?"
            + urlencode(
                {
                    "client_id": self._setting("client_id"),
                    "redirect_uri": redirect_uri,
                    "response_type": "code",
                    "scope": " ".join(SCOPES),
                    "access_type": "offline",
                    "prompt": "consent",
                    "state": state,
                    "include_granted_scopes": "true",
                }
            )
        )

    def complete_authorisation(self, *, code: str, redirect_uri: str, code_verifier: str = "") -> Credentials:
        tokens = self._token({"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri})
        self.credentials = Credentials(data={"access_token": tokens["access_token"]})
        channels = self._execute(self.youtube.channels().list(part="id,snippet", mine=True)).get("items", [])
        if not channels:
            raise ConnectorError(
                ErrorKind.REJECTED,
                "This Google account has no YouTube channel. Connect with the account that owns the council's channel.",
            )
        channel = channels[0]
        return self._credentials(
            tokens,
            channel_id=str(channel["id"]),
            custom_url=str(channel.get("snippet", {}).get("customUrl", "")),
            refresh_token=str(tokens.get("refresh_token", "")),
        )

    def refresh(self) -> Credentials:
        tokens = self._token({"grant_type": "refresh_token", "refresh_token": self._cred("refresh_token")})
        # Google keeps the same refresh token unless it sends a new one
        return self._credentials(
            tokens,
            channel_id=self._cred("channel_id"),
            custom_url=str(self.credentials.data.get("custom_url", "")) if self.credentials else "",
            refresh_token=str(tokens.get("refresh_token") or self._cred("refresh_token")),
        )

    def _token(self, form: dict[str, str]) -> dict[str, Any]:
        response = http.call(
            "POST",
            TOKEN_URL,
            safe_to_retry=True,
            classify=classify,
            sleep=self.sleep,
            data={**form, "client_id": self._setting("client_id"), "client_secret": self._setting("client_secret")},
        )
        tokens: dict[str, Any] = response.json()
        return tokens

    @staticmethod
    def _credentials(tokens: dict[str, Any], *, channel_id: str, custom_url: str, refresh_token: str) -> Credentials:
        expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=int(tokens.get("expires_in", 3600)))
        return Credentials(
            data={
                "access_token": tokens["access_token"],
                "refresh_token": refresh_token,
                "channel_id": channel_id,
                "custom_url": custom_url,
            },
            expires_at=expires_at,
        )

    def account(self) -> AccountInfo:
        channel = self._execute(self.youtube.channels().list(part="id,snippet", mine=True))["items"][0]
        snippet = channel.get("snippet", {})
        return AccountInfo(
            external_id=str(channel["id"]),
            handle=str(snippet.get("customUrl", "")),
            display_name=str(snippet.get("title", "")),
            url=f"https://www.youtube.com/channel/{channel['id']}",
        )

    # --- publishing -----------------------------------------------------------------------------
    def publish(self, post: OutboundPost) -> PublishResult:
        if post.reply_to_external_id:
            return self._comment(post)
        if post.video is None or post.images:
            raise ConnectorError(ErrorKind.REJECTED, "YouTube posts are videos: attach one video and no images.")
        text = self.compose_text(post.text, post.link, media=True)
        title = (post.video.title or (post.text.splitlines() or ["Video"])[0]).replace("<", "").replace(">", "")[:100]
        body = {
            "snippet": {"title": title, "description": (post.video.description or text)[:5000]},
            "status": {"privacyStatus": "public", "selfDeclaredMadeForKids": False},
        }
        # One multipart request, so the upload is a single attempt like every other publish.
        media = MediaIoBaseUpload(io.BytesIO(post.video.content), mimetype=post.video.mime_type, resumable=False)
        video = self._execute(
            self.youtube.videos().insert(part="snippet,status", body=body, media_body=media), publishing=True
        )
        status = video.get("status", {})
        if status.get("uploadStatus") == "rejected":
            reason = status.get("rejectionReason", "")
            message = (
                "YouTube rejected the video as a duplicate of one already on the channel."
                if reason == "duplicate"
                else f"YouTube rejected the video ({reason or 'no reason given'})."
            )
            raise ConnectorError(ErrorKind.REJECTED, message, platform_code=f"rejected/{reason}", raw=video)
        return PublishResult(
            external_id=str(video["id"]), url=f"https://www.youtube.com/watch?v={video['id']}", raw=video
        )

    def recent_posts(self, *, since: dt.datetime) -> list[AccountPost]:
        """The channel's own videos, newest first (their title and description as the text)."""
        answer = self._execute(
            self.youtube.search().list(
                part="snippet",
                forMine=True,
                type="video",
                order="date",
                maxResults=25,
                publishedAfter=since.strftime("%Y-%m-%dT%H:%M:%SZ"),
            )
        )
        posts = []
        for item in answer.get("items", []):
            video_id = str((item.get("id") or {}).get("videoId", "")) if isinstance(item, dict) else ""
            if not video_id:
                continue
            snippet = item.get("snippet") or {}
            posts.append(
                AccountPost(
                    external_id=video_id,
                    text=f"{snippet.get('title', '')}\n{snippet.get('description', '')}",
                    created_at=platform_time(snippet.get("publishedAt")),
                    url=f"https://www.youtube.com/watch?v={video_id}",
                )
            )
        return posts

    def _comment(self, post: OutboundPost) -> PublishResult:
        if post.images or post.video:
            raise ConnectorError(ErrorKind.REJECTED, "YouTube replies are comments: text and links only.")
        target = post.reply_to_external_id.removeprefix(COMMENT_PREFIX)
        text = f"{post.text} {post.link}".strip() if post.link and post.link not in post.text else post.text
        if len(target) == VIDEO_ID_LENGTH:  # a comment on a video
            body = {
                "snippet": {
                    "videoId": target,
                    "channelId": self._cred("channel_id"),
                    "topLevelComment": {"snippet": {"textOriginal": text}},
                }
            }
            answer = self._execute(self.youtube.commentThreads().insert(part="snippet", body=body), publishing=True)
        else:  # a reply under someone's comment
            body = {"snippet": {"parentId": target, "textOriginal": text}}
            answer = self._execute(self.youtube.comments().insert(part="snippet", body=body), publishing=True)
        return PublishResult(external_id=COMMENT_PREFIX + str(answer["id"]), raw=answer)

    def delete(self, external_id: str) -> None:
        if external_id.startswith(COMMENT_PREFIX):
            self._execute(self.youtube.comments().delete(id=external_id.removeprefix(COMMENT_PREFIX)))
        else:
            self._execute(self.youtube.videos().delete(id=external_id))

    # --- listening ------------------------------------------------------------------------------
    def fetch_inbound(self, *, cursor: str = "") -> InboundPage:
        """Comments and replies on the channel's videos, newest first, back to the cursor (an ISO time)."""
        after = dt.datetime.fromisoformat(cursor) if cursor else None
        channel_id = self._cred("channel_id")
        items: list[InboundItem] = []
        page_token = None
        for _ in range(COMMENT_PAGES):
            answer = self._execute(
                self.youtube.commentThreads().list(
                    part="snippet,replies",
                    allThreadsRelatedToChannelId=channel_id,
                    order="time",
                    maxResults=100,
                    textFormat="plainText",
                    pageToken=page_token,
                )
            )
            reached_cursor = False
            for thread in answer.get("items", []):
                top = (thread.get("snippet") or {}).get("topLevelComment") if isinstance(thread, dict) else None
                found = [
                    _comment(
                        top, kind="comment", in_reply_to=str(((top or {}).get("snippet") or {}).get("videoId", ""))
                    )
                ]
                found += [
                    _comment(reply, kind="reply", in_reply_to=str((top or {}).get("id", "")))
                    for reply in (
                        (thread.get("replies") or {}).get("comments") or [] if isinstance(thread, dict) else []
                    )
                ]
                for item in found:
                    if (
                        not item.malformed
                        and item.raw.get("snippet", {}).get("authorChannelId", {}).get("value") == channel_id
                    ):
                        continue  # the channel's own comments
                    if item.malformed or after is None or item.created_at >= after:
                        items.append(item)
                    elif item.kind == "comment":
                        reached_cursor = True  # threads come newest first: older ones were seen before
            page_token = answer.get("nextPageToken")
            if reached_cursor or not page_token:
                break
        newest = max((i.created_at for i in items if not i.malformed), default=after)
        return InboundPage(items=items, cursor=newest.isoformat() if newest else cursor)

    # --- measuring ------------------------------------------------------------------------------
    daily_history_days = daily.HISTORY_DAYS

    def fetch_daily(self, *, since: dt.date, until: dt.date) -> list[DailyFigure]:
        return daily.figures(self._execute(daily.query(self.analytics, since=since, until=until)))

    def fetch_metrics(self, *, today: dt.date | None = None) -> AccountMetrics:
        """Subscribers now (their failure fails the snapshot); views, watch time and engagements over the
        last 28 days and the latest uploads' views where YouTube gives them (else left out, with why)."""
        channel = self._execute(self.youtube.channels().list(part="statistics,contentDetails", mine=True))["items"][0]
        end = today or dt.datetime.now(dt.UTC).date()
        parts = OptionalParts()
        report = parts.read(
            lambda: self._execute(window.query(self.analytics, end=end)), refused=window.REFUSED, what=window.WHAT
        )
        videos = parts.read(
            lambda: reach.fetch(self.youtube, self._execute, channel), refused=reach.REFUSED, what=reach.WHAT
        )
        statistics = channel.get("statistics", {})
        followers = None if statistics.get("hiddenSubscriberCount") else int(statistics.get("subscriberCount", 0))
        return AccountMetrics(
            taken_at=dt.datetime.now(dt.UTC),
            followers=followers,
            **window.figures(report),
            raw={"channel": channel, "analytics": report, "videos": videos},
            left_out=parts.left_out,
        )

    @staticmethod
    def posts_reach(raw: dict[str, Any]) -> dict[str, int]:
        return reach.posts_reach(raw)


def _comment(raw: Any, *, kind: str, in_reply_to: str) -> InboundItem:
    try:
        snippet = raw["snippet"]
        return InboundItem(
            external_id=str(raw["id"]),
            kind=kind,
            author_handle=str(snippet.get("authorChannelUrl", "")),
            author_name=str(snippet.get("authorDisplayName", "")),
            text=str(snippet.get("textOriginal") or snippet.get("textDisplay") or ""),
            created_at=dt.datetime.fromisoformat(str(snippet["publishedAt"]).replace("Z", "+00:00")),
            url=f"https://www.youtube.com/watch?v={snippet.get('videoId', '')}&lc={raw['id']}",
            in_reply_to_external_id=str(snippet.get("parentId") or in_reply_to),
            raw=raw,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return malformed_item(raw, kind, exc)
