"""Small PNG pictures for the demo's posts, drawn in plain Python (no imaging library needed)."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

Colour = tuple[int, int, int]
WHITE: Colour = (255, 255, 255)
GREEN: Colour = (29, 92, 77)  # Riverside's brand colour
PALE: Colour = (221, 235, 231)
AMBER: Colour = (244, 183, 64)
BLUE: Colour = (70, 130, 200)
GREY: Colour = (120, 120, 120)


def png(width: int, height: int, pixel: Callable[[int, int], Colour]) -> bytes:
    """An 8-bit RGB PNG of ``width`` x ``height`` whose colour at (x, y) is ``pixel(x, y)``."""
    rows = b"".join(b"\x00" + bytes(c for x in range(width) for c in pixel(x, y)) for y in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def collection_calendar() -> bytes:
    """A month of collection days: a header bar and a 7 x 5 grid, the moved days in amber."""
    cell_w, cell_h, margin, header = 36, 28, 8, 30
    moved = {(3, 3), (4, 3), (0, 4), (1, 4), (2, 4)}

    def pixel(x: int, y: int) -> Colour:
        if y < header:
            return GREEN
        gx, gy = x - margin, y - header - margin
        if gx < 0 or gy < 0 or gx >= 7 * cell_w or gy >= 5 * cell_h:
            return WHITE
        column, row = gx // cell_w, gy // cell_h
        if gx % cell_w == 0 or gy % cell_h == 0:
            return GREY
        return AMBER if (column, row) in moved else PALE

    return png(7 * cell_w + 2 * margin + 1, header + 5 * cell_h + 2 * margin + 1, pixel)


def recycling_map() -> bytes:
    """A district map: green land, a blue river across it, and the recycling sites as amber squares."""
    width, height = 240, 160
    sites = [(40, 30), (120, 50), (190, 40), (70, 120), (170, 125)]

    def pixel(x: int, y: int) -> Colour:
        if any(abs(x - sx) <= 5 and abs(y - sy) <= 5 for sx, sy in sites):
            return AMBER
        if abs(y - (80 + (x - 120) * (x - 120) // 300 - 20)) <= 6:
            return BLUE
        return PALE

    return png(width, height, pixel)
