"""The checks of a post's form rather than its content: accessibility (alt text, hashtags, emoji,
links, plain English), Welsh and English together, and each platform's limits."""

from __future__ import annotations

import re
from collections.abc import Sequence

from townsquare.policy.catalogue import Severity
from townsquare.policy.compiled import (
    CompiledPolicy,
    Target,
)
from townsquare.policy.lexicon import language_of, split_run_together
from townsquare.policy.outcome import Out
from townsquare.policy.patterns import (
    ALT_FILENAME_RE,
    ALT_PREFIX_RE,
    CLICK_HERE_RE,
    EMOJI_RE,
    FANCY_RE,
    HASHTAG_RE,
    LANGUAGE_SPLIT_RE,
    LOWER_WORD_RE,
    MAX_EMOJIS,
    MAX_HASHTAGS,
    MAX_LINKS,
    MAX_SENTENCE_WORDS,
    SENTENCE_RE,
    WORD_RE,
)
from townsquare.policy.platforms import URL_RE, bytes_overflow_at, overflow_at


def check_accessibility(out: Out, p: CompiledPolicy, text: str, images: Sequence[dict[str, object]]) -> None:
    if p.on("AX-01"):
        for number, image in enumerate(images, start=1):
            alt = str(image.get("alt") or "").strip()
            if not alt:
                out.add(
                    "AX-01",
                    0,
                    0,
                    f"Image {number} has no alt text. Describe what it shows for people who cannot see it.",
                    image=number,
                )
            elif ALT_FILENAME_RE.match(alt):
                out.add(
                    "AX-01",
                    0,
                    0,
                    f"Image {number}'s alt text “{alt}” looks like a file name. Describe what the image shows.",
                    image=number,
                )
            elif ALT_PREFIX_RE.match(alt):
                out.add(
                    "AX-01",
                    0,
                    0,
                    f"Image {number}'s alt text starts with “{ALT_PREFIX_RE.match(alt).group(0)}”"  # type: ignore[union-attr]
                    ": screen readers already say it is an image. Start with what it shows.",
                    cap=Severity.WARN,
                    image=number,
                )
    tags = list(HASHTAG_RE.finditer(text))
    if p.on("AX-03") and tags:
        for m in tags:
            tag = m.group(1)
            if len(tag) >= 4 and (tag.islower() or (tag.isupper() and len(tag) >= 6)) and tag.isalpha():
                parts = split_run_together(tag.lower(), p.hashtag_words)
                if len(parts) >= 2:
                    fixed = "#" + "".join(w.capitalize() for w in parts)
                    out.add(
                        "AX-03",
                        m.start(),
                        m.end(),
                        f"Write {m.group(0)} as {fixed}: capital letters let screen readers say each word.",
                        suggestion=fixed,
                    )
        for m in tags[MAX_HASHTAGS:]:
            out.add(
                "AX-03",
                m.start(),
                m.end(),
                f"Use at most {MAX_HASHTAGS} hashtags; {len(tags)} make the post hard to follow with a screen reader.",
            )
        for m in tags[:MAX_HASHTAGS]:
            rest = HASHTAG_RE.sub("", URL_RE.sub("", text[m.end() :]))
            if re.search(r"[A-Za-z]{2,}", rest):
                out.add(
                    "AX-03",
                    m.start(),
                    m.end(),
                    f"Put {m.group(0)} at the end of the post, not inside a sentence.",
                    cap=Severity.INFO,
                )
    if p.on("AX-04"):
        emojis = list(EMOJI_RE.finditer(text))
        seen: set[str] = set()
        for i, m in enumerate(emojis):
            symbol = m.group(0)
            if i >= MAX_EMOJIS:
                out.add(
                    "AX-04",
                    m.start(),
                    m.end(),
                    f"Use at most {MAX_EMOJIS} emojis: screen readers read each one's full name.",
                )
            elif symbol in seen:
                out.add("AX-04", m.start(), m.end(), f"{symbol} is repeated: each one is read out in full.")
            line_start = text.rfind("\n", 0, m.start()) + 1
            if not text[line_start : m.start()].strip():
                out.add(
                    "AX-04",
                    m.start(),
                    m.end(),
                    "Do not start a line with an emoji: it is read before the words and can be mistaken for a bullet.",
                )
            seen.add(symbol)
    if p.on("AX-05"):
        for m in SENTENCE_RE.finditer(text):
            count = len(WORD_RE.findall(m.group(0)))
            if count > MAX_SENTENCE_WORDS:
                lead = len(m.group(0)) - len(m.group(0).lstrip())
                out.add(
                    "AX-05",
                    m.start() + lead,
                    m.end(),
                    f"This sentence has {count} words. Keep sentences to {MAX_SENTENCE_WORDS} words or fewer.",
                )
    if p.on("AX-06"):
        links = list(URL_RE.finditer(text))
        for m in links[MAX_LINKS:]:
            out.add(
                "AX-06",
                m.start(),
                m.end(),
                f"Use one link per post; this one is link {len(links)}. Give each its own post or a web page.",
            )
        for m in CLICK_HERE_RE.finditer(text):
            out.add(
                "AX-06",
                m.start(),
                m.end(),
                f"“{m.group(0)}” does not say where the link goes. Say what people "
                "will find, like “Check your collection day”.",
            )
    if p.on("AX-08"):
        for m in FANCY_RE.finditer(text):
            out.add(
                "AX-08",
                m.start(),
                m.end(),
                "These are mathematical symbols styled as letters: screen readers "
                "read them out one by one or not at all. Use plain text.",
            )


def check_welsh(out: Out, text: str, has_language_pair: bool) -> None:
    languages: set[str] = set()
    for part in LANGUAGE_SPLIT_RE.split(text):
        lang = language_of(LOWER_WORD_RE.findall(part.lower()))
        if lang:
            languages.add(lang)
    if not languages or len(languages) == 2 or has_language_pair:
        return
    missing = "Welsh" if languages == {"en"} else "English"
    out.add(
        "PUB-15",
        0,
        len(text),
        f"There is no {missing} version of this post. Councils in Wales publish in "
        "Welsh and English at the same time: add both, or link this post to its pair.",
    )


def check_platforms(
    out: Out, p: CompiledPolicy, text: str, images: Sequence[dict[str, object]], targets: Sequence[Target]
) -> None:
    tag_count = len(HASHTAG_RE.findall(text)) if targets else 0
    for target in targets:
        rules = target.rules
        if p.on("PLAT-01"):
            count, cut = overflow_at(text, rules)
            if cut is not None:
                unit = "graphemes" if rules.counts == "graphemes" else "characters"
                out.add(
                    "PLAT-01",
                    cut,
                    len(text),
                    f"Too long for {target.label}: {count} of {rules.max_chars} {unit}.",
                    platform=target.label,
                )
            else:
                size, byte_cut = bytes_overflow_at(text, rules)
                if byte_cut is not None:
                    out.add(
                        "PLAT-01",
                        byte_cut,
                        len(text),
                        f"Too long for {target.label}: {size:,} of "
                        f"{rules.max_bytes:,} bytes. Emoji and letters with accents take several bytes each.",
                        platform=target.label,
                    )
        if p.on("PLAT-02"):
            if len(images) > rules.max_images:
                out.add(
                    "PLAT-02",
                    0,
                    0,
                    f"{target.label} takes at most {rules.max_images} image"
                    f"{'s' if rules.max_images != 1 else ''}; this post has {len(images)}.",
                    platform=target.label,
                )
            if len(images) < rules.min_images:
                out.add(
                    "PLAT-02", 0, 0, f"{target.label} needs at least {rules.min_images} image.", platform=target.label
                )
        if p.on("PLAT-03"):
            for number, image in enumerate(images, start=1):
                alt = str(image.get("alt") or "")
                if rules.max_alt_text_chars is not None and len(alt) > rules.max_alt_text_chars:
                    out.add(
                        "PLAT-03",
                        0,
                        0,
                        f"Image {number}'s alt text is {len(alt)} characters; {target.label} "
                        f"takes {rules.max_alt_text_chars}.",
                        platform=target.label,
                        image=number,
                    )
                elif rules.recommended_alt_text_chars is not None and len(alt) > rules.recommended_alt_text_chars:
                    out.add(
                        "PLAT-03",
                        0,
                        0,
                        f"Image {number}'s alt text is {len(alt)} characters; on "
                        f"{target.label} keep it near {rules.recommended_alt_text_chars}.",
                        cap=Severity.INFO,
                        platform=target.label,
                        image=number,
                    )
        if p.on("PLAT-04") and rules.max_hashtags is not None and tag_count > rules.max_hashtags:
            out.add(
                "PLAT-04",
                0,
                0,
                f"{target.label} takes at most {rules.max_hashtags} hashtags; this post has {tag_count}.",
                platform=target.label,
            )
