"""What a YouTube upload can carry."""

from townsquare.connectors.base import Limits

LIMITS = Limits(
    max_chars=5000,  # the description; titles are cut to 100 characters
    max_images=0,
    max_alt_text_chars=None,  # YouTube takes no images through the API, so no alt text either
    video=True,
    max_video_seconds=12 * 60 * 60,
    rate_limit_per_hour=None,  # a daily quota of units (an upload costs 1,600), reset at midnight Pacific time
    notes="Every post is a video; text becomes its description. Replies are comments. Add captions to videos "
    "on YouTube itself for viewers who cannot hear them.",
)
