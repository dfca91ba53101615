"""What Bluesky would refuse in a post, found before any call: length, images, alt text and video.

A post over 300 graphemes, more than four images, an image without alt text, or a video that is
not MP4, too large, too long, without alt text or alongside images is refused here with a message
council staff can act on, so nothing is uploaded for a post that cannot be made.
"""

from __future__ import annotations

from townsquare.connectors.base import ConnectorError, ErrorKind, Limits, OutboundPost, Video
from townsquare.connectors.bluesky.mp4 import Mp4Info, read_mp4
from townsquare.connectors.bluesky.text import graphemes

VIDEO_MIME = "video/mp4"
MAX_VIDEO_BYTES = 100_000_000
MAX_VIDEO_ALT_GRAPHEMES = 1000


def check_post(post: OutboundPost, text: str, limits: Limits) -> Mp4Info | None:
    """Refuse, before any call, what Bluesky would refuse; returns what the video's header says."""
    if graphemes(text) > limits.max_chars:
        raise ConnectorError(
            ErrorKind.REJECTED,
            f"Bluesky posts are at most {limits.max_chars} characters (this one has {graphemes(text)}).",
        )
    if len(post.images) > limits.max_images:
        raise ConnectorError(ErrorKind.REJECTED, f"Bluesky takes at most {limits.max_images} images.")
    for image in post.images:
        if not image.alt_text.strip():
            raise ConnectorError(ErrorKind.REJECTED, "Every image needs alt text.")
        if len(image.alt_text) > (limits.max_alt_text_chars or 0):
            raise ConnectorError(ErrorKind.REJECTED, "Alt text on Bluesky is at most 2,000 characters.")
    return check_video(post.video, with_images=bool(post.images), limits=limits) if post.video is not None else None


def check_video(video: Video, *, with_images: bool, limits: Limits) -> Mp4Info:
    if with_images:
        raise ConnectorError(
            ErrorKind.REJECTED,
            "A Bluesky post carries either one video or images, not both. Remove the images or the video.",
        )
    info = read_mp4(video.content) if video.mime_type.lower() == VIDEO_MIME else None
    if info is None:
        raise ConnectorError(
            ErrorKind.REJECTED,
            "Bluesky takes video as MP4 only; this file is "
            f"{video.mime_type or 'of an unknown type'}. Convert it to MP4 and try again.",
        )
    if len(video.content) > MAX_VIDEO_BYTES:
        raise ConnectorError(
            ErrorKind.REJECTED,
            "Bluesky takes videos up to 100 MB; this one is "
            f"{len(video.content) / 1_000_000:.0f} MB. Use a shorter or more compressed video.",
        )
    limit = limits.max_video_seconds or 0
    if info.seconds is not None and info.seconds > limit:
        minutes, seconds = divmod(round(info.seconds), 60)
        raise ConnectorError(
            ErrorKind.REJECTED,
            f"Bluesky takes videos up to {limit // 60} minutes; this one "
            f"runs {minutes}:{seconds:02d}. Shorten it and try again.",
        )
    alt = video.alt
    if not alt:
        raise ConnectorError(
            ErrorKind.REJECTED,
            "The video needs alt text (or a description): Bluesky shows it to people who cannot see the video.",
        )
    if graphemes(alt) > MAX_VIDEO_ALT_GRAPHEMES:
        raise ConnectorError(
            ErrorKind.REJECTED,
            f"A video's alt text on Bluesky is at most 1,000 characters (this one has {graphemes(alt)}).",
        )
    return info
