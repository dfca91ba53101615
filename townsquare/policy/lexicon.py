"""Small lexicons the rules read: hashtag words, Welsh and English common words, first names.

All written for Townsquare. The Welsh list is of the function words and council vocabulary that
are most frequent in bilingual council posts (Welsh Government's communication and marketing
guidelines show the style); the first names are common given names of children in England and
Wales (the ONS "Baby names" statistics show which are common; the list itself is ours).
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data"


def _load_words() -> list[str]:
    seen: dict[str, None] = {}
    for line in (_DATA / "words_en.txt").read_text(encoding="utf-8").splitlines():
        word = line.strip().lower()
        if word and not word.startswith("#"):
            seen.setdefault(word, None)
    return list(seen)


HASHTAG_WORDS: tuple[str, ...] = tuple(_load_words())


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


# Words that mark a text as Welsh. Left out: words that are also everyday English ("a", "i", "am",
# "at", "dim" is kept because English uses it only as an adjective, rarely in council posts).
WELSH_WORDS = _words("""
ac ar yr yn y o mae ein eich gyda ei ni chi hwn hon hyn bod fod sy sydd wedi cyngor gwybodaeth
gwasanaeth gwasanaethau dydd ddydd heddiw yfory bydd fydd rydym ydy yw oes dim neu ond pan os gan dros
drwy trwy tan rhwng ymlaen mwy diolch croeso cymraeg cymru sir ffordd ffyrdd casglu biniau bin sbwriel
ailgylchu cartref cartrefi plant ysgol ysgolion newydd cyfarfod cyhoeddus gwefan ewch cysylltwch
darllenwch rhagor lle pryd beth sut pam pwy eu fy dy hefyd iawn yma yno mewn nid nad na fel wrth heb
hyd gall gallwch angen ffoniwch cofrestru pleidleisio etholiad llyfrgell llyfrgelloedd canolfan
hamdden parcio tai treth cynghorau digwyddiad digwyddiadau wythnos mis blwyddyn llun mercher iau
gwener sadwrn sul ddim hynny rhai pob bob holl cael gael wneud gwneud gweld mynd dod ymweld
cymuned cymunedau trigolion lleol ar-lein heol stryd parc gwyliau nadolig haf gaeaf diogel
iechyd gofal cymorth cefnogaeth cyfle cyfleoedd swyddi swydd ddiweddariad diweddariad
""")

ENGLISH_WORDS = _words("""
the and to of in is you your for on with this we our are be will from by it please can more about
all not have has was were they their there here what when where which who how if or but an at as
that these those would could should may been being do does did so up out now new today tomorrow
council information service services day week month year free help find visit call
""")

FIRST_NAMES = _words("""
oliver george noah arthur leo harry oscar archie henry jack charlie freddie theo thomas jacob alfie
muhammad mohammed william isaac james lucas alexander finley joshua max edward teddy ethan logan
samuel joseph daniel harrison harvey sebastian adam dylan reuben tommy rory elijah louie jude albert
ronnie hugo toby frankie riley jenson luca mason arlo ezra ollie kai jaxon zachary benjamin tyler
olivia amelia isla ava ivy freya lily florence mia willow rosie sophia isabella grace daisy sienna
poppy elsie emily ella evelyn phoebe sofia evie charlotte harper millie matilda maya sophie alice
emilia isabelle ruby luna maisie aria penelope mila bonnie eva hallie eliza ada violet esme arabella
imogen jessica delilah thea layla chloe lottie ellie holly hannah lucy molly megan zara amber
scarlett erin bethan cerys ffion seren nia carys megan dafydd rhys gethin osian ioan cai tomos
""")


@lru_cache(maxsize=16)
def _costs(words: tuple[str, ...]) -> tuple[dict[str, float], int]:
    # Zipf's law: a word's cost grows with the log of its rank, so common words win ties.
    scale = math.log(len(words) + 1)
    costs = {w: math.log((rank + 1) * scale) for rank, w in enumerate(words)}
    return costs, max((len(w) for w in words), default=0)


@lru_cache(maxsize=4096)
def split_run_together(tag: str, words: tuple[str, ...] = HASHTAG_WORDS) -> tuple[str, ...]:
    """Split ``binday`` into ``("bin", "day")``; empty when no split into known words exists.

    Every part must be a known word of two letters or more ("a" excepted), so an unknown name
    gives no suggestion rather than a wrong one.
    """
    lowered = tag.lower()
    costs, longest = _costs(words)
    best: list[tuple[float, int]] = [(0.0, 0)] + [(math.inf, 0)] * len(lowered)
    for end in range(1, len(lowered) + 1):
        for start in range(max(0, end - longest), end):
            piece = lowered[start:end]
            cost = costs.get(piece)
            if cost is None or (len(piece) == 1 and piece != "a"):
                continue
            total = best[start][0] + cost
            if total < best[end][0]:
                best[end] = (total, start)
    if math.isinf(best[-1][0]):
        return ()
    parts: list[str] = []
    end = len(lowered)
    while end > 0:
        start = best[end][1]
        parts.append(tag[start:end])
        end = start
    return tuple(reversed(parts))


def language_of(words: list[str]) -> str:
    """``cy``, ``en`` or ``""`` (cannot tell) for one stretch of text, by common-word frequency."""
    welsh = english = 0.0
    for word in words:
        if word in WELSH_WORDS:
            welsh += 1
        elif word in ENGLISH_WORDS:
            english += 1
        elif "dd" in word or "ŵ" in word or "ŷ" in word or word.startswith("ll") or word.startswith("ff"):
            welsh += 0.5
    if welsh < 1.5 and english < 1.5:
        return ""
    if welsh > english:
        return "cy"
    return "en" if english > welsh else ""
