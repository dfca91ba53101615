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

import regex

from townsquare.connectors.base import Limits

BLUESKY_MAX_BYTES = 3000  # app.bsky.feed.post: text maxLength 3000 (UTF-8 bytes) beside maxGraphemes 300


@dataclass(frozen=True)
class PlatformRules:
    platform: str
    label: str
    max_chars: int
    max_images: int
    max_alt_text_chars: int | None  # None: no alt text limit (or none taken)
    recommended_alt_text_chars: int | None = None
    link_counts_as: int | None = None
    counts: str = "chars"  # chars | graphemes (UAX #29) | weighted (twitter-text: links 23, most emoji and CJK 2)
    max_hashtags: int | None = None
    min_images: int = 0
    max_bytes: int | None = None  # a cap on the UTF-8 size as well as the count (Bluesky)


BUILT_IN: dict[str, PlatformRules] = {
    "x": PlatformRules("x", "X", 280, 4, 1000, link_counts_as=23, counts="weighted"),
    "bluesky": PlatformRules("bluesky", "Bluesky", 300, 4, 2000, counts="graphemes", max_bytes=BLUESKY_MAX_BYTES),
    "mastodon": PlatformRules("mastodon", "Mastodon", 500, 4, 1500, link_counts_as=23),
    "facebook": PlatformRules("facebook", "Facebook", 63206, 10, None, recommended_alt_text_chars=100),
    "instagram": PlatformRules(
        "instagram", "Instagram", 2200, 10, None, recommended_alt_text_chars=100, max_hashtags=30, min_images=1
    ),
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
        max_bytes=base.max_bytes if base else None,
    )


URL_RE = re.compile(r"https?://[^\s<>\"']+|\bwww\.[^\s<>\"']+", re.IGNORECASE)

# --- Bluesky: extended grapheme clusters (UAX #29), as the app counts with Intl.Segmenter ----------
GRAPHEME_RE = regex.compile(r"\X")
# Characters that never join a neighbour into one grapheme (Latin, general punctuation and currency,
# less CR, ZWNJ, ZWJ and the format controls). A text made only of these has one grapheme per code
# point, which spares the cluster walk on most council posts (curly quotes, dashes, £, accents).
SIMPLE_RE = re.compile("[^\u0000-\u000c\u000e-\u02ff\u2010-\u2027\u2030-\u205f\u20a0-\u20cf]")

# --- X: twitter-text's weighted length (config v3) --------------------------------------------------
# Code points in these ranges weigh 1, every other weighs 2; a URL weighs 23 whatever its length; an
# emoji, however many code points it has (ZWJ family, flag, skin tone, keycap, "©️"), weighs 2
# (twitter-text parseTweet with emojiParsingEnabled). The text is NFC-normalised first. Ranges: Latin
# to Georgian, and three General Punctuation blocks (spaces, dashes and quotes, primes).
X_LIGHT = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
X_EMOJI_WEIGHT = 2
X_HEAVY_RE = re.compile("[^\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]")
X_EMOJI_SEQUENCE_RE = regex.compile(r"(?=\p{Extended_Pictographic}|\p{Regional_Indicator}|[#*0-9]\uFE0F?\u20E3)\X")
# twitter-text also reads a bare domain with a known top-level domain ("riverside.gov.uk/bins") as a
# link. Generic domains seen in UK public-sector posts, and any two-letter country code.
X_TLDS = (
    "com|org|net|edu|gov|mil|int|info|biz|name|pro|mobi|app|dev|online|site|website|xyz|news|blog|"
    "shop|store|tech|digital|london|wales|cymru|scot|earth|social|email|today|community|events|[a-z]{2}"
)
X_URL_RE = re.compile(
    r"https?://[^\s<>\"']*[^\s<>\"'.,;:!?)\]]"
    r"|(?<![\w@.$/#-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:" + X_TLDS + r")(?![\w-])"
    r"(?:[/?][^\s<>\"']*[^\s<>\"'.,;:!?)\]]|/)?",
    re.IGNORECASE,
)


def grapheme_offsets(text: str) -> list[int]:
    """Start offset of each extended grapheme cluster (the ``regex`` module's ``\\X``, UAX #29)."""
    if not SIMPLE_RE.search(text) and "\r\n" not in text:
        return list(range(len(text)))
    return [m.start() for m in GRAPHEME_RE.finditer(text)]


def grapheme_count(text: str) -> int:
    if not SIMPLE_RE.search(text) and "\r\n" not in text:
        return len(text)
    return len(GRAPHEME_RE.findall(text))


def _x_code_point(char: str) -> int:
    code = ord(char)
    return 1 if any(lo <= code <= hi for lo, hi in X_LIGHT) else 2


def _x_plain_weight(segment: str) -> int:
    """The weight of text with no links in it."""
    if segment.isascii():
        return len(segment)
    if not unicodedata.is_normalized("NFC", segment):
        segment = unicodedata.normalize("NFC", segment)
    weight = len(segment) + len(X_HEAVY_RE.findall(segment))
    if SIMPLE_RE.search(segment):  # only then can there be emoji sequences of several code points
        for m in X_EMOJI_SEQUENCE_RE.finditer(segment):
            sequence = m.group(0)
            if len(sequence) > 1:
                weight -= sum(_x_code_point(c) for c in sequence) - X_EMOJI_WEIGHT
    return weight


def x_weighted_length(text: str, link_weight: int = 23) -> int:
    """The length X counts (twitter-text ``parseTweet().weightedLength``)."""
    if "." not in text:
        return _x_plain_weight(text)
    weight = pos = 0
    for m in X_URL_RE.finditer(text):
        weight += _x_plain_weight(text[pos : m.start()]) + link_weight
        pos = m.end()
    return weight + _x_plain_weight(text[pos:])


def _x_cut(text: str, limit: int, link_weight: int) -> int | None:
    """Where the weighted length first goes over ``limit``: a link or an emoji sequence is never split."""
    links = {m.start(): m.end() for m in X_URL_RE.finditer(text)} if "." in text else {}
    weight = pos = 0
    while pos < len(text):
        if pos in links:
            weight, end = weight + link_weight, links[pos]
        else:
            end = GRAPHEME_RE.match(text, pos).end()  # type: ignore[union-attr]  # \X matches any character
            weight += _x_plain_weight(text[pos:end])
        if weight > limit:
            return pos
        pos = end
    return None


def overflow_at(text: str, rules: PlatformRules) -> tuple[int, int | None]:
    """The length the platform counts, and the offset where the text first goes over its limit."""
    if rules.counts == "graphemes":
        if len(text) <= rules.max_chars:  # never more graphemes than code points
            return grapheme_count(text), None
        starts = grapheme_offsets(text)
        return len(starts), (starts[rules.max_chars] if len(starts) > rules.max_chars else None)
    if rules.counts == "weighted":
        link = rules.link_counts_as or 23
        count = x_weighted_length(text, link)
        return count, (_x_cut(text, rules.max_chars, link) if count > rules.max_chars else None)
    if rules.link_counts_as is None:
        return len(text), (rules.max_chars if len(text) > rules.max_chars else None)
    # Count without walking the text; walk it only to find where a too-long text goes over.
    links = list(URL_RE.finditer(text))
    count = len(text) + sum(rules.link_counts_as - (m.end() - m.start()) for m in links)
    if count <= rules.max_chars:
        return count, None
    return count, _cut(text, rules.max_chars, rules.link_counts_as, links)


def _cut(text: str, limit: int, link_weight: int, links: list[re.Match[str]]) -> int | None:
    count = pos = 0
    starts = {m.start(): m.end() for m in links}
    while pos < len(text):
        if pos in starts:
            count, end = count + link_weight, starts[pos]
        else:
            count, end = count + 1, pos + 1
        if count > limit:
            return pos
        pos = end
    return None


def bytes_overflow_at(text: str, rules: PlatformRules) -> tuple[int, int | None]:
    """UTF-8 size, and the start of the first grapheme that no longer fits under the platform's byte
    cap (Bluesky's 3,000 bytes); ``(size, None)`` when it fits or the platform has no such cap."""
    if rules.max_bytes is None:
        return 0, None
    size = len(text.encode("utf-8"))
    if size <= rules.max_bytes:
        return size, None
    used = 0
    starts = grapheme_offsets(text)
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        used += len(text[start:end].encode("utf-8"))
        if used > rules.max_bytes:
            return size, start
    return size, None  # unreachable: the whole text is over the cap
