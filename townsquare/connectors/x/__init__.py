"""X (formerly Twitter) through API v2, with OAuth 2 user tokens (PKCE)."""
