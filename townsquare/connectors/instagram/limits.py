"""What an Instagram post can carry through the content publishing API."""

from townsquare.connectors.base import Limits

LIMITS = Limits(
    max_chars=2200,
    max_images=10,  # a carousel holds up to 10 items
    max_alt_text_chars=1000,  # ``alt_text`` on image containers; Meta documents no length, this is conservative
    video=True,  # published as a Reel
    max_video_seconds=15 * 60,
    rate_limit_per_hour=None,
    notes="At least one image or a video is required. Links in captions are not clickable. Meta allows 100 "
    "API-published posts per account in 24 hours. Media must be reachable at a public web address.",
)
