"""What a post on X can carry."""

from townsquare.connectors.base import Limits

LIMITS = Limits(
    max_chars=280,
    max_images=4,
    max_alt_text_chars=1000,
    video=True,
    link_counts_as=23,
    max_video_seconds=140,
    rate_limit_per_hour=None,  # per endpoint and per 15 minutes, reported in x-rate-limit-* headers
    notes="Every link counts as 23 characters. Posting is also capped per user per 24 hours. "
    "Direct messages are read only for connections made with the dm.read permission.",
)
