"""X through API v2 with an OAuth 2 user token (authorisation code with PKCE).

Access tokens last two hours; ``refresh`` swaps the refresh token, which X rotates, for a new pair.
Media is uploaded first (it shows nowhere until attached), alt text set on it, then one
``POST /2/tweets`` publishes. Inbound: mentions and direct messages, under one cursor.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
from typing import Any
from urllib.parse import urlencode

from townsquare.connectors import http
from townsquare.connectors.base import (
    AccountInfo,
    AccountMetrics,
    AccountPost,
    ConnectorError,
    Credentials,
    ErrorKind,
    Image,
    InboundItem,
    InboundPage,
    OutboundPost,
    PublishResult,
    Video,
)
from townsquare.connectors.bearer import BearerConnector
from townsquare.connectors.snapshot_parts import OptionalParts
from townsquare.connectors.x import reach
from townsquare.connectors.x.errors import classify, post_shown
from townsquare.connectors.x.hiding import hide as hide_reply
from townsquare.connectors.x.limits import LIMITS
from townsquare.connectors.x.parsing import (
    OWN_POST_FIELDS,
    direct_message_item,
    id_key,
    make_cursor,
    mention_item,
    own_post,
    parse_cursor,
)

log = logging.getLogger(__name__)

API_URL = "https://api.x.com"
POST_FIELDS: dict[str, Any] = {
    "max_results": 100,
    "tweet.fields": "created_at,author_id,conversation_id,referenced_tweets",
    "expansions": "author_id",
    "user.fields": "username,name",
}
AUTHORISE_URL = "https://x.com/i/oauth2/authorize"
SCOPES = "tweet.read tweet.write tweet.moderate.write users.read offline.access media.write dm.read"
MENTION_PAGES = 5  # at most 500 mentions a poll; the cursor keeps the rest for next time
DM_PAGES = 5
CHUNK_BYTES = 4 * 1024 * 1024
VIDEO_POLLS = 30


class XConnector(BearerConnector):
    platform = "x"
    limits = LIMITS
    pkce = True
    display_name = "X"
    not_connected_message = "This X account is not connected. Connect the channel."
    api_url = API_URL
    classify = staticmethod(classify)
    hide_refusal = ""  # replies in the account's own conversations (``hiding``)
    edit_refusal = (
        "X lets only paid (Premium) accounts edit a post, within 30 minutes of posting and five times at most, "
        "and each edit is a new post: Townsquare does not edit on X. Delete the post and post again."
    )

    # --- connecting -----------------------------------------------------------------------------
    def authorisation_url(self, *, state: str, redirect_uri: str, code_challenge: str = "", **_: Any) -> str:
        if not code_challenge:
            raise ValueError("X needs a PKCE code_challenge")
        return (
            AUTHORISE_URL
            + "?"
            + urlencode(
                {
                    "response_type": "code",
                    "client_id": self._setting("client_id"),
                    "redirect_uri": redirect_uri,
                    "scope": SCOPES,
                    "state": state,
                    "code_challenge": code_challenge,
                    "code_challenge_method": "S256",
                }
            )
        )

    def complete_authorisation(self, *, code: str, redirect_uri: str, code_verifier: str = "") -> Credentials:
        tokens = self._token(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": code_verifier,
            }
        )
        me = self._call("GET", "/2/users/me", safe_to_retry=True, token=tokens["access_token"]).json()["data"]
        return self._credentials(tokens, user_id=str(me["id"]), username=str(me["username"]))

    def refresh(self) -> Credentials:
        tokens = self._token({"grant_type": "refresh_token", "refresh_token": self._cred("refresh_token")})
        return self._credentials(tokens, user_id=self._cred("user_id"), username=self._cred("username"))

    def _token(self, form: dict[str, str]) -> dict[str, Any]:
        client_id = self._setting("client_id")
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if self.settings.get("client_secret"):  # a confidential client authenticates itself
            pair = f"{client_id}:{self.settings['client_secret']}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        response = http.call(
            "POST",
            f"{self.api}/2/oauth2/token",
            safe_to_retry=True,
            classify=classify,
            sleep=self.sleep,
            headers=headers,
            data={**form, "client_id": client_id},
        )
        tokens: dict[str, Any] = response.json()
        return tokens

    def _credentials(self, tokens: dict[str, Any], *, user_id: str, username: str) -> Credentials:
        expires_in = tokens.get("expires_in")
        expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=int(expires_in)) if expires_in else None
        refresh_token = tokens.get("refresh_token") or (
            self.credentials.data.get("refresh_token") if self.credentials else ""
        )
        return Credentials(
            data={
                "access_token": tokens["access_token"],
                "refresh_token": refresh_token,
                "user_id": user_id,
                "username": username,
            },
            expires_at=expires_at,
        )

    def account(self) -> AccountInfo:
        me = self._call("GET", "/2/users/me", safe_to_retry=True).json()["data"]
        return AccountInfo(
            external_id=str(me["id"]),
            handle=str(me["username"]),
            display_name=str(me.get("name", "")),
            url=f"https://x.com/{me['username']}",
        )

    # --- publishing -----------------------------------------------------------------------------
    @classmethod
    def compose_text(cls, text: str, link: str, *, media: bool = False) -> str:
        # One space: every link counts 23 whatever it is, and a line break would cost as much.
        return f"{text} {link}".strip() if link and link not in text else text

    def publish(self, post: OutboundPost) -> PublishResult:
        media_ids = [self._upload_image(image) for image in post.images]
        if post.video is not None:
            media_ids.append(self._upload_video(post.video))
        text = self.compose_text(post.text, post.link, media=bool(media_ids))
        body: dict[str, Any] = {"text": text}
        if media_ids:
            body["media"] = {"media_ids": media_ids}
        if post.reply_to_external_id:
            body["reply"] = {"in_reply_to_tweet_id": post.reply_to_external_id}
        answer = self._call("POST", "/2/tweets", safe_to_retry=False, json=body).json()
        tweet_id = str(answer["data"]["id"])
        return PublishResult(external_id=tweet_id, url=f"https://x.com/{self._username}/status/{tweet_id}", raw=answer)

    @property
    def _username(self) -> str:
        return str(self.credentials.data.get("username", "i")) if self.credentials else "i"

    def recent_posts(self, *, since: dt.datetime) -> list[AccountPost]:
        answer = self._call(
            "GET",
            f"/2/users/{self._cred('user_id')}/tweets",
            safe_to_retry=True,
            params={"max_results": 20, **OWN_POST_FIELDS, "start_time": since.strftime("%Y-%m-%dT%H:%M:%SZ")},
        ).json()
        return [own_post(t, self._username) for t in answer.get("data", []) if isinstance(t, dict) and t.get("id")]

    def read_post(self, external_id: str) -> AccountPost | None:
        """``GET /2/tweets/:id`` with the fields ``recent_posts`` asks for. X answers a deleted post with 200 and a
        ``resource-not-found`` problem (``errors.post_shown``), or with 404: either is "gone"."""
        answer = self._read_one(
            f"/2/tweets/{external_id}",
            external_id,
            gone=lambda code: code == "404",
            unwrap=lambda answer: post_shown(answer, external_id),
            params=OWN_POST_FIELDS,
        )
        return None if answer is None else own_post(answer, self._username)

    def _upload_image(self, image: Image) -> str:
        # Uploaded media is invisible until a post attaches it, so these calls may be retried.
        answer = self._call(
            "POST",
            "/2/media/upload",
            safe_to_retry=True,
            data={"media_category": "tweet_image", "media_type": image.mime_type},
            files={"media": ("image", image.content, image.mime_type)},
        ).json()
        media_id = str(answer["data"]["id"])
        if image.alt_text:
            self._call(
                "POST",
                "/2/media/metadata",
                safe_to_retry=True,
                json={"id": media_id, "metadata": {"alt_text": {"text": image.alt_text}}},
            )
        return media_id

    def _upload_video(self, video: Video) -> str:
        started = self._call(
            "POST",
            "/2/media/upload/initialize",
            safe_to_retry=True,
            json={"media_type": video.mime_type, "total_bytes": len(video.content), "media_category": "tweet_video"},
        ).json()
        media_id = str(started["data"]["id"])
        for index, offset in enumerate(range(0, len(video.content), CHUNK_BYTES)):
            self._call(
                "POST",
                f"/2/media/upload/{media_id}/append",
                safe_to_retry=True,
                data={"segment_index": str(index)},
                files={"media": ("chunk", video.content[offset : offset + CHUNK_BYTES], "application/octet-stream")},
            )
        info = self._call("POST", f"/2/media/upload/{media_id}/finalize", safe_to_retry=True).json()["data"]
        for _ in range(VIDEO_POLLS):
            processing = info.get("processing_info") or {"state": "succeeded"}
            if processing.get("state") == "succeeded":
                return media_id
            if processing.get("state") == "failed":
                reason = (processing.get("error") or {}).get("message", "processing failed")
                raise ConnectorError(ErrorKind.REJECTED, f"X could not use the video: {reason}", raw=info)
            self.sleep(float(processing.get("check_after_secs", 5)))
            info = self._call(
                "GET", "/2/media/upload", safe_to_retry=True, params={"command": "STATUS", "media_id": media_id}
            ).json()["data"]
        raise ConnectorError(ErrorKind.RETRY, "X is still processing the video.", retry_after=60.0)

    def delete(self, external_id: str) -> None:
        self._call("DELETE", f"/2/tweets/{external_id}", safe_to_retry=True)

    def hide_comment(self, *, external_id: str, raw: dict[str, Any]) -> None:
        hide_reply(self, external_id=external_id, raw=raw)

    # --- listening ------------------------------------------------------------------------------
    def fetch_inbound(self, *, cursor: str = "") -> InboundPage:
        """Mentions and direct messages since the cursor.

        The cursor is JSON holding both positions, ``{"mentions": <post id>, "direct_messages":
        <event id>}``; a plain post id (the form before direct messages were read) is taken as the
        mentions position. Without the DM permission (connections made before it was asked for)
        mentions are still read, and the direct-message position is kept for when it is granted.
        """
        mention_cursor, dm_cursor = parse_cursor(cursor)
        items, mention_cursor = self._mentions(mention_cursor)
        try:
            messages, dm_cursor = self._direct_messages(dm_cursor)
        except ConnectorError as error:
            if error.platform_code != "403":
                raise
            log.warning(
                "X direct messages skipped for user %s: the connection lacks the dm.read permission or the "
                "app lacks DM access (%s). Reconnect the channel to read direct messages.",
                self._cred("user_id"),
                error.kind,
            )
            messages = []
        return InboundPage(items=items + messages, cursor=make_cursor(mention_cursor, dm_cursor))

    def search_posts(self, *, term: str, cursor: str = "") -> InboundPage:
        from townsquare.connectors.x.search import search_posts  # it reads this module's POST_FIELDS

        return search_posts(self, term=term, cursor=cursor)

    def _mentions(self, cursor: str) -> tuple[list[InboundItem], str]:
        """Mentions since the last one seen (``since_id``); the position is the newest post id."""
        path = f"/2/users/{self._cred('user_id')}/mentions"
        return self.post_pages(path, dict(POST_FIELDS), cursor, pages=MENTION_PAGES, token="pagination_token")

    def post_pages(
        self, path: str, params: dict[str, Any], cursor: str, *, pages: int, token: str
    ) -> tuple[list[InboundItem], str]:
        """Posts from a list of them since ``cursor`` (``since_id``), up to ``pages`` pages (each page's
        ``token`` names the next); returns them with the newest id, the next cursor."""
        if cursor:
            params["since_id"] = cursor
        items: list[InboundItem] = []
        newest = cursor
        for _ in range(pages):
            page = self._call("GET", path, safe_to_retry=True, params=params).json()
            meta = page.get("meta") or {}
            if newest == cursor and meta.get("newest_id"):
                newest = str(meta["newest_id"])  # the first page holds the newest
            users = {u.get("id"): u for u in (page.get("includes") or {}).get("users", []) if isinstance(u, dict)}
            items += [mention_item(raw, users) for raw in page.get("data", [])]
            if not meta.get("next_token"):
                break
            params[token] = meta["next_token"]
        return items, newest

    def _direct_messages(self, cursor: str) -> tuple[list[InboundItem], str]:
        """Messages received since the event id ``cursor``.

        ``/2/dm_events`` has no ``since_id``: it answers newest first, so pages are read until an
        event at or before the cursor (at most DM_PAGES; a larger backlog keeps its newest part).
        The account's own messages are left out.
        """
        me = self._cred("user_id")
        params: dict[str, Any] = {
            "max_results": 100,
            "event_types": "MessageCreate",
            "dm_event.fields": "id,text,sender_id,created_at,dm_conversation_id,event_type",
            "expansions": "sender_id",
            "user.fields": "username,name",
        }
        items: list[InboundItem] = []
        newest = cursor
        for _ in range(DM_PAGES):
            page = self._call("GET", "/2/dm_events", safe_to_retry=True, params=params).json()
            users = {u.get("id"): u for u in (page.get("includes") or {}).get("users", []) if isinstance(u, dict)}
            reached_cursor = False
            for raw in page.get("data", []):
                event_id = str(raw.get("id", "")) if isinstance(raw, dict) else ""
                if cursor and event_id.isdigit() and id_key(event_id) <= id_key(cursor):
                    reached_cursor = True
                    break
                if event_id.isdigit() and (not newest or id_key(event_id) > id_key(newest)):
                    newest = event_id
                if isinstance(raw, dict) and str(raw.get("sender_id", "")) == me:
                    continue
                items.append(direct_message_item(raw, users))
            next_token = (page.get("meta") or {}).get("next_token")
            if reached_cursor or not next_token or not cursor:
                break  # no cursor yet: the newest page is the starting point
            params["pagination_token"] = next_token
        return items, newest

    # --- measuring ------------------------------------------------------------------------------
    def fetch_metrics(self) -> AccountMetrics:
        me = self._call("GET", "/2/users/me", safe_to_retry=True, params={"user.fields": "public_metrics"}).json()[
            "data"
        ]
        since = (dt.datetime.now(dt.UTC) - dt.timedelta(days=28)).strftime("%Y-%m-%dT%H:%M:%SZ")
        parts = OptionalParts()
        tweets = parts.read(
            lambda: self._call(
                "GET",
                f"/2/users/{me['id']}/tweets",
                safe_to_retry=True,
                params={
                    "max_results": 100,
                    "tweet.fields": "public_metrics",
                    "exclude": "retweets",
                    "start_time": since,
                },
            ).json(),
            refused=reach.REFUSED,
            what=reach.WHAT,
        )
        impressions, engagements = reach.totals(tweets)
        return AccountMetrics(
            taken_at=dt.datetime.now(dt.UTC),
            followers=me.get("public_metrics", {}).get("followers_count"),
            impressions=impressions,
            engagements=engagements,
            raw={"user": me, "tweets": tweets},
            left_out=parts.left_out,
        )

    @staticmethod
    def posts_reach(raw: dict[str, Any]) -> dict[str, int]:
        return reach.posts_reach(raw)
