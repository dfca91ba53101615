"""Uploaded images are decoded in full with Pillow: damaged files, bombs and huge pictures are refused."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from townsquare.publishing.images import image_validate

from .conftest import PNG


def _encoded(size: tuple[int, int], kind: str = "PNG", mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, kind)
    return out.getvalue()


@pytest.mark.parametrize(
    ("kind", "mime"), [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif"), ("WEBP", "image/webp")]
)
def test_real_pictures_of_each_kind_pass(kind: str, mime: str) -> None:
    assert image_validate(content=_encoded((40, 30), kind))[0] == mime


def test_a_file_that_only_starts_like_a_png_is_refused() -> None:
    with pytest.raises(ValidationError, match="could not be read"):
        image_validate(content=b"\x89PNG\r\n\x1a\n" + b"not a picture at all" * 10)
    with pytest.raises(ValidationError, match="could not be read"):
        image_validate(content=_encoded((200, 200))[:-40])  # cut short: the last chunks are missing


def test_a_truncated_picture_is_refused_after_a_pdf_library_allowed_them(monkeypatch: pytest.MonkeyPatch) -> None:
    # WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES when imported (a PDF export in the same worker).
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(ValidationError, match="could not be read"):
        image_validate(content=_encoded((200, 200))[:-40])
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # the setting is left as it was found


def test_a_small_file_that_decodes_to_an_enormous_picture_is_refused_before_decoding() -> None:
    bomb = _encoded((30_000, 30_000), mode="1")  # a few kilobytes on disk, 900 million pixels
    assert len(bomb) < 200_000
    with pytest.raises(ValidationError, match="far more pixels than any post needs"):
        image_validate(content=bomb)


def test_a_picture_within_each_side_but_too_many_pixels_in_all_is_refused() -> None:
    with pytest.raises(ValidationError, match="million pixels"):
        image_validate(content=_encoded((8000, 8000), mode="1"))


def test_other_picture_formats_pillow_reads_are_still_refused() -> None:
    with pytest.raises(ValidationError, match="PNG, JPEG, GIF or WebP"):
        image_validate(content=_encoded((10, 10), "BMP"))
    assert image_validate(content=PNG) == ("image/png", ".png")
