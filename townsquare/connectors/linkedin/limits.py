"""What a LinkedIn organisation post can carry."""

from townsquare.connectors.base import Limits

LIMITS = Limits(
    max_chars=3000,
    max_images=20,  # one image as ``media``; 2 to 20 as ``multiImage``
    max_alt_text_chars=4086,
    video=False,  # LinkedIn takes video through a multi-part upload this connector does not do yet
    rate_limit_per_hour=None,  # daily per member and per application, reset at midnight UTC
    notes="Tokens last 60 days; renewal needs LinkedIn's refresh-token programme, otherwise reconnect. "
          "Mentions of the page are not available to this app; comments on the page's posts are.",
)
