"""Council categories and risk: wording rules in English and Welsh, with the trained models' scores.

The legal and urgent categories (safeguarding, threats, FOI, subject access, media enquiries) are
found by phrases a person would use, in both languages: missing one is worse than a false alarm, and
a few hundred labelled council messages are too few to learn them from. The phrases were written from
the train split of data/classify/council_messages/ and checked on its validation split
(docs/classifiers.md). Abuse also comes from the offensive model; complaints and praise need the
sentiment model's agreement as well as a cue.

"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

CATEGORIES = (
    "complaint",
    "service_request",
    "foi_request",
    "sar_request",
    "media_enquiry",
    "abuse_threat",
    "safeguarding",
    "praise",
    "political",
    "personal_data",
    "spam",
)
RISKS = ("low", "medium", "high", "urgent")

# The offensive score (0..1) from which a message counts as abuse. Chosen on the train split of the
# council messages: blunt complaints ("Pathetic. Absolutely pathetic response", "it's vile") score up to
# about 0.7 on models trained on tweets; lower, most complaints would be flagged as abuse.
ABUSE_THRESHOLD = 0.75

# group name -> phrases (regular expressions, case-insensitive). Names ending in a digit feed the
# category before the underscore and digit; "threat" and "abuse" both feed abuse_threat (a threat
# makes it urgent); "complain" and "praise_cue" need the sentiment model's agreement.
_CUES: dict[str, list[str]] = {
    "safeguarding": [
        r"(?:kill|end|take|hurt)\s+(?:myself|my\s+(?:own\s+)?life)",
        r"suicid\w*",
        r"self[- ]?harm\w*",
        r"(?:don'?t|do\s+not)\s+feel\s+safe",
        r"(?:hits?|beats?|hurts?|abuses?|punche?s?|kicks?)\s+me\b",
        r"scared\s+to\s+go\s+home",
        r"bruis\w+",
        r"groom\w*",
        r"neglect\w*",
        r"being\s+(?:abused|exploited|trafficked)",
        r"(?:left|leave|leaving)\s+(?:alone|on\s+their\s+own)",
        r"for\s+days\s+at\s+a\s+time",
        r"look\s+hungry",
        r"sleep\w*\s+(?:rough|on\s+the\s+streets?)",
        r"kicked\s+me\s+out",
        r"forced\s+to\s+work",
        r"locked\s+room",
        r"taking\s+money\s+from\s+(?:her|him|them)",
        r"dementia",
        r"vulnerable",
        r"(?:hasn'?t|has\s+not)\s+been\s+seen",
        r"can'?t\s+go\s+on",
        r"nothing\s+left",
        r"domestic\s+(?:abuse|violence)",
        r"coercive",
        r"modern\s+slavery",
        r"child(?:ren)?\s+(?:at\s+risk|abuse|sexual)",
        r"worried\s+about\s+(?:the|a|my|our)\s+(?:\w+\s+){0,3}"
        r"(?:child|children|boy|girl|kids?|baby|neighbour|mum|dad|nan|gran)",
        r"(?:trying\s+to\s+get|into)\s+(?:them|him|her|children|kids)\s+into\s+(?:his|a|their)\s+car",
        r"get\s+them\s+into\s+his\s+car",
        r"picked\s+up\s+from\s+the\s+children'?s\s+home",
        # Welsh
        r"lladd\s+fy\s+hun",
        r"niweidio\s+fy\s+hun",
        r"hunan[- ]?niwed\w*",
        r"fy\s+nharo",
        r"cleisiau",
        r"ofn\s+mynd\s+adref",
        r"ar\s+(?:ei|eu)\s+(?:phen|ben|pennau)\s+(?:ei|eu)\s+hun(?:ain)?",
        r"cysgu\s+ar\s+y\s+stryd",
        r"llwglyd",
        r"ddim\s+yn\s+ddiogel",
        r"cam-?drin",
        r"alla\s+i\s+ddim\s+mynd\s+ymlaen",
        r"dw\s+i'?n\s+poeni\s+am",
        r"ddim\s+wedi\s+cael\s+ei\s+g?weld",
    ],
    "threat": [
        r"(?:i'?ll|i\s+will|gonna|going\s+to|i'?m\s+going\s+to)\s+(?:\w+\s+)?(?:kill|hurt|burn|smash|stab|shoot|slap|"
        r"punch|batter|deal\s+with|sort\s+(?:you|him|her)\s+out)",
        r"burn\s+(?:\w+\s+){0,3}down",
        r"blow\s+(?:\w+\s+){0,3}up",
        r"\bbomb\b",
        r"\bbullet\b",
        r"watch\s+your\s+back",
        r"(?:know|found\s+out)\s+where\s+(?:\w+\s+){0,4}lives?",
        r"pay(?:ing)?\s+(?:him|her|you|them)\s+a\s+visit",
        r"waiting\s+(?:for\s+you\s+)?outside",
        r"\bshoot\b",
        r"\bstab\b",
        # Welsh
        r"\bllosgi\b",
        r"\bmalu\b",
        r"lladd\s+(?:di|chi|ti|e|hi|nhw)\b",
        r"talu\s+ymweliad",
        r"gwybod\s+ble\s+mae\s+(?:\S+\s+){0,4}byw",
    ],
    "abuse": [
        r"hope\s+(?:\w+\s+){0,5}(?:dies?|rots?|suffers?)",
        r"rots?\s+in\s+hell",
        r"twpsyn",
        r"ffyliaid",
        r"\bffwl\b",
        r"cau\s+dy\s+geg",
        r"\bscumbags?\b",
        r"\bmuppets?\b",
    ],
    "foi_request": [
        r"freedom\s+of\s+information",
        r"\bFOIA?\b",
        r"environmental\s+information\s+regulations",
        r"\bEIR\b",
        r"request\s+for\s+information",
        r"information\s+act\s+2000",
        r"rhyddid\s+gwybodaeth",
        r"cais\s+am\s+wybodaeth",
    ],
    "sar_request": [
        r"subject\s+access",
        r"\bSARs?\b",
        r"right\s+of\s+access",
        r"data\s+protection\s+(?:act|law)",
        r"\bu?k?\s?GDPR\b",
        r"(?:data|information|records?|everything)\s+(?:\w+\s+){0,4}(?:hold|holds|has|have|kept|written)\s+"
        r"(?:about|on)\s+me",
        r"my\s+(?:social\s+care|care|medical|housing)\s+(?:file|records?)",
        r"footage\s+of\s+me",
        r"cais\s+gwrthrych",
        r"mynediad\s+at\s+ddata",
        r"diogelu\s+data",
        r"amdana\s+i\b",
    ],
    "media_enquiry": [
        r"journalist",
        r"\breporter\b",
        r"press\s+(?:office|enquiry|inquiry|team|officer)",
        r"media\s+(?:enquiry|inquiry|"
        r"contact|team|office)",
        r"(?:a|our|my)\s+(?:news\s+)?(?:story|piece|article|report|feature|programme)\s+"
        r"(?:on|about)",
        r"working\s+on\s+a\s+story",
        r"(?:editor|producer|correspondent)\s+(?:at|from|for|with)",
        r"(?:\bBBC\b|\bITV\b|sky\s+news|channel\s+4\s+news)(?:\s+\w+)?\s+(?:here|sydd\s+yma)",
        r"this\s+is\s+(?:\bBBC\b|\bITV\b)",
        r"(?:statement|quote|interview|comment)\s+(?:\w+\s+){0,4}(?:story|news|report|article|programme|bulletin|show)",
        r"breakfast\s+show",
        r"deadline\s+(?:\w+\s+){0,2}\d",
        r"newyddiadurwr",
        r"gohebydd|ohebydd",
        r"\by\s+wasg\b",
        r"swyddfa\s+wasg",
        r"\berthygl\b",
    ],
    "spam": [
        r"earn\s+[£$€]?\d",
        r"click\s+(?:here|the\s+link)",
        r"claim\s+(?:your|at|now)",
        r"free\s+(?:iphone|gift|voucher|prize)",
        r"\bcrypto\w*",
        r"\bbitcoin\b",
        r"\bfollowers\b",
        r"follow\s+for\s+follow",
        r"hot\s+singles",
        r"double\s+your\s+money",
        r"\d+\s*%\s+off",
        r"giveaways?",
        r"link\s+in\s+(?:bio|profile)",
        r"selected\s+to\s+win",
        r"congratulations\s+you",
        r"\bdm\s+me\b",
        r"whatsapp\s+\+",
        r"cliciwch\s+yma",
        r"\bhawlio\b",
        r"\benillwch\b",
    ],
    "political": [
        r"\blabour\b",
        r"\btor(?:y|ies)\b",
        r"\bconservatives?\b",
        r"\blib\s*dems?\b",
        r"liberal\s+democrats?",
        r"\breform\s+(?:uk|will|party|councillors?)\b",
        r"\bgreen\s+(?:party|councillors?|candidate)",
        r"plaid\s+cymru",
        r"\bSNP\b",
        r"\bUKIP\b",
        r"vote\s+(?:for|labour|tory|conservative|reform|green|plaid)",
        r"by-?elections?",
        r"\belections?\b",
        r"\bcandidates?\b",
        r"ballot\s+box",
        r"\bmanifesto\b",
        r"pleidleisiwch",
        r"\betholiad\w*",
        r"isetholiad",
        r"ymgeisw\w+",
        r"ceidwadwyr",
        r"\bllafur\b",
        r"democratiaid",
    ],
    "personal_data": [
        r"\b0\d{3,4}\s?\d{3}\s?\d{3,4}\b",
        r"\+44\s?\d",
        r"(?<=[\w.+-])@[\w-]+\.\w{2,}",
        r"(?-i:\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b)",
        r"(?-i:\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b)",
        r"date\s+of\s+birth",
        r"\bDOB\b",
        r"dyddiad\s+geni",
        r"sort\s+code",
        r"account\s+(?:number|no)\b",
        r"rhif\s+fy\s+nghyfrif",
        r"NHS\s+number",
        r"national\s+insurance",
        r"yswiriant\s+gwladol",
        r"car\s+reg\b",
        r"(?:has|have|with)\s+(?:autism|adhd|cancer|dementia|hiv|depression|diabetes)",
        r"(?:(?:I'?m|I\s+am|I\s+live|lives|living|is)\s+at|address\s+is|dw\s+i\s+yn)\s+\d{1,4}[a-z]?\s+(?-i:[A-Z])",
        r"\b(?:at|yn)\s+\d{1,4}[a-z]?\s+(?-i:[A-Z])\w+\s+(?:Road|Street|Lane|Close|Way|Avenue|Row|Drive|Crescent)\b",
    ],
    "service_request": [
        r"please\s+(?:can|could)",
        r"(?:can|could|would)\s+(?:you|someone|an?\s+\w+(?:\s+officer)?)\s+(?:please\s+)?"
        r"(?:\w+\s+){0,2}(?:fix|send|come|collect|clear|inspect|look|check|investigate|help|remove|empty|order)",
        r"how\s+do\s+i\s+(?:book|order|apply|report|claim|appeal|get|comment|request|renew|tell|reserve|swap|spread)",
        r"(?:i'?d|i\s+would)\s+like\s+to\s+(?:report|book|order|apply)",
        r"(?:need|want)\s+an?\s+(?:\w+\s+){0,2}"
        r"(?:collection|repair|permit|inspection)",
        r"please\s+(?:fix|send|clear|investigate|come|check|help)",
        r"send\s+(?:someone|a\s+\w+|the\s+\w+)",
        r"pest\s+control",
        r"who\s+(?:do\s+i|can|should\s+i)\s+(?:contact|help|claim)",
        r"i'?d\s+like\s+to\s+report",
        r"\bany\s+update\b",
        r"\b(?:still|not)\s+(?:not\s+)?(?:emptied|collected|fixed)",
        r"come\s+back\s+for",
        r"who\s+can\s+help",
        r"nobody\s+has\s+come",
        r"(?:claim|apply)\s+(?:council\s+tax\s+)?\w+",
        r"allwch\s+chi",
        r"os\s+gwelwch\s+yn\s+dda",
        r"sut\s+ydw\s+i'?n\s+(?:archebu|apelio|mynd|rhoi|gwneud|gofyn)",
        r"mae\s+angen",
        r"\bhoffwn\b",
        r"helpwch",
        r"cliriwch",
        r"ymchwiliwch",
        r"ffoniwch\s+fi",
        r"gwiriwch",
        r"heb\s+glywed",
        r"ddim\s+yn\s+gweithio",
        r"wedi\s+blocio",
        r"dw\s+i\s+wedi\s+symud",
        r"neb\s+wedi\s+dod",
        r"ddim\s+wedi\s+cael\s+eu\s+casglu",
    ],
    "complain": [
        r"complain\w*",
        r"disgrace\w*",
        r"disgusting",
        r"useless",
        r"\ba\s+joke\b",
        r"pathetic",
        r"shocking",
        r"\bagain\b",
        r"\bstill\b",
        r"nobody",
        r"no\s+one",
        r"\bnever\b",
        r"ignor\w+",
        r"furious",
        r"fed\s+up",
        r"appalling",
        r"terrible",
        r"awful",
        r"filthy",
        r"\bvile\b",
        r"unacceptable",
        r"money\s+back",
        r"\bscam\b",
        r"why\s+(?:is|has|was|does|do|are|were|have)",
        r"out\s+of\s+order",
        r"broken",
        r"no\s+reply",
        r"worse",
        r"stinks?",
        r"unbearable",
        r"ashamed",
        r"\bfreezing\b",
        r"cancell\w+",
        r"what'?s\s+the\s+point",
        r"burst",
        r"\bcwyn\w*",
        r"gwarthus",
        r"ffiaidd",
        r"ofnadwy",
        r"diwerth",
        r"\beto\b",
        r"\bdoes\s+neb\b",
        r"\bpam\b",
        r"cywilydd",
        r"gwaethygu",
        r"arian\s+yn\s+ôl",
        r"wedi\s+torri",
        r"warthus",
    ],
    "praise_cue": [
        r"thank\w*",
        r"\bthanks\b",
        r"well\s+done",
        r"\bgreat\b",
        r"brilliant",
        r"fantastic",
        r"excellent",
        r"\blove\b",
        r"impressed",
        r"\bkind\b",
        r"helpful",
        r"appreciated",
        r"lovely",
        r"good\s+job",
        r"great\s+job",
        r"diolch",
        r"da\s+iawn",
        r"\bgwych\b",
        r"ardderchog",
        r"wrth\s+eu\s+boddau",
        r"gwerthfawrogi",
        r"caredig",
        r"defnyddiol",
        r"👏",
        r"😊",
        r"❤️?",
    ],
}

# Each phrase is compiled on its own and indexed by the words (two letters or more) written in it: a
# phrase is only tried on a text with a token starting with one of its words, so a text is not read
# once per phrase. Phrases without such a word (numbers, e-mail addresses, emoji) are one expression
# read on every text.
_PHRASES = [(name, re.compile(phrase, re.IGNORECASE)) for name, phrases in _CUES.items() for phrase in phrases]
_ESCAPES = re.compile(r"\\\w|\(\?[-:=!<a-z]+:?|\{\d*,?\d*\}")
_ANCHOR = re.compile(r"[^\W\d_][^\W\d_']*")


# Words too common to say anything: a phrase is indexed by its other words.
_COMMON = frozenset(
    """
the and for you are was his her him its our own not any has have can all out who how what why with from this that
they them their about then than will would could should been being
""".split()
)  # noqa: SIM905


def _anchors(phrase: str) -> set[str]:
    """The words written in a phrase, lower case, without apostrophes, optional last letters dropped."""
    plain = _ESCAPES.sub(" ", re.sub(r"\w\?|'\??", "", phrase))
    every = {word.lower() for word in _ANCHOR.findall(plain)}
    words = {word for word in every if len(word) >= 3}
    return words - _COMMON or words or {word for word in every if len(word) >= 2}


_BY_PREFIX: dict[str, list[tuple[str, int]]] = {}
_ALWAYS: list[tuple[re.Pattern[str], int]] = []  # (what the text must contain for the phrase to be tried, phrase)
for _index, (_name, _compiled) in enumerate(_PHRASES):
    _words = _anchors(_compiled.pattern)
    if not _words:
        _needs = r"\d" if r"\d" in _compiled.pattern else "@" if "@" in _compiled.pattern else _compiled.pattern
        _ALWAYS.append((re.compile(_needs), _index))
    for _word in _words:
        _BY_PREFIX.setdefault(_word[:2], []).append((_word, _index))


@lru_cache(maxsize=100_000)
def _triggers(token: str) -> frozenset[int]:
    """The phrases a token (lower case) may begin."""
    token = token.replace("'", "")
    return frozenset(index for word, index in _BY_PREFIX.get(token[:2], ()) if token.startswith(word))


def cue_names(text: str, tokens: Iterable[str]) -> set[str]:
    """The cues found in ``text``, given its tokens in lower case (as townsquare.classify.linear gives them)."""
    tried: set[int] = set()
    for token in tokens:
        tried.update(_triggers(token))
    found = {_PHRASES[i][0] for i in tried if _PHRASES[i][1].search(text)}
    for needs, i in _ALWAYS:
        if needs.search(text) and _PHRASES[i][1].search(text):
            found.add(_PHRASES[i][0])
    return found


def cues(text: str) -> dict[str, list[tuple[int, int]]]:
    """Cue name -> the places its phrases were found in ``text`` (every phrase tried: for explanations)."""
    found: dict[str, list[tuple[int, int]]] = {}
    for name, compiled in _PHRASES:
        for match in compiled.finditer(text):
            found.setdefault(name, []).append(match.span())
    return found


def decide(found: Iterable[str], sentiment: str, offensive: bool) -> tuple[list[str], str]:
    """The categories (in CATEGORIES order) and the risk, from the cues found and the models' answers."""
    seen = set(found)
    chosen: set[str] = {name for name in seen if name in CATEGORIES}
    if "threat" in seen or "abuse" in seen or offensive:
        chosen.add("abuse_threat")
    if sentiment == "negative" and "complain" in seen and not chosen & {"safeguarding", "abuse_threat", "spam"}:
        chosen.add("complaint")
    if "praise_cue" in seen and sentiment == "positive" and "spam" not in chosen:
        chosen.add("praise")
    categories = [name for name in CATEGORIES if name in chosen]
    return categories, risk_of(categories, threat="threat" in seen)


def risk_of(categories: Iterable[str], *, threat: bool) -> str:
    """Urgent: safeguarding or a threat. High: abuse, a media enquiry (deadlines in hours). Medium: statutory
    requests (FOI 20 working days, subject access one month), personal data in public, complaints,
    political content. Low: the rest."""
    chosen = set(categories)
    if "safeguarding" in chosen or ("abuse_threat" in chosen and threat):
        return "urgent"
    if chosen & {"abuse_threat", "media_enquiry"}:
        return "high"
    if chosen & {"foi_request", "sar_request", "personal_data", "complaint", "political"}:
        return "medium"
    return "low"
