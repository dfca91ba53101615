"""Instagram professional accounts linked to a Facebook Page, through the Graph API.

Publishing is two steps: create a container (Instagram fetches the media from a public address),
then ``media_publish`` it. Only ``media_publish`` makes anything visible, so it alone is attempted
once; containers nobody publishes expire by themselves after a day.
"""

from __future__ import annotations

import datetime as dt
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
    InboundItem,
    InboundPage,
    OutboundPost,
    PublishResult,
    malformed_item,
    platform_time,
)
from townsquare.connectors.facebook import inbound, login
from townsquare.connectors.facebook import snapshot as facebook_snapshot
from townsquare.connectors.facebook.graph import GraphConnector, lifetime_figures
from townsquare.connectors.instagram import daily
from townsquare.connectors.instagram.errors import classify
from townsquare.connectors.instagram.limits import LIMITS
from townsquare.connectors.instagram.snapshot import INSTAGRAM

SCOPES = [
    "instagram_basic",
    "instagram_content_publish",
    "instagram_manage_comments",
    "instagram_manage_insights",
    "pages_show_list",
    "pages_read_engagement",
    "business_management",
]
COMMENT_FIELDS = "id,text,username,timestamp,from,parent_id"
IMAGE_POLLS, VIDEO_POLLS, POLL_SECONDS = 5, 60, 5.0


class InstagramConnector(GraphConnector):
    platform = "instagram"
    limits = LIMITS
    app_name = display_name = "Instagram"
    not_connected_message = "This Instagram account is not connected. Connect the channel."
    scopes = SCOPES
    hide_refusal = ""  # comments on the account's media
    edit_refusal = (
        "Instagram's API cannot change a caption after publishing (only the Instagram app can): change it in "
        "the app, or delete the post and publish it again."
    )

    def classify(self, response: requests.Response) -> ConnectorError | None:
        return classify(response)

    def _account_credentials(self, *, code: str = "", redirect_uri: str = "", user_token: str = "") -> Credentials:
        user_token, expires_at = self._long_lived_user_token(
            code=code, redirect_uri=redirect_uri, user_token=user_token
        )
        pages = login.managed_pages(
            self._login_call,
            graph=self.graph,
            user_token=user_token,
            fields="id,name,access_token,instagram_business_account{id,username}",
        )
        linked = [p for p in pages if p.get("instagram_business_account")]
        wanted = str(
            self.settings.get("ig_user_id")
            or (self.credentials.data.get("ig_user_id") if self.credentials else "")
            or self.settings.get("handle")
            or ""
        )
        page = login.choose(
            linked,
            wanted=wanted,
            label=lambda p: "@" + str(p["instagram_business_account"].get("username")),
            ids=lambda p: {
                str(p["instagram_business_account"].get("id", "")),
                str(p["instagram_business_account"].get("username", "")),
            },
            platform_name="Instagram",
        )
        account = page["instagram_business_account"]
        return Credentials(
            data={
                "ig_user_id": str(account["id"]),
                "username": str(account.get("username", "")),
                "page_id": str(page["id"]),
                "page_token": str(page["access_token"]),
                "user_token": user_token,
            },
            expires_at=expires_at,
        )

    def account(self) -> AccountInfo:
        me = self._call(
            "GET", self._cred("ig_user_id"), safe_to_retry=True, params={"fields": "id,username,name"}
        ).json()
        return AccountInfo(
            external_id=str(me["id"]),
            handle=str(me.get("username", "")),
            display_name=str(me.get("name", "")),
            url=f"https://www.instagram.com/{me.get('username', '')}/",
        )

    # --- publishing -----------------------------------------------------------------------------
    def publish(self, post: OutboundPost) -> PublishResult:
        if post.reply_to_external_id:
            return self._reply(post)
        ig = self._cred("ig_user_id")
        caption = self.compose_text(post.text, post.link, media=True)
        if post.video is not None:
            if not post.video.url:
                raise self._needs_public_address()
            container = self._container({"media_type": "REELS", "video_url": post.video.url, "caption": caption})
            self._wait_until_ready(container, VIDEO_POLLS)
        elif not post.images:
            raise ConnectorError(ErrorKind.REJECTED, "Instagram posts need at least one image or a video.")
        elif any(not image.url for image in post.images):
            raise self._needs_public_address()
        elif len(post.images) == 1:
            image = post.images[0]
            container = self._container({"image_url": image.url, "alt_text": image.alt_text, "caption": caption})
            self._wait_until_ready(container, IMAGE_POLLS)
        else:
            children = [
                self._container({"image_url": image.url, "alt_text": image.alt_text, "is_carousel_item": "true"})
                for image in post.images
            ]
            container = self._container({"media_type": "CAROUSEL", "children": ",".join(children), "caption": caption})
            self._wait_until_ready(container, IMAGE_POLLS)
        answer = self._call("POST", f"{ig}/media_publish", safe_to_retry=False, data={"creation_id": container}).json()
        media_id = str(answer["id"])
        return PublishResult(external_id=media_id, url=self._permalink(media_id), raw=answer)

    def _container(self, data: dict[str, str]) -> str:
        answer = self._call("POST", f"{self._cred('ig_user_id')}/media", safe_to_retry=True, data=data).json()
        return str(answer["id"])

    def _wait_until_ready(self, container: str, polls: int) -> None:
        for attempt in range(polls):
            status = self._call("GET", container, safe_to_retry=True, params={"fields": "status_code,status"}).json()
            code = status.get("status_code")
            if code in ("FINISHED", "PUBLISHED"):
                return
            if code in ("ERROR", "EXPIRED"):
                raise ConnectorError(
                    ErrorKind.REJECTED,
                    f"Instagram could not use the media: {status.get('status') or code}",
                    platform_code=str(code),
                    raw=status,
                )
            if attempt < polls - 1:
                self.sleep(POLL_SECONDS)
        # Nothing has been published yet, so trying the whole post again later is safe.
        raise ConnectorError(ErrorKind.RETRY, "Instagram is still preparing the media.", retry_after=60.0)

    def _permalink(self, media_id: str) -> str:
        # The post is already live: failing to look up its address must not make it look unpublished.
        try:
            answer = self._call("GET", media_id, safe_to_retry=True, params={"fields": "permalink"}).json()
        except ConnectorError:
            return ""
        return str(answer.get("permalink", ""))

    @staticmethod
    def _needs_public_address() -> ConnectorError:
        return ConnectorError(
            ErrorKind.REJECTED,
            "Instagram fetches media from a public web address, and this post's "
            "media has none. Ask an administrator to set up public media addresses.",
        )

    def _reply(self, post: OutboundPost) -> PublishResult:
        if post.images or post.video:
            raise ConnectorError(ErrorKind.REJECTED, "Instagram replies can carry text only.")
        text = f"{post.text} {post.link}".strip() if post.link and post.link not in post.text else post.text
        answer = self._call(
            "POST", f"{post.reply_to_external_id}/replies", safe_to_retry=False, data={"message": text}
        ).json()
        return PublishResult(external_id=str(answer["id"]), raw=answer)

    def recent_posts(self, *, since: dt.datetime) -> list[AccountPost]:
        answer = self._call(
            "GET",
            f"{self._cred('ig_user_id')}/media",
            safe_to_retry=True,
            params={"fields": "id,caption,timestamp,permalink", "limit": 25},
        ).json()
        posts = [
            AccountPost(
                external_id=str(m["id"]),
                text=str(m.get("caption", "")),
                created_at=platform_time(m.get("timestamp")),
                url=str(m.get("permalink", "")),
            )
            for m in answer.get("data", [])
            if isinstance(m, dict) and m.get("id")
        ]
        return [p for p in posts if p.created_at is None or p.created_at >= since]

    def delete(self, external_id: str) -> None:
        self._call("DELETE", external_id, safe_to_retry=True)

    def hide_comment(self, *, external_id: str, raw: dict[str, Any]) -> None:
        """Hide a comment on the account's media (``POST /{ig-comment-id}?hide=true``): hidden from everyone
        but its author. Media that tag the account (they carry a caption, not a comment's text) cannot be."""
        if "text" not in raw and "caption" in raw:
            raise ConnectorError(ErrorKind.REJECTED, "Instagram lets an account hide comments only, not posts.")
        # Hiding twice leaves it hidden, so a lost answer may be asked again.
        answer = self._call("POST", external_id, safe_to_retry=True, params={"hide": "true"}).json()
        if answer.get("success") is not True:
            raise ConnectorError(
                ErrorKind.REJECTED, "Instagram did not confirm that the comment is hidden.", raw=answer
            )

    # --- listening ------------------------------------------------------------------------------
    def fetch_inbound(self, *, cursor: str = "") -> InboundPage:
        """Comments and replies on recent media, and media others tagged the account in."""
        ig = self._cred("ig_user_id")
        items: list[InboundItem] = []
        media = self._call(
            "GET",
            f"{ig}/media",
            safe_to_retry=True,
            params={
                "fields": f"id,permalink,comments.limit(50){{{COMMENT_FIELDS},replies{{{COMMENT_FIELDS}}}}}",
                "limit": 25,
            },
        ).json()
        own = self.credentials.data.get("username", "") if self.credentials else ""
        for medium in media.get("data", []):
            for comment in (medium.get("comments") or {}).get("data") or []:
                if not isinstance(comment, dict):
                    items.append(malformed_item(comment, "comment", TypeError("comment is not an object")))
                    continue
                for raw, kind, parent in [(comment, "comment", str(medium.get("id", "")))] + [
                    (reply, "reply", str(comment.get("id", "")))
                    for reply in ((comment.get("replies") or {}).get("data") or [])
                ]:
                    if isinstance(raw, dict) and raw.get("username") and raw.get("username") == own:
                        continue  # the account's own answers
                    items.append(
                        _comment(raw, kind=kind, in_reply_to=parent, permalink=str(medium.get("permalink", "")))
                    )
        tags = self._call(
            "GET",
            f"{ig}/tags",
            safe_to_retry=True,
            params={"fields": "id,caption,username,timestamp,permalink", "limit": 50},
        ).json()
        items += [_tagged(raw) for raw in tags.get("data", [])]
        kept, new_cursor = inbound.since(items, cursor)
        return InboundPage(items=kept, cursor=new_cursor)

    # --- measuring ------------------------------------------------------------------------------
    daily_history_days = daily.HISTORY_DAYS

    def fetch_daily(self, *, since: dt.date, until: dt.date) -> list[DailyFigure]:
        def call(path: str, params: dict[str, str]) -> Any:
            return self._call("GET", path, safe_to_retry=True, params=params).json()

        return daily.fetch_daily(call, self._cred("ig_user_id"), since=since, until=until)

    def fetch_metrics(self) -> AccountMetrics:
        """Followers from the account (their failure fails the snapshot); the day's insights and each
        recent media object's reach, read with the media, where Instagram gives them."""
        ig = self._cred("ig_user_id")
        profile = self._call("GET", ig, safe_to_retry=True, params={"fields": "followers_count,media_count"}).json()
        read = facebook_snapshot.read(self._call, ig, INSTAGRAM)
        return AccountMetrics(
            taken_at=dt.datetime.now(dt.UTC),
            followers=profile.get("followers_count"),
            **read.values,
            raw={"profile": profile, "insights": read.insights, "media": read.posts},
            left_out=read.left_out,
        )

    @staticmethod
    def posts_reach(raw: dict[str, Any]) -> dict[str, int]:
        """The account's last 100 media objects, each with its lifetime reach (accounts that saw it)."""
        return lifetime_figures(raw.get("media"), "reach")


def _comment(raw: Any, *, kind: str, in_reply_to: str, permalink: str) -> InboundItem:
    try:
        return InboundItem(
            external_id=str(raw["id"]),
            kind=kind,
            author_handle=str(raw.get("username", "")),
            author_name=str(raw.get("username", "")),
            text=str(raw.get("text", "")),
            created_at=inbound.parse_time(raw["timestamp"]),
            url=permalink,
            in_reply_to_external_id=str(raw.get("parent_id") or in_reply_to),
            raw=raw,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return malformed_item(raw, kind, exc)


def _tagged(raw: Any) -> InboundItem:
    try:
        return InboundItem(
            external_id=str(raw["id"]),
            kind="mention",
            author_handle=str(raw.get("username", "")),
            author_name=str(raw.get("username", "")),
            text=str(raw.get("caption", "")),
            created_at=inbound.parse_time(raw["timestamp"]),
            url=str(raw.get("permalink", "")),
            raw=raw,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return malformed_item(raw, "mention", exc)
