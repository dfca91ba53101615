"""YouTube channels through google-api-python-client: Data API v3 and YouTube Analytics API v2."""
