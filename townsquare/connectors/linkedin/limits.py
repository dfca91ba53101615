"""What a LinkedIn organisation post can carry."""

from townsquare.connectors.base import Limits

LIMITS = Limits(
    max_chars=3000,
    max_images=20,  # one image as ``media``; 2 to 20 as ``multiImage``
    max_alt_text_chars=4086,
    video=True,  # Videos API: multi-part upload, then the post names the video
    max_video_seconds=30 * 60,
    rate_limit_per_hour=None,  # daily per member and per application, reset at midnight UTC
    notes="Videos from 3 seconds to 30 minutes and 75 KB to 500 MB. "
    "Tokens last 60 days; renewal needs LinkedIn's refresh-token programme, otherwise reconnect. "
    "Mentions of the page are not available to this app; comments on the page's posts are.",
)
