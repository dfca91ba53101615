"""The real local Mastodon server and Bluesky PDS of the connector tests, for the archive's re-read."""

from tests.connectors.conftest import bluesky_pds, mastodon, mastodon_server  # noqa: F401
