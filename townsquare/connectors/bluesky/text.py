"""Bluesky text rules: grapheme counting, link facets (byte offsets), and record keys (TIDs)."""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Any

ZWJ = "\u200d"
BASE32_SORTABLE = "234567abcdefghijklmnopqrstuvwxyz"


def graphemes(text: str) -> int:
    """Bluesky counts user-perceived characters. Without a grapheme library this folds what
    joins onto the character before it (combining marks, variation selectors, skin tones,
    zero-width-joined emoji, the second half of a flag) — exact for the text councils write."""
    count = 0
    previous = ""
    regional_pending = False
    for char in text:
        code = ord(char)
        joins = (
            unicodedata.combining(char)
            or 0xFE00 <= code <= 0xFE0F
            or 0x1F3FB <= code <= 0x1F3FF
            or char == ZWJ
            or previous == ZWJ
            or 0xE0020 <= code <= 0xE007F  # emoji tag sequences
        )
        if 0x1F1E6 <= code <= 0x1F1FF:  # regional indicators pair into one flag
            if regional_pending:
                joins, regional_pending = True, False
            else:
                regional_pending = True
        else:
            regional_pending = False
        if not joins:
            count += 1
        previous = char
    return count


def link_facet(text: str, link: str) -> dict[str, Any] | None:
    """A richtext facet making ``link`` in ``text`` a link; offsets are UTF-8 bytes, as the lexicon says."""
    at = text.find(link)
    if at < 0:
        return None
    start = len(text[:at].encode("utf-8"))
    return {
        "$type": "app.bsky.richtext.facet",
        "index": {"byteStart": start, "byteEnd": start + len(link.encode("utf-8"))},
        "features": [{"$type": "app.bsky.richtext.facet#link", "uri": link}],
    }


def tid_for_key(key: str) -> str:
    """A record key (TID) that the same idempotency key always gives.

    Posts are written with ``com.atproto.repo.createRecord`` and this rkey, chosen before the
    call: if the first attempt's answer was lost and the post is tried again, the PDS refuses to
    create a second record under the same key, and the connector returns the one already there.
    The TID's time part comes from the key's hash (within 2023), so it is a valid TID but not a
    creation time; Bluesky orders posts by ``createdAt``, not by rkey.
    """
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    start_2023_us = 1_672_531_200_000_000
    year_us = 365 * 24 * 3600 * 1_000_000
    micros = start_2023_us + digest % year_us
    clock = (digest >> 40) & 0x3FF
    value = (micros << 10) | clock  # 64 bits, top bit 0
    return "".join(BASE32_SORTABLE[(value >> (5 * i)) & 31] for i in reversed(range(13)))
