"""Just enough of an MP4 (ISO base media file) to check a video before it is sent to Bluesky.

Bluesky takes MP4 only, up to a length, and shows a video best when the post says its aspect
ratio. All three are in the file's header boxes (``ftyp``; ``moov/mvhd`` for the length;
``moov/trak/tkhd`` of the video track for the picture size), so reading them needs no decoder.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Mp4Info:
    seconds: float | None  # None: the file does not say
    width: int | None
    height: int | None


def _boxes(data: bytes, start: int = 0, end: int | None = None) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of each box between ``start`` and ``end``."""
    end = len(data) if end is None else end
    at = start
    while at + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, at)
        header = 8
        if size == 1:  # a 64-bit size follows the type
            if at + 16 > end:
                return
            (size,) = struct.unpack_from(">Q", data, at + 8)
            header = 16
        elif size == 0:  # runs to the end of the file
            size = end - at
        if size < header or at + size > end:
            return  # truncated or corrupt: stop rather than read past it
        yield kind, at + header, at + size
        at += size


def _child(data: bytes, start: int, end: int, kind: bytes) -> tuple[int, int] | None:
    for found, first, last in _boxes(data, start, end):
        if found == kind:
            return first, last
    return None


def read_mp4(data: bytes) -> Mp4Info | None:
    """The length and picture size of an MP4; None when ``data`` is not an MP4 at all."""
    if len(data) < 12 or data[4:8] != b"ftyp":
        return None
    moov = _child(data, 0, len(data), b"moov")
    if moov is None:
        return Mp4Info(seconds=None, width=None, height=None)
    seconds = _movie_seconds(data, *moov)
    width = height = None
    for kind, first, last in _boxes(data, *moov):
        if kind == b"trak" and _handler(data, first, last) == b"vide":
            width, height = _picture_size(data, first, last)
            break
    return Mp4Info(seconds=seconds, width=width, height=height)


def _movie_seconds(data: bytes, start: int, end: int) -> float | None:
    mvhd = _child(data, start, end, b"mvhd")
    if mvhd is None:
        return None
    at, last = mvhd
    version = data[at]
    if version == 1 and at + 32 <= last:
        timescale, duration = struct.unpack_from(">IQ", data, at + 20)
    elif at + 20 <= last:
        timescale, duration = struct.unpack_from(">II", data, at + 12)
    else:
        return None
    return duration / timescale if timescale else None


def _handler(data: bytes, start: int, end: int) -> bytes:
    mdia = _child(data, start, end, b"mdia")
    hdlr = _child(data, *mdia, b"hdlr") if mdia else None
    if hdlr is None or hdlr[0] + 12 > hdlr[1]:
        return b""
    return data[hdlr[0] + 8 : hdlr[0] + 12]


def _picture_size(data: bytes, start: int, end: int) -> tuple[int | None, int | None]:
    tkhd = _child(data, start, end, b"tkhd")
    if tkhd is None:
        return None, None
    at, last = tkhd
    # Version 1 widens the two times and the duration to 64 bits; the rest is the same.
    matrix = at + (4 + 8 + 8 + 4 + 4 + 8 if data[at] == 1 else 4 + 4 + 4 + 4 + 4 + 4) + 8 + 2 + 2 + 2 + 2
    if matrix + 36 + 8 > last:
        return None, None
    a, b = struct.unpack_from(">ii", data, matrix)
    width, height = (value >> 16 for value in struct.unpack_from(">II", data, matrix + 36))
    if not width or not height:
        return None, None
    if a == 0 and b != 0:  # turned a quarter: shown the other way round
        width, height = height, width
    return width, height
