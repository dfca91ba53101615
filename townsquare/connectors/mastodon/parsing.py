"""Reading Mastodon's answers: notifications as inbound items, ids, times and HTML as text."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from django.utils.html import strip_tags

from townsquare.connectors.base import AccountPost, InboundItem


def id_key(value: str) -> tuple[int, str]:
    return (int(value), "") if value.isdigit() else (0, value)


def newest_id(ids: list[Any], cursor: str) -> str:
    known = [str(i) for i in ids if i is not None] + ([cursor] if cursor else [])
    return max(known, key=lambda v: (len(v), v)) if known else cursor


def parse_notification(raw: Any) -> InboundItem:
    """One notification as an item; anything unexpected is kept, flagged, with what could be read."""
    if not isinstance(raw, dict):
        return InboundItem(
            external_id="",
            kind="",
            author_handle="",
            author_name="",
            text="",
            created_at=dt.datetime.now(dt.UTC),
            raw={"value": raw},
            malformed=True,
            parse_error="The notification was not an object.",
        )
    problems: list[str] = []
    status: dict[str, Any] = raw["status"] if isinstance(raw.get("status"), dict) else {}
    account: dict[str, Any] = raw["account"] if isinstance(raw.get("account"), dict) else {}
    if not status:
        problems.append("The notification had no post.")
    if not account:
        problems.append("The notification had no author.")
    created: dt.datetime | None = None
    try:
        created = dt.datetime.fromisoformat(
            str(status.get("created_at") or raw.get("created_at")).replace("Z", "+00:00")
        )
    except ValueError:
        problems.append("The notification's time could not be read.")
    notification_id = raw.get("id")
    # The status id, when there is one, so that a reply (OutboundPost.reply_to_external_id) and
    # in_reply_to_external_id speak of the same ids; the stream and the poll give the same one.
    external_id = (
        str(status["id"])
        if status.get("id") is not None
        else (f"notification:{notification_id}" if notification_id is not None else "")
    )
    return InboundItem(
        external_id=external_id,
        kind="reply" if status.get("in_reply_to_id") else "mention",
        author_handle=f"@{account['acct']}" if account.get("acct") else "",
        author_name=str(account.get("display_name") or ""),
        text=plain_text(status.get("content")),
        created_at=created or dt.datetime.now(dt.UTC),
        url=str(status.get("url") or status.get("uri") or ""),
        in_reply_to_external_id=str(status.get("in_reply_to_id") or ""),
        raw=raw,
        malformed=bool(problems),
        parse_error=" ".join(problems),
    )


# A start or end tag with no angle bracket inside it: all a server's sanitised status HTML holds.
TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def plain_text(content: Any) -> str:
    """A status's HTML as the text that was sent.

    Servers send sanitised HTML (paragraphs, line breaks, links, spans; a resident's own "<" arrives
    as "&lt;"), whose tags one regular expression removes in a tenth of the time Django's ``strip_tags``
    takes (an HTML parser, run until nothing changes). Anything else left with an angle bracket (a
    comment, a stray bracket) goes through ``strip_tags`` as before."""
    marked = str(content or "").replace("</p><p>", "\n\n").replace("<br>", "\n")
    if "<" in marked:
        stripped = TAG.sub("", marked)
        marked = stripped if "<" not in stripped and ">" not in stripped else strip_tags(marked)
    return html.unescape(marked)


def parse_time(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


def status_post(raw: dict[str, Any]) -> AccountPost:
    """One of the account's own statuses as it shows now."""
    return AccountPost(
        external_id=str(raw.get("id", "")),
        text=plain_text(raw.get("content")),
        created_at=parse_time(raw.get("created_at")),
        url=str(raw.get("url") or ""),
    )
