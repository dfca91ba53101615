"""The fixed patterns the policy checks look for: UK postcodes, phone numbers, emails, National
Insurance numbers, vehicle registrations, addresses, political words, accessibility habits."""

from __future__ import annotations

import re

# Postcodes (Royal Mail format, upper case as written), UK phone numbers, e-mail addresses, National
# Insurance numbers (HMRC's prefix rules) and vehicle registrations (DVLA current, prefix and suffix
# styles). Each is anchored on word boundaries so "COVID-19" or "A303" do not match.
POSTCODE_RE = re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b")
PHONE_RE = re.compile(r"(?<![\w+])(?:\+44[\s-]?(?:\(0\)[\s-]?)?|\(?0)\d[\d\s\-)]{8,13}\d(?![\w])")
EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
NINO_RE = re.compile(r"\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b")
VEHICLE_RE = re.compile(
    r"\b(?:[A-HJ-PR-Y][A-HJ-PR-Z]\d{2} ?[A-HJ-PR-Z]{3}"  # current: AB12 CDE
    r"|[A-HJ-NP-TV-Y]\d{1,3} [A-HJ-PR-Z]{3}"  # prefix: A123 BCD (space required: fewer false alarms)
    r"|[A-HJ-PR-Z]{3} \d{1,3}[A-HJ-NP-TV-Y])\b"  # suffix: ABC 123D
)
ADDRESS_RE = re.compile(
    r"\b\d{1,4}[A-Za-z]?,?\s+(?:[A-Z][a-z'-]+\s+){1,3}(?:Road|Rd|Street|St|Avenue|Ave|Lane|Close|Drive|Way|"
    r"Crescent|Gardens|Place|Court|Terrace|Grove|Row|Walk|Mews|Square|View|Rise)\b"
)
# Organisations' numbers (0300 public service, 0800/0808 freephone, 03/08 non-geographic) are not
# personal; nor are public bodies' e-mail domains.
ORG_PHONE_PREFIXES = ("03", "08", "+443", "+448")
PUBLIC_EMAIL_DOMAINS = (
    ".gov.uk",
    ".gov.wales",
    ".llyw.cymru",
    ".gov.scot",
    ".nhs.uk",
    ".nhs.net",
    ".police.uk",
    ".parliament.uk",
    ".gov.uk.",
)
CHILD_CONTEXT_RE = re.compile(
    r"\b(?:aged? \d{1,2}|\d{1,2}[- ]years?[- ]old|year \d{1,2}|pupils?|schoolboy|schoolgirl|child|children|"
    r"kids?|son|daughter|toddler|baby|boy|girl|teenager|youngster|primary school|nursery|little one)\b",
    re.IGNORECASE,
)
CAPITALISED_RE = re.compile(r"\b[A-Z][a-z]{1,15}\b")
# Politicians named by title ("Cllr Jones", "Councillor Amy Patel") and MPs ("Jane Smith MP").
POLITICIAN_TITLE_RE = re.compile(
    r"\b(?:Cllr\.?|Councillor|Cllrs\.?|Councillors)\s+[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?"
    r"|\b[A-Z][\w'-]+\s+[A-Z][\w'-]+\s+(?:MP|MS|MSP|MLA)\b"
)
QUOTE_ROLE_RE = re.compile(
    r"\b(?:Cllr\.?|Councillor|Leader(?: of the Council)?|Cabinet Member|Portfolio Holder|Deputy Leader|MP)\b"
)
SAID_RE = re.compile(r"\b(?:said|says|saying|commented|added|explained|told|stated|welcomed)\b|[\"“”‘’]", re.IGNORECASE)
RESHARE_RE = re.compile(
    r"(?:^|(?<=\s))(?:RT|QT|MT|via|h/t|HT|reposting|reposted|resharing|reshared|sharing|shared by|retweeting)"
    r"\s*:?\s*@(\w+)",
    re.IGNORECASE,
)
POLITICAL_HANDLE_RE = re.compile(
    r"cllr|councillor|mp$|_mp|4mp|labour|tory|tories|conservative|libdem|green|reform", re.IGNORECASE
)
RECORD_RE = re.compile(
    r"\bsince (?:we|the administration|this administration|the current administration) (?:took|came)\b"
    r"|\bmanifesto\b|\b(?:our|the administration's) (?:track )?record\b|\bpromises? (?:delivered|kept)\b",
    re.IGNORECASE,
)
VOTE_FOR_PARTY_RE = re.compile(
    r"\bvote\s+(?:for\s+|against\s+)?(?:the\s+)?(?:Labour|Conservatives?|Tory|Tories|Greens?|Reform|Lib\s?Dems?|"
    r"Liberal Democrats?|Plaid|SNP|UKIP|Independents?)\b",
    re.IGNORECASE,
)
STATUTORY_RE = re.compile(r"\bstatutory\b", re.IGNORECASE)
CONFIDENTIAL_EXCEPTIONS_RE = re.compile(
    r"\s*(?:advice|support|helpline|help|service|services|line|counselling|reporting|chat|listening)\b",
    re.IGNORECASE,
)
HASHTAG_RE = re.compile(r"(?<![\w#&])#(\w+)")
EMOJI_RE = re.compile(
    "(?:[\U0001f1e6-\U0001f1ff]{2}"  # flags
    "|[\U0001f300-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2190-\u21ff\u2300-\u23ff\U0001f000-\U0001f2ff]"
    "[\ufe0f\U0001f3fb-\U0001f3ff]*(?:\u200d[\U0001f300-\U0001faff\u2600-\u27bf][\ufe0f]?)*)"
)
CLICK_HERE_RE = re.compile(r"\b(?:click|tap|press)\s+(?:here|this link|the link|below)\b|\blink below\b", re.IGNORECASE)
FANCY_RE = re.compile("[\U0001d400-\U0001d7ff]+")
SENTENCE_RE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)", re.MULTILINE)
WORD_RE = re.compile(r"[\w'’-]+|https?://\S+")
ALT_FILENAME_RE = re.compile(
    r"^(?:[\w\-. ()]+\.(?:jpe?g|png|gif|webp|heic|tiff?|bmp|svg)"
    r"|(?:img|dsc|dcim|pxl|screenshot|image|photo|pic|untitled)[\s_\-]*[\d_\-]*|[\w\-]*\d{3,}[\w\-]*)$",
    re.IGNORECASE,
)
ALT_PREFIX_RE = re.compile(
    r"^(?:an?\s+)?(?:image|picture|photo|photograph|graphic|pic)\s+(?:of|showing)\b", re.IGNORECASE
)
LANGUAGE_SPLIT_RE = re.compile(r"\n\s*\n|\n|\s/\s|\s\|\s|\s-{2,}\s")
LOWER_WORD_RE = re.compile(r"[a-zâêîôûŵŷäëïöüáéíóúàèìòùA-Z-]+")

MAX_HASHTAGS = 2
MAX_EMOJIS = 3
MAX_SENTENCE_WORDS = 25
MAX_LINKS = 1
