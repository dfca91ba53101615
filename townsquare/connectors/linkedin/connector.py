"""LinkedIn organisation pages through the versioned REST APIs (Posts, Images, Social Actions).

Every REST call names the API version (``LinkedIn-Version``, YYYYMM) and Rest.li 2.0; URNs in
paths are percent-encoded. Images and videos are uploaded first (invisible until a post uses them);
the one ``POST /rest/posts`` publishes, with each image's ``altText`` or the video's title in the
post content.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import quote, urlencode

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
    platform_time,
)
from townsquare.connectors.bearer import BearerConnector
from townsquare.connectors.linkedin import daily, reach
from townsquare.connectors.linkedin.errors import classify
from townsquare.connectors.linkedin.limits import LIMITS
from townsquare.connectors.linkedin.parsing import comment_item, escape_little_text, unescape_little_text
from townsquare.connectors.linkedin.uploads import upload_image, upload_video
from townsquare.connectors.snapshot_parts import OptionalParts

API_URL = "https://api.linkedin.com"
OAUTH_URL = "https://www.linkedin.com/oauth/v2"
API_VERSION = "202607"  # Marketing API July 2026: each version is kept a year, so move it on yearly
SCOPES = "r_organization_social w_organization_social rw_organization_admin"
RECENT_POSTS = 5  # comments are read from this many recent posts per poll
# "little text": these characters must be escaped in commentary, or LinkedIn cuts the post short


def _urn(value: str) -> str:
    return quote(value, safe="")


class LinkedInConnector(BearerConnector):
    platform = "linkedin"
    limits = LIMITS
    display_name = "LinkedIn"
    not_connected_message = "This LinkedIn page is not connected. Connect the channel."
    api_url = API_URL
    classify = staticmethod(classify)
    edit_refusal = ""  # the Posts API's partial update of ``commentary``

    # --- plumbing -------------------------------------------------------------------------------
    @property
    def organisation(self) -> str:
        return f"urn:li:organization:{self._cred('organization_id')}"

    def _headers(self) -> dict[str, str]:
        return {
            "LinkedIn-Version": str(self.settings.get("api_version", API_VERSION)),
            "X-Restli-Protocol-Version": "2.0.0",
        }

    # --- connecting -----------------------------------------------------------------------------
    def authorisation_url(self, *, state: str, redirect_uri: str, code_challenge: str = "", **_: Any) -> str:
        return f"{OAUTH_URL}/authorization?" + urlencode(
            {
                "response_type": "code",
                "client_id": self._setting("client_id"),
                "redirect_uri": redirect_uri,
                "state": state,
                "scope": SCOPES,
            }
        )

    def complete_authorisation(self, *, code: str, redirect_uri: str, code_verifier: str = "") -> Credentials:
        tokens = self._token({"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri})
        acls = (
            self._call(
                "GET",
                "/rest/organizationAcls",
                safe_to_retry=True,
                token=tokens["access_token"],
                params={"q": "roleAssignee", "role": "ADMINISTRATOR", "state": "APPROVED"},
            )
            .json()
            .get("elements", [])
        )
        organisations = []
        for acl in acls:
            org_id = str(acl.get("organization", "")).rsplit(":", 1)[-1]
            details = self._call(
                "GET", f"/rest/organizations/{org_id}", safe_to_retry=True, token=tokens["access_token"]
            ).json()
            organisations.append(
                {"id": org_id, "name": details.get("localizedName", org_id), "vanity": details.get("vanityName", "")}
            )
        wanted = str(self.settings.get("organization_id") or self.settings.get("handle") or "")
        chosen = _choose(organisations, wanted)
        return self._credentials(tokens, organization_id=chosen["id"], vanity_name=chosen["vanity"])

    def refresh(self) -> Credentials:
        refresh_token = self.credentials.data.get("refresh_token") if self.credentials else ""
        if not refresh_token:
            raise ConnectorError(
                ErrorKind.REAUTHORISE,
                "LinkedIn connections last 60 days and this app cannot renew them. Reconnect the channel.",
            )
        tokens = self._token({"grant_type": "refresh_token", "refresh_token": str(refresh_token)})
        return self._credentials(
            tokens,
            organization_id=self._cred("organization_id"),
            vanity_name=str(self.credentials.data.get("vanity_name", "")) if self.credentials else "",
        )

    def _token(self, form: dict[str, str]) -> dict[str, Any]:
        response = http.call(
            "POST",
            f"{OAUTH_URL}/accessToken",
            safe_to_retry=True,
            classify=classify,
            sleep=self.sleep,
            data={**form, "client_id": self._setting("client_id"), "client_secret": self._setting("client_secret")},
        )
        tokens: dict[str, Any] = response.json()
        return tokens

    def _credentials(self, tokens: dict[str, Any], *, organization_id: str, vanity_name: str) -> Credentials:
        expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=int(tokens.get("expires_in", 0)))
        refresh_token = tokens.get("refresh_token") or (
            self.credentials.data.get("refresh_token", "") if self.credentials else ""
        )
        return Credentials(
            data={
                "access_token": tokens["access_token"],
                "refresh_token": refresh_token,
                "organization_id": organization_id,
                "vanity_name": vanity_name,
            },
            expires_at=expires_at,
        )

    def account(self) -> AccountInfo:
        org = self._call("GET", f"/rest/organizations/{self._cred('organization_id')}", safe_to_retry=True).json()
        vanity = str(org.get("vanityName", ""))
        return AccountInfo(
            external_id=str(org["id"]),
            handle=vanity,
            display_name=str(org.get("localizedName", "")),
            url=f"https://www.linkedin.com/company/{vanity}/" if vanity else "",
        )

    # --- publishing -----------------------------------------------------------------------------
    @classmethod
    def compose_text(cls, text: str, link: str, *, media: bool = False) -> str:
        # Without media the link goes as the post's article card, not in its commentary.
        return super().compose_text(text, link, media=media) if media else text

    def publish(self, post: OutboundPost) -> PublishResult:
        if post.video is not None and post.images:
            raise ConnectorError(
                ErrorKind.REJECTED, "A LinkedIn post carries either a video or images, not both. Remove one of them."
            )
        if post.reply_to_external_id:
            return self._comment(post)
        body: dict[str, Any] = {
            "author": self.organisation,
            "commentary": escape_little_text(post.text),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        body["commentary"] = escape_little_text(
            self.compose_text(post.text, post.link, media=bool(post.video or post.images))
        )
        if post.video is not None:
            title = post.video.title or (post.text.splitlines()[0][:200] if post.text else "Video")
            body["content"] = {"media": {"id": upload_video(self, post.video), "title": title}}
        elif post.images:
            uploaded = [{"id": upload_image(self, image), "altText": image.alt_text} for image in post.images]
            body["content"] = {"media": uploaded[0]} if len(uploaded) == 1 else {"multiImage": {"images": uploaded}}
        elif post.link:
            title = post.text.splitlines()[0][:200] if post.text else post.link
            body["content"] = {"article": {"source": post.link, "title": title}}
        response = self._call("POST", "/rest/posts", safe_to_retry=False, json=body)
        urn = response.headers.get("x-restli-id", "")
        return PublishResult(
            external_id=urn, url=f"https://www.linkedin.com/feed/update/{urn}/", raw={"x-restli-id": urn}
        )

    def recent_posts(self, *, since: dt.datetime) -> list[AccountPost]:
        answer = self._call(
            "GET",
            "/rest/posts",
            safe_to_retry=True,
            params={"author": self.organisation, "q": "author", "count": 20, "sortBy": "CREATED"},
        ).json()
        posts = [_post(p) for p in answer.get("elements", []) if isinstance(p, dict) and p.get("id")]
        return [p for p in posts if p.created_at is None or p.created_at >= since]

    def read_post(self, external_id: str) -> AccountPost | None:
        """``GET /rest/posts/{urn}``: the post's commentary now; 404 is a deleted post. Replies are comments,
        which the Posts API does not read."""
        if external_id.startswith("urn:li:comment:"):
            raise ConnectorError(ErrorKind.REJECTED, "Townsquare reads LinkedIn posts one by one, not replies.")
        # LinkedIn's 404 comes as "404" or, with its code, "404/NOT_FOUND".
        answer = self._read_one(
            f"/rest/posts/{_urn(external_id)}", external_id, gone=lambda c: c.split("/")[0] == "404"
        )
        return None if answer is None else _post(answer)

    def _comment(self, post: OutboundPost) -> PublishResult:
        if post.images or post.video is not None:
            raise ConnectorError(ErrorKind.REJECTED, "LinkedIn replies from Townsquare carry text and links only.")
        target = post.reply_to_external_id
        text = f"{post.text} {post.link}".strip() if post.link and post.link not in post.text else post.text
        body: dict[str, Any] = {"actor": self.organisation, "object": target, "message": {"text": text}}
        parent = re.fullmatch(r"urn:li:comment:\((urn:li:[a-zA-Z]+:\d+),\d+\)", target)
        if parent:  # a reply to a comment belongs to the comment's post, under that comment
            body.update(object=parent.group(1), parentComment=target)
        response = self._call("POST", f"/rest/socialActions/{_urn(target)}/comments", safe_to_retry=False, json=body)
        answer = response.json() if response.content else {}
        urn = str(answer.get("$URN") or response.headers.get("x-restli-id", ""))
        return PublishResult(external_id=urn, raw=answer)

    def delete(self, external_id: str) -> None:
        comment = re.fullmatch(r"urn:li:comment:\((urn:li:[a-zA-Z]+:\d+),(\d+)\)", external_id)
        if comment:
            self._call(
                "DELETE",
                f"/rest/socialActions/{_urn(comment.group(1))}/comments/{comment.group(2)}",
                safe_to_retry=True,
                params={"actor": self.organisation},
            )
        else:
            self._call("DELETE", f"/rest/posts/{_urn(external_id)}", safe_to_retry=True)

    def edit(self, external_id: str, text: str) -> None:
        """A post's commentary, by the Posts API's partial update (its media, article and audience stay). Sent
        once: a 5xx or a timeout is ``UNCONFIRMED``. A reply (a comment) is not changed from here."""
        if external_id.startswith("urn:li:comment:"):
            raise ConnectorError(
                ErrorKind.REJECTED, "Townsquare changes LinkedIn posts, not replies: delete the reply and reply again."
            )
        self._call(
            "POST",
            f"/rest/posts/{_urn(external_id)}",
            safe_to_retry=False,
            headers={"X-RestLi-Method": "PARTIAL_UPDATE"},
            json={"patch": {"$set": {"commentary": escape_little_text(text)}}},
        )

    # --- listening ------------------------------------------------------------------------------
    def fetch_inbound(self, *, cursor: str = "") -> InboundPage:
        """Comments on the page's recent posts since the cursor (an ISO time)."""
        posts = self._call(
            "GET",
            "/rest/posts",
            safe_to_retry=True,
            params={"q": "author", "author": self.organisation, "count": RECENT_POSTS, "sortBy": "LAST_MODIFIED"},
        ).json()
        items: list[InboundItem] = []
        for shared in posts.get("elements", []):
            urn = str(shared.get("id", ""))
            comments = self._call("GET", f"/rest/socialActions/{_urn(urn)}/comments", safe_to_retry=True).json()
            for raw in comments.get("elements", []):
                if isinstance(raw, dict) and raw.get("actor") == self.organisation:
                    continue  # the page's own replies
                items.append(comment_item(raw, urn))
        after = dt.datetime.fromisoformat(cursor) if cursor else None
        kept = [i for i in items if i.malformed or after is None or i.created_at >= after]
        newest = max((i.created_at for i in kept if not i.malformed), default=after)
        return InboundPage(items=kept, cursor=newest.isoformat() if newest else cursor)

    # --- measuring ------------------------------------------------------------------------------
    daily_history_days = daily.HISTORY_DAYS

    def fetch_daily(self, *, since: dt.date, until: dt.date) -> list[DailyFigure]:
        network = self._call(
            "GET",
            f"/rest/networkSizes/{_urn(self.organisation)}",
            safe_to_retry=True,
            params={"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"},
        ).json()
        query = (
            f"/rest/organizationalEntityFollowerStatistics?q=organizationalEntity&organizationalEntity="
            f"{_urn(self.organisation)}&timeIntervals={daily.time_intervals(since, until)}"
        )
        answer = self._call("GET", query, safe_to_retry=True).json()
        return daily.levels(answer, int(network.get("firstDegreeSize") or 0), since=since, until=until)

    def fetch_metrics(self) -> AccountMetrics:
        """Followers always (their failure fails the snapshot); the page's and its posts' statistics where
        LinkedIn gives them (a refusal or a temporary problem leaves them unmeasured, with its reason)."""
        org = self.organisation
        network = self._read(f"/rest/networkSizes/{_urn(org)}", {"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"})
        parts = OptionalParts()
        shares = parts.read(
            lambda: self._read(reach.PATH, {"q": "organizationalEntity", "organizationalEntity": org}),
            refused=reach.REFUSED,
            what=reach.WHAT,
        )
        pages = parts.read(
            lambda: self._read("/rest/organizationPageStatistics", {"q": "organization", "organization": org}),
            refused=reach.PAGE_REFUSED,
            what=reach.PAGE_WHAT,
        )
        # Not asked when the page's share statistics were not given: the same statistics, refused or
        # throttled alike, and already said why.
        per_post = (
            parts.read(self._posts_statistics, refused=reach.REFUSED, what=reach.WHAT) if shares is not None else None
        )
        totals = (((shares or {}).get("elements") or [{}])[0]).get("totalShareStatistics") or {}
        views = ((((pages or {}).get("elements") or [{}])[0]).get("totalPageStatistics") or {}).get("views") or {}
        statistics = {"elements": per_post} if per_post is not None else None
        return AccountMetrics(
            taken_at=dt.datetime.now(dt.UTC),
            followers=network.get("firstDegreeSize"),
            impressions=totals.get("impressionCount"),
            reach=totals.get("uniqueImpressionsCount"),
            engagements=sum(int(totals.get(k, 0)) for k in ("clickCount", "likeCount", "commentCount", "shareCount"))
            if totals
            else None,
            profile_views=(views.get("allPageViews") or {}).get("pageViews"),
            raw={"network": network, "shares": shares, "pages": pages, "post_statistics": statistics},
            left_out=parts.left_out,
        )

    def _read(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        answer: dict[str, Any] = self._call("GET", path, safe_to_retry=True, params=params).json()
        return answer

    def _posts_statistics(self) -> list[Any]:
        """The page's newest posts with each one's lifetime statistics (LinkedIn's twelve months of them)."""
        recent = self.recent_posts(since=dt.datetime.fromtimestamp(0, dt.UTC))
        return [
            element
            for query in reach.queries(self.organisation, [post.external_id for post in recent])
            for element in self._read(query).get("elements") or []
        ]

    @staticmethod
    def posts_reach(raw: dict[str, Any]) -> dict[str, int]:
        return reach.posts_reach(raw)


def _post(raw: dict[str, Any]) -> AccountPost:
    return AccountPost(
        external_id=str(raw["id"]),
        text=unescape_little_text(str(raw.get("commentary", ""))),
        created_at=platform_time(raw.get("createdAt")),
        url=f"https://www.linkedin.com/feed/update/{raw['id']}/",
    )


def _choose(organisations: list[dict[str, str]], wanted: str) -> dict[str, str]:
    key = wanted.lstrip("@").lower()
    for org in organisations:
        if key and key in (org["id"].lower(), org["vanity"].lower()):
            return org
    if not key and len(organisations) == 1:
        return organisations[0]
    names = ", ".join(sorted(org["name"] for org in organisations)) or "none"
    raise ConnectorError(
        ErrorKind.REJECTED,
        "Could not tell which LinkedIn page this channel is for. The person who "
        f"connected administers: {names}. Set the channel's handle to one of them and connect again.",
    )
