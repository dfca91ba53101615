"""Facebook Pages through the Graph API.

Credentials hold the Page id and Page token (used for everything the Page does) and the long-lived
user token it came from (used only to renew). Tokens travel in the Authorization header, never in
the URL.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import requests

from townsquare.connectors.base import (
    AccountInfo,
    AccountMetrics,
    AccountPost,
    ConnectorError,
    Credentials,
    DailyFigure,
    ErrorKind,
    InboundPage,
    OutboundPost,
    PublishResult,
    platform_time,
)
from townsquare.connectors.facebook import daily, inbound, login, snapshot
from townsquare.connectors.facebook.errors import classify
from townsquare.connectors.facebook.graph import GraphConnector, lifetime_figures
from townsquare.connectors.facebook.limits import LIMITS

SCOPES = [
    "pages_show_list",
    "pages_manage_posts",
    "pages_read_engagement",
    "pages_manage_engagement",
    "pages_read_user_content",
    "read_insights",
    "pages_messaging",
]
COMMENT_FIELDS = "id,message,from,created_time,permalink_url,parent{id}"
POST_READ = "id,message,created_time,permalink_url"  # a post's words as the Page shows them now


class FacebookConnector(GraphConnector):
    platform = "facebook"
    limits = LIMITS
    app_name = display_name = "Facebook"
    not_connected_message = "This Facebook Page is not connected. Connect the channel."
    scopes = SCOPES
    hide_refusal = ""  # comments on the Page's posts
    edit_refusal = ""  # POST /{page-post-id} with ``message``

    def classify(self, response: requests.Response) -> ConnectorError | None:
        return classify(response)

    def _account_credentials(self, *, code: str = "", redirect_uri: str = "", user_token: str = "") -> Credentials:
        user_token, expires_at = self._long_lived_user_token(
            code=code, redirect_uri=redirect_uri, user_token=user_token
        )
        pages = login.managed_pages(
            self._login_call, graph=self.graph, user_token=user_token, fields="id,name,username,access_token"
        )
        wanted = str(
            self.settings.get("page_id")
            or (self.credentials.data.get("page_id") if self.credentials else "")
            or self.settings.get("handle")
            or ""
        )
        page = login.choose(
            pages,
            wanted=wanted,
            label=lambda p: str(p.get("name", p.get("id"))),
            ids=lambda p: {str(p.get("id", "")), str(p.get("username", "")), str(p.get("name", ""))},
            platform_name="Facebook Page",
        )
        # The Page token does not expire; the expiry shown is the user token's, the one renewed.
        return Credentials(
            data={
                "page_id": str(page["id"]),
                "page_name": str(page.get("name", "")),
                "page_token": str(page["access_token"]),
                "user_token": user_token,
            },
            expires_at=expires_at,
        )

    def account(self) -> AccountInfo:
        page = self._call(
            "GET", self._cred("page_id"), safe_to_retry=True, params={"fields": "id,name,username,link"}
        ).json()
        return AccountInfo(
            external_id=str(page["id"]),
            handle=str(page.get("username") or page["id"]),
            display_name=str(page.get("name", "")),
            url=str(page.get("link", "")),
        )

    # --- publishing -----------------------------------------------------------------------------
    def publish(self, post: OutboundPost) -> PublishResult:
        page_id = self._cred("page_id")
        if post.reply_to_external_id:
            return self._reply(post)
        if post.video is not None:
            description = "\n\n".join(part for part in (post.video.description or post.text, post.link) if part)
            answer = self._call(
                "POST",
                f"{page_id}/videos",
                safe_to_retry=False,
                data={"title": post.video.title, "description": description},
                files={"source": ("video", post.video.content, post.video.mime_type)},
            ).json()
            return self._result(str(answer["id"]), answer, url=f"https://www.facebook.com/{answer['id']}")
        if len(post.images) == 1:
            image = post.images[0]
            answer = self._call(
                "POST",
                f"{page_id}/photos",
                safe_to_retry=False,
                data={"message": self._text_with_link(post), "alt_text_custom": image.alt_text, "published": "true"},
                files={"source": ("image", image.content, image.mime_type)},
            ).json()
            return self._result(str(answer.get("post_id") or answer["id"]), answer)
        data: dict[str, str] = {"message": self.compose_text(post.text, post.link, media=bool(post.images))}
        if post.images:
            for index, image in enumerate(post.images):
                # Unpublished photos show nowhere until attached, so uploading one again is harmless.
                photo = self._call(
                    "POST",
                    f"{page_id}/photos",
                    safe_to_retry=True,
                    data={"published": "false", "alt_text_custom": image.alt_text},
                    files={"source": ("image", image.content, image.mime_type)},
                ).json()
                data[f"attached_media[{index}]"] = json.dumps({"media_fbid": str(photo["id"])})
        elif post.link:
            data["link"] = post.link
        answer = self._call("POST", f"{page_id}/feed", safe_to_retry=False, data=data).json()
        return self._result(str(answer["id"]), answer)

    def _reply(self, post: OutboundPost) -> PublishResult:
        if post.images or post.video:
            raise ConnectorError(
                ErrorKind.REJECTED,
                "Facebook replies can carry text and links only (a photo on a "
                "comment cannot have alt text). Remove the media or publish it as a post.",
            )
        answer = self._call(
            "POST",
            f"{post.reply_to_external_id}/comments",
            safe_to_retry=False,
            data={"message": self._text_with_link(post)},
        ).json()
        return self._result(str(answer["id"]), answer)

    @classmethod
    def compose_text(cls, text: str, link: str, *, media: bool = False) -> str:
        # Without media the link goes as the post's card (``link``), not in its text.
        return super().compose_text(text, link, media=media) if media else text

    def _text_with_link(self, post: OutboundPost) -> str:
        return self.compose_text(post.text, post.link, media=True)

    @staticmethod
    def _result(external_id: str, raw: dict[str, Any], url: str = "") -> PublishResult:
        return PublishResult(external_id=external_id, url=url or f"https://www.facebook.com/{external_id}", raw=raw)

    def recent_posts(self, *, since: dt.datetime) -> list[AccountPost]:
        answer = self._call(
            "GET",
            f"{self._cred('page_id')}/posts",
            safe_to_retry=True,
            params={
                "fields": POST_READ,
                "since": str(int(since.timestamp())),
                "limit": 25,
            },
        ).json()
        return [_page_post(p) for p in answer.get("data", []) if isinstance(p, dict) and p.get("id")]

    def read_post(self, external_id: str) -> AccountPost | None:
        """``GET /{page-post-id}``: the post's message now; Graph's 100/33 (no object with that id) is a
        deleted post, since the Page's own token can read every post the Page still has."""
        answer = self._read_one(
            external_id, external_id, gone=lambda code: code == "100/33", params={"fields": POST_READ}
        )
        return None if answer is None else _page_post(answer)

    def delete(self, external_id: str) -> None:
        # Deleting twice cannot do harm, so a lost answer may be retried.
        self._call("DELETE", external_id, safe_to_retry=True)

    def edit(self, external_id: str, text: str) -> None:
        """``text`` as sent (``compose_text``); the post keeps its link card, photos or video. Sent once: a 5xx
        or a timeout is ``UNCONFIRMED``, for the caller to settle from the Page's posts."""
        answer = self._call("POST", external_id, safe_to_retry=False, data={"message": text}).json()
        if answer.get("success") is not True:
            raise ConnectorError(ErrorKind.UNCONFIRMED, "Facebook did not confirm the change.", raw=answer)

    def hide_comment(self, *, external_id: str, raw: dict[str, Any]) -> None:
        """Hide a comment on the Page's post (``POST /{comment-id}`` with ``is_hidden``): hidden from everyone
        but its author and their friends. A Messenger message cannot be hidden; Graph refuses a post."""
        if external_id.startswith("m_"):
            raise ConnectorError(ErrorKind.REJECTED, "A Messenger message cannot be hidden: only comments can.")
        # Hiding twice leaves it hidden, so a lost answer may be asked again.
        answer = self._call("POST", external_id, safe_to_retry=True, data={"is_hidden": "true"}).json()
        if answer.get("success") is not True:
            raise ConnectorError(ErrorKind.REJECTED, "Facebook did not confirm that the comment is hidden.", raw=answer)

    # --- listening ------------------------------------------------------------------------------
    def fetch_inbound(self, *, cursor: str = "") -> InboundPage:
        """Comments on recent Page posts, posts that tag the Page, and Messenger conversations."""
        page_id = self._cred("page_id")
        items = []
        feed = self._call(
            "GET",
            f"{page_id}/feed",
            safe_to_retry=True,
            params={"fields": f"id,comments.limit(100).order(reverse_chronological){{{COMMENT_FIELDS}}}", "limit": 25},
        ).json()
        for post in feed.get("data", []):
            for comment in (post.get("comments") or {}).get("data") or []:
                if isinstance(comment, dict) and (comment.get("from") or {}).get("id") == page_id:
                    continue  # the Page's own replies
                items.append(inbound.from_graph(comment, kind="comment", in_reply_to=str(post.get("id", ""))))
        tagged = self._call(
            "GET",
            f"{page_id}/tagged",
            safe_to_retry=True,
            params={"fields": "id,message,from,created_time,permalink_url", "limit": 50},
        ).json()
        items += [inbound.from_graph(raw, kind="mention") for raw in tagged.get("data", [])]
        conversations = self._call(
            "GET",
            f"{page_id}/conversations",
            safe_to_retry=True,
            params={"fields": "messages.limit(25){id,message,from,created_time}", "limit": 25},
        ).json()
        for conversation in conversations.get("data", []):
            for message in (conversation.get("messages") or {}).get("data") or []:
                if isinstance(message, dict) and (message.get("from") or {}).get("id") == page_id:
                    continue
                items.append(inbound.from_graph(message, kind="direct_message"))
        kept, new_cursor = inbound.since(items, cursor)
        return InboundPage(items=kept, cursor=new_cursor)

    # --- measuring ------------------------------------------------------------------------------
    daily_history_days = daily.HISTORY_DAYS

    def fetch_daily(self, *, since: dt.date, until: dt.date) -> list[DailyFigure]:
        def call(path: str, params: dict[str, str]) -> Any:
            return self._call("GET", path, safe_to_retry=True, params=params).json()

        return daily.fetch_daily(call, self._cred("page_id"), since=since, until=until)

    def fetch_metrics(self) -> AccountMetrics:
        """Followers and likes from the Page (their failure fails the snapshot); the Page's 28-day
        insights and each recent post's reach, read with the posts, where Facebook gives them."""
        page_id = self._cred("page_id")
        page = self._call("GET", page_id, safe_to_retry=True, params={"fields": "followers_count,fan_count"}).json()
        read = snapshot.read(self._call, page_id, snapshot.FACEBOOK)
        return AccountMetrics(
            taken_at=dt.datetime.now(dt.UTC),
            followers=page.get("followers_count"),
            page_likes=page.get("fan_count"),
            **read.values,
            raw={"page": page, "insights": read.insights, "posts": read.posts},
            left_out=read.left_out,
        )

    @staticmethod
    def posts_reach(raw: dict[str, Any]) -> dict[str, int]:
        """The Page's last 100 posts, each with its lifetime reach."""
        return lifetime_figures(raw.get("posts"), snapshot.POST_REACH)


def _page_post(raw: dict[str, Any]) -> AccountPost:
    return AccountPost(
        external_id=str(raw["id"]),
        text=str(raw.get("message", "")),
        created_at=platform_time(raw.get("created_time")),
        url=str(raw.get("permalink_url", "")),
    )
