"""Platform -> connector class, imported lazily by dotted path."""

from __future__ import annotations

from importlib import import_module

from townsquare.connectors.base import Connector

CONNECTORS: dict[str, str] = {
    # "bluesky": "townsquare.connectors.bluesky.connector.BlueskyConnector",  (each package adds itself)
    "bluesky": "townsquare.connectors.bluesky.connector.BlueskyConnector",
    "mastodon": "townsquare.connectors.mastodon.connector.MastodonConnector",
    "facebook": "townsquare.connectors.facebook.connector.FacebookConnector",
    "instagram": "townsquare.connectors.instagram.connector.InstagramConnector",
    "x": "townsquare.connectors.x.connector.XConnector",
    "youtube": "townsquare.connectors.youtube.connector.YouTubeConnector",
    "linkedin": "townsquare.connectors.linkedin.connector.LinkedInConnector",
}


def connector_class(platform: str) -> type[Connector]:
    try:
        module_path, name = CONNECTORS[platform].rsplit(".", 1)
    except KeyError as exc:
        raise LookupError(f"No connector for platform {platform!r}") from exc
    cls: type[Connector] = getattr(import_module(module_path), name)
    return cls
