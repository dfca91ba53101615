"""What each platform accepts, for the platform-dependent rules (PLAT-01..04).

A registered connector's ``limits`` win; this table covers platforms without one yet and the facts
``Limits`` does not carry (how characters are counted, the hashtag cap, images required).
Figures from each platform's own documentation, as of 2025.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from townsquare.connectors.base import Limits


@dataclass(frozen=True)
class PlatformRules:
    platform: str
    label: str
    max_chars: int
    max_images: int
    max_alt_text_chars: int | None  # None: no alt text limit (or none taken)
    recommended_alt_text_chars: int | None = None
    link_counts_as: int | None = None
    counts: str = "chars"  # chars | graphemes | weighted (X: links 23, emoji and CJK count 2)
    max_hashtags: int | None = None
    min_images: int = 0


BUILT_IN: dict[str, PlatformRules] = {
    "x": PlatformRules("x", "X", 280, 4, 1000, link_counts_as=23, counts="weighted"),
    "bluesky": PlatformRules("bluesky", "Bluesky", 300, 4, 2000, counts="graphemes"),
    "mastodon": PlatformRules("mastodon", "Mastodon", 500, 4, 1500, link_counts_as=23),
    "facebook": PlatformRules("facebook", "Facebook", 63206, 10, None, recommended_alt_text_chars=100),
    "instagram": PlatformRules("instagram", "Instagram", 2200, 10, None, recommended_alt_text_chars=100,
                               max_hashtags=30, min_images=1),
    "linkedin": PlatformRules("linkedin", "LinkedIn", 3000, 9, 1000),
    "youtube": PlatformRules("youtube", "YouTube", 5000, 1, None),
    "nextdoor": PlatformRules("nextdoor", "Nextdoor", 8192, 10, None),
}


@lru_cache(maxsize=32)
def rules_for(platform: str) -> PlatformRules | None:
    """The platform's rules; a registered connector's limits override the built-in numbers."""
    from townsquare.connectors.registry import connector_class

    base = BUILT_IN.get(platform)
    try:
        limits: Limits | None = connector_class(platform).limits
    except (LookupError, ImportError, AttributeError):
        limits = None
    if limits is None:
        return base
    return PlatformRules(
        platform=platform,
        label=base.label if base else platform.title(),
        max_chars=limits.max_chars,
        max_images=limits.max_images,
        max_alt_text_chars=limits.max_alt_text_chars,
        recommended_alt_text_chars=base.recommended_alt_text_chars if base else None,
        link_counts_as=limits.link_counts_as or (base.link_counts_as if base else None),
        counts=base.counts if base else "chars",
        max_hashtags=base.max_hashtags if base else None,
        min_images=base.min_images if base else 0,
    )


URL_RE = re.compile(r"https?://[^\s<>\"']+|\bwww\.[^\s<>\"']+", re.IGNORECASE)
# Characters that can join the one before into a single grapheme: combining marks, ZWJ, variation
# selectors, skin tones, regional indicators, tags. Without any, graphemes are code points.
JOINING_RE = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0900-\u0903\u093a-\u094f"
    "\u0e31-\u0e3a\u1ab0-\u1aff\u1dc0-\u1dff\u200d\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f"
    "\U0001F1E6-\U0001F1FF\U0001F3FB-\U0001F3FF\U000E0020-\U000E007F]"
)
WIDE_RE = re.compile("[^\u0000-\u10ff]")  # X counts these as two characters
_EXTEND = {"Mn", "Me", "Sk"}
_ZWJ = "\u200d"


def _joins(prev: str, char: str) -> bool:
    """Whether ``char`` continues the grapheme cluster ending in ``prev`` (a close approximation of
    UAX #29: combining marks, variation selectors, skin tones, ZWJ sequences, flag pairs)."""
    code = ord(char)
    if unicodedata.category(char) in _EXTEND or 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF:
        return True
    if char == _ZWJ or prev == _ZWJ:
        return True
    return 0xE0020 <= code <= 0xE007F  # emoji tag sequences (subdivision flags)


def grapheme_offsets(text: str) -> list[int]:
    """Start offset of each grapheme cluster."""
    starts: list[int] = []
    prev = ""
    in_flag = False
    for i, char in enumerate(text):
        code = ord(char)
        is_flag = 0x1F1E6 <= code <= 0x1F1FF
        if i and (_joins(prev, char) or (is_flag and in_flag)):
            in_flag = False
        else:
            starts.append(i)
            in_flag = is_flag
        prev = char
    return starts


def overflow_at(text: str, rules: PlatformRules) -> tuple[int, int | None]:
    """The length the platform counts, and the offset where the text first goes over its limit."""
    if rules.counts == "graphemes":
        if text.isascii() or not JOINING_RE.search(text):
            return len(text), (rules.max_chars if len(text) > rules.max_chars else None)
        starts = grapheme_offsets(text)
        return len(starts), (starts[rules.max_chars] if len(starts) > rules.max_chars else None)
    weighted = rules.counts == "weighted"
    if rules.link_counts_as is None and (not weighted or text.isascii()):
        return len(text), (rules.max_chars if len(text) > rules.max_chars else None)
    # Count without walking the text; walk it only to find where a too-long text goes over.
    links = list(URL_RE.finditer(text)) if rules.link_counts_as else []
    count = len(text) + sum((rules.link_counts_as or 0) - (m.end() - m.start()) for m in links)
    if weighted and not text.isascii():
        count += len(WIDE_RE.findall(URL_RE.sub("", text) if links else text))
    if count <= rules.max_chars:
        return count, None
    return count, _cut(text, rules, weighted)


def _cut(text: str, rules: PlatformRules, weighted: bool) -> int | None:
    count = 0
    pos = 0
    links = [(m.start(), m.end()) for m in URL_RE.finditer(text)] if rules.link_counts_as else []
    link_i = 0
    while pos < len(text):
        if link_i < len(links) and links[link_i][0] == pos:
            count += rules.link_counts_as or 0
            step_end = links[link_i][1]
            link_i += 1
        else:
            char = text[pos]
            count += 2 if weighted and ord(char) > 0x10FF else 1
            step_end = pos + 1
        if count > rules.max_chars:
            return pos
        pos = step_end
    return None
