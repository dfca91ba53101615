"""What a Facebook Page post can carry."""

from townsquare.connectors.base import Limits

LIMITS = Limits(
    max_chars=63206,
    max_images=10,
    # Graph takes ``alt_text_custom`` on Page photos; it documents no length, so keep to a length
    # screen readers handle well.
    max_alt_text_chars=1000,
    video=True,
    max_video_seconds=240 * 60,
    rate_limit_per_hour=None,  # Pages are limited by engaged users (X-Business-Use-Case-Usage), not a fixed count
    notes="Links in a post with photos go into the text. Replies carry text and links only.",
)
