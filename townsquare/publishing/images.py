"""Checking an uploaded image before it is stored: a real picture of a kind platforms take, not too big."""

from __future__ import annotations

from django.core.exceptions import ValidationError

MAX_IMAGE_BYTES = 5 * 1024 * 1024  # the smallest common platform cap (X, Bluesky under 1 MB are resized)

# The file's own first bytes decide its type, never the name or the browser's claim.
SIGNATURES: tuple[tuple[bytes, int, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", ".png"),
    (b"\xff\xd8\xff", 0, "image/jpeg", ".jpg"),
    (b"GIF87a", 0, "image/gif", ".gif"),
    (b"GIF89a", 0, "image/gif", ".gif"),
    (b"WEBP", 8, "image/webp", ".webp"),
)


def image_kind(head: bytes) -> tuple[str, str] | None:
    for signature, offset, mime, extension in SIGNATURES:
        if head[offset:offset + len(signature)] == signature:
            if mime == "image/webp" and head[:4] != b"RIFF":
                continue
            return mime, extension
    return None


def image_validate(*, content: bytes) -> tuple[str, str]:
    """(mime type, extension) of a valid image; ValidationError with a plain message otherwise."""
    if not content:
        raise ValidationError("The selected file is empty.")
    if len(content) > MAX_IMAGE_BYTES:
        raise ValidationError(f"The image must be smaller than {MAX_IMAGE_BYTES // (1024 * 1024)} MB.")
    kind = image_kind(content[:16])
    if kind is None:
        raise ValidationError("The image must be a PNG, JPEG, GIF or WebP file.")
    return kind
