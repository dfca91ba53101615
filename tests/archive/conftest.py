"""The real local Mastodon server of the connector tests, for the archive's re-read."""

from tests.connectors.conftest import mastodon, mastodon_server  # noqa: F401
