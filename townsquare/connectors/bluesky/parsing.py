"""Reading Bluesky's answers: notifications and firehose commits into InboundItems, AT URIs into
web addresses, and values made safe to store as JSON. Pure functions, no network."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from atproto import CAR, Client, models
from atproto_client.models.utils import get_model_as_dict

from townsquare.connectors.base import (
    AccountPost,
    ConnectorError,
    Credentials,
    ErrorKind,
    InboundItem,
)

log = logging.getLogger(__name__)
POST = "app.bsky.feed.post"


def refresh_expiry(client: Client) -> dt.datetime | None:
    session = client._session
    expiry = getattr(session, "refresh_jwt_payload", None)
    exp = getattr(expiry, "exp", None)
    return dt.datetime.fromtimestamp(exp, dt.UTC) if exp else None


def split_uri(uri: str) -> tuple[str, str, str]:
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3:
        raise ConnectorError(ErrorKind.REJECTED, f"Not a Bluesky post address: {uri}")
    return parts[0], parts[1], parts[2]


def web_url(credentials: Credentials | None, uri: str) -> str:
    handle = credentials.data.get("handle", "") if credentials else ""
    return f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}" if handle else ""


def parse_time(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def own_post(credentials: Credentials | None, uri: str, value: Any) -> AccountPost:
    """One of the account's post records (``value``: as the SDK gives it) as an AccountPost; its record key is
    the marker (``Connector.marker_for``)."""
    record = value if isinstance(value, dict) else get_model_as_dict(value)
    return AccountPost(
        external_id=uri,
        text=str(record.get("text") or ""),
        created_at=parse_time(record.get("createdAt") or record.get("created_at")),
        url=web_url(credentials, uri),
        marker=split_uri(uri)[2],
    )


def from_notification(raw: dict[str, Any]) -> InboundItem:
    record = raw.get("record") if isinstance(raw.get("record"), dict) else {}
    author = raw.get("author") if isinstance(raw.get("author"), dict) else {}
    assert isinstance(record, dict) and isinstance(author, dict)
    created = parse_time(record.get("createdAt")) or parse_time(raw.get("indexedAt"))
    problems = [] if created else ["The notification's time could not be read."]
    if not raw.get("uri"):
        problems.append("The notification had no address.")
    reply = record.get("reply") if isinstance(record.get("reply"), dict) else {}
    parent = (reply or {}).get("parent") or {}
    return InboundItem(
        external_id=str(raw.get("uri") or ""),
        kind=str(raw.get("reason") or ""),
        author_handle=f"@{author['handle']}" if author.get("handle") else "",
        author_name=str(author.get("displayName") or ""),
        text=str(record.get("text") or ""),
        created_at=created or dt.datetime.now(dt.UTC),
        url=web_url(Credentials({"handle": author.get("handle", "")}), str(raw.get("uri") or "")),
        in_reply_to_external_id=str(parent.get("uri") or "") if isinstance(parent, dict) else "",
        raw=raw,
        malformed=bool(problems),
        parse_error=" ".join(problems),
    )


def stream_seq(cursor: str, uri: str) -> int | None:
    """The sequence number in a saved position, if it was saved for this firehose."""
    try:
        saved = json.loads(cursor) if cursor else None
    except ValueError:
        return None
    if not isinstance(saved, dict) or saved.get("firehose") != uri or not isinstance(saved.get("seq"), int):
        return None  # a sequence number from another server means nothing here
    return int(saved["seq"])


def xrpc_error(exc: BaseException) -> str:
    detail = exc.args[0] if exc.args else None
    return str(getattr(detail, "error", "") or "")


def posts_naming(commit: models.ComAtprotoSyncSubscribeRepos.Commit, *, did: str, handle: str) -> list[InboundItem]:
    blocks = CAR.from_bytes(commit.blocks).blocks if commit.blocks else {}
    items = []
    for op in commit.ops:
        if op.action != "create" or not op.path.startswith(f"{POST}/") or op.cid is None:
            continue
        record = blocks.get(op.cid)
        if isinstance(record, dict):
            item = from_firehose_post(commit.repo, op.path, record, did=did, handle=handle, seq=commit.seq)
            if item is not None:
                items.append(item)
    return items


def from_firehose_post(
    repo: str, path: str, record: dict[str, Any], *, did: str, handle: str, seq: int
) -> InboundItem | None:
    """A post written to any repo, if it mentions, replies to or quotes this account; else None."""
    facets = record.get("facets") or []
    mentions = any(
        feature.get("did") == did
        for facet in facets
        if isinstance(facet, dict)
        for feature in facet.get("features", [])
        if isinstance(feature, dict)
    )
    text = str(record.get("text") or "")
    if handle and f"@{handle}".lower() in text.lower():
        mentions = True
    reply = record.get("reply") if isinstance(record.get("reply"), dict) else {}
    parent_uri = str(((reply or {}).get("parent") or {}).get("uri") or "")
    embed = record.get("embed") if isinstance(record.get("embed"), dict) else {}
    quoted = str(((embed or {}).get("record") or {}).get("uri") or "")
    kind = (
        "reply"
        if parent_uri.startswith(f"at://{did}/")
        else "quote"
        if quoted.startswith(f"at://{did}/")
        else "mention"
        if mentions
        else ""
    )
    if not kind:
        return None
    uri = f"at://{repo}/{path}"
    created = parse_time(record.get("createdAt"))
    return InboundItem(
        external_id=uri,
        kind=kind,
        author_handle=repo,
        author_name="",
        text=text,
        created_at=created or dt.datetime.now(dt.UTC),
        in_reply_to_external_id=parent_uri,
        raw={"repo": repo, "path": path, "seq": seq, "record": jsonable(record)},
        malformed=created is None,
        parse_error="" if created else "The post's time could not be read.",
    )


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)  # CIDs and other IPLD values
