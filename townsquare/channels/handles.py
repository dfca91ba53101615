"""Channel handles: stored in one form, and compared by what they look like.

A handle typed with a zero-width space, a full-width letter or a Cyrillic "i" (U+0456) in place of a Latin
"i" looks the same on screen as the real account's. Handles are stored NFKC-normalised with
invisible characters removed, and two handles whose *skeletons* match (case folded, each
confusable letter replaced by the Latin one it imitates, Unicode TR 39) are the same channel.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from confusable_homoglyphs import confusables


def handle_normalise(text: str) -> str:
    """NFKC, without format characters (zero-width spaces and joiners, direction marks) or outer spaces."""
    normal = unicodedata.normalize("NFKC", text)
    return "".join(c for c in normal if unicodedata.category(c) != "Cf").strip()


@lru_cache(maxsize=4096)
def _latin(character: str) -> str:
    found = confusables.is_confusable(character, preferred_aliases=["latin"], greedy=True) or []
    for entry in found:
        for glyph in entry["homoglyphs"]:
            if glyph["c"].isascii() and ("LATIN" in glyph["n"] or glyph["c"].isdigit()):
                return str(glyph["c"]).casefold()
    return character


def handle_skeleton(text: str) -> str:
    """What the handle looks like: two handles with the same skeleton cannot be told apart on screen."""
    folded = handle_normalise(text).casefold().lstrip("@")
    return "".join(c if c.isascii() else _latin(c) for c in folded)
