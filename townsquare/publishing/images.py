"""Checking an uploaded image before it is stored: a real picture of a kind platforms take, not too big.

The file is decoded with Pillow, not judged by its first bytes: a file that starts like a PNG but
is not one, a truncated picture, or a small file that decodes to an enormous one (a
"decompression bomb") is refused before anything is stored.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from PIL import Image, ImageFile, UnidentifiedImageError

MAX_IMAGE_BYTES = 5 * 1024 * 1024  # the smallest common platform cap (X, Bluesky under 1 MB are resized)
MAX_SIDE = 8192  # pixels: the largest side any platform accepts (Facebook and X resize anything above)
MAX_PIXELS = 36_000_000  # width x height: a 6000 x 6000 photo; more is a bomb or a mistake

# What Pillow calls each kind the platforms take, with its mime type and file extension.
KINDS: dict[str, tuple[str, str]] = {
    "PNG": ("image/png", ".png"),
    "JPEG": ("image/jpeg", ".jpg"),
    "GIF": ("image/gif", ".gif"),
    "WEBP": ("image/webp", ".webp"),
}
NOT_AN_IMAGE = "The image must be a PNG, JPEG, GIF or WebP file."


@contextmanager
def _truncated_refused() -> Iterator[None]:
    """Pillow's switch for accepting truncated pictures is one setting for the whole process, and WeasyPrint
    turns it on when it is imported (any PDF export or report in the same process): off while checking."""
    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def _decode(content: bytes) -> str:
    """Pillow's name for the picture's format, after decoding all of it; ValidationError if it cannot be."""
    with warnings.catch_warnings(), _truncated_refused():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that: here any such picture is refused.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(content), formats=list(KINDS)) as picture:
                kind = picture.format or ""
                width, height = picture.size
                if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                    raise ValidationError(
                        f"The image is {width:,} x {height:,} pixels: make it at most {MAX_SIDE:,} pixels on "
                        f"each side and {MAX_PIXELS // 1_000_000} million pixels in all."
                    )
                picture.load()  # every frame's pixel data, not only the header
                frames = getattr(picture, "n_frames", 1)
                if frames > 1:
                    for frame in range(1, min(frames, 500)):
                        picture.seek(frame)
                        picture.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ValidationError("The image decodes to far more pixels than any post needs.") from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            raise ValidationError(NOT_AN_IMAGE + " This file could not be read as one (it may be damaged).") from exc
    return kind


def image_validate(*, content: bytes) -> tuple[str, str]:
    """(mime type, extension) of a valid image; ValidationError with a plain message otherwise."""
    if not content:
        raise ValidationError("The selected file is empty.")
    if len(content) > MAX_IMAGE_BYTES:
        raise ValidationError(f"The image must be smaller than {MAX_IMAGE_BYTES // (1024 * 1024)} MB.")
    kind = _decode(content)
    if kind not in KINDS:
        raise ValidationError(NOT_AN_IMAGE)
    return KINDS[kind]
