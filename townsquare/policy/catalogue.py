"""The rules the engine knows: id, default severity, the source it cites, and the word lists it reads.

Rule ids follow the shared list of checkable rules (PUB-, CC-, AX-, DP-). Two families have no id
there and are named here: LOCAL-01 (the council's own blocked words) and PLAT-01..04 (what each
platform accepts). A council changes a rule's switch and severity through ``RuleSetting`` and its
word lists through ``WordList``; everything else in this module is the default.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Severity(models.TextChoices):
    BLOCK = "block", "Block: cannot be approved"
    WARN = "warn", "Warn: the approver must acknowledge"
    INFO = "info", "Information only"


SEVERITY_ORDER = {Severity.INFO: 0, Severity.WARN: 1, Severity.BLOCK: 2}


class ListKind(models.TextChoices):
    CANDIDATES = "candidates", "Candidates (names and @handles)"
    COUNCILLORS = "councillors", "Councillors and other politicians (names and @handles)"
    PARTY_NAMES = "party_names", "Party names, handles and slogans"
    CONTROVERSIAL = "controversial_topics", "Politically controversial topics"
    CONSULTATION = "consultation_terms", "Words that announce a consultation"
    CONFIDENTIAL = "confidential_markers", "Confidential markers"
    PROFANITY = "profanity", "Profanity and obscenity"
    ABUSE = "abuse", "Abusive and insulting words"
    BLOCKED = "blocked_words", "Blocked words (force approval)"
    ALLOWED_CONTACTS = "allowed_contacts", "The council's own contact details (not personal data)"
    HASHTAG_WORDS = "hashtag_words", "Extra words for splitting hashtags (place names, services)"
    REFERENDUM_ISSUE = "referendum_issue", "Words about the referendum question's issue"
    REFERENDUM_EXEMPT = "referendum_exempt", "Poll information and press notice phrases (exempt)"


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    family: str
    severity: str
    source: str
    lists: tuple[str, ...] = ()
    platform: bool = False  # needs the channels' platforms to run
    election: bool = False  # runs only inside a pre-election window
    referendum: bool = False  # runs only inside a referendum period


S_PUBLICITY_ACT = "Local Government Act 1986, s.2"
S_LGA_SOCIAL = "LGA, Pre-election period: social media"
S_LGA_PRACTICE = "LGA, What the pre-election period means in practice"
S_SURREY = "Surrey CC, Publicity in the run up to elections"
S_ENFIELD = "Enfield, Publicity during elections"
S_CODE = "LGA Model Councillor Code of Conduct 2020"
S_GCS = "GCS, Planning, creating and publishing accessible social media campaigns"
S_DEFRA = "Defra, Improve social media accessibility"
S_OXFORD = "Oxford University, Social media accessibility"
S_GDS = "GDS, Sentence length: why 25 words is our limit"
S_ICO = "ICO v Charnwood BC; Welsh Government social media house rules"
S_ICO_CHILD = "ICO school-photo reprimands; NSPCC, Photographing children"
S_REPLY = "Southend, Mole Valley and Charnwood social media policies"
S_WELSH = "Welsh Government, Welsh Language Standards communication and marketing guidelines"
S_PLATFORM = "The platform's published limits"
S_PPERA = "Political Parties, Elections and Referendums Act 2000, s.125"

RULES: tuple[Rule, ...] = (
    Rule(
        "PUB-02",
        "Party-political content (at all times)",
        "Publicity Code",
        Severity.BLOCK,
        S_PUBLICITY_ACT,
        (ListKind.PARTY_NAMES,),
    ),
    Rule(
        "PUB-04",
        "Naming or tagging candidates and politicians in the pre-election period",
        "Pre-election period",
        Severity.BLOCK,
        f"{S_LGA_SOCIAL}; {S_LGA_PRACTICE}; {S_SURREY}",
        (ListKind.CANDIDATES, ListKind.COUNCILLORS),
        election=True,
    ),
    Rule(
        "PUB-05",
        "Quoting councillors in the pre-election period",
        "Pre-election period",
        Severity.BLOCK,
        S_ENFIELD,
        election=True,
    ),
    Rule(
        "PUB-06",
        "Resharing parties or politicians in the pre-election period",
        "Pre-election period",
        Severity.BLOCK,
        S_LGA_SOCIAL,
        election=True,
    ),
    Rule(
        "PUB-07",
        "Politically controversial topics in the pre-election period",
        "Pre-election period",
        Severity.WARN,
        f"{S_LGA_SOCIAL}; {S_LGA_PRACTICE}",
        (ListKind.CONTROVERSIAL,),
        election=True,
    ),
    Rule(
        "PUB-08",
        "New campaigns started after the notice of election",
        "Pre-election period",
        Severity.WARN,
        S_LGA_SOCIAL,
        election=True,
    ),
    Rule(
        "PUB-09",
        "New consultations in the pre-election period",
        "Pre-election period",
        Severity.WARN,
        S_LGA_PRACTICE,
        (ListKind.CONSULTATION,),
        election=True,
    ),
    Rule(
        "PUB-10",
        "The administration's record in the pre-election period",
        "Pre-election period",
        Severity.WARN,
        S_ENFIELD,
        election=True,
    ),
    Rule(
        "PUB-13",
        "The referendum question's issues in the referendum period",
        "Referendum period",
        Severity.BLOCK,
        S_PPERA,
        (ListKind.REFERENDUM_ISSUE, ListKind.REFERENDUM_EXEMPT),
        referendum=True,
    ),
    Rule(
        "PUB-15", "Welsh and English together (councils in Wales)", "Welsh Language Standards", Severity.BLOCK, S_WELSH
    ),
    Rule("CC-02", "Personal attacks and abuse", "Conduct", Severity.WARN, S_CODE, (ListKind.ABUSE,)),
    Rule("CC-04", "Confidential or exempt information", "Conduct", Severity.BLOCK, S_CODE, (ListKind.CONFIDENTIAL,)),
    Rule("CC-05", "Profanity and obscenity", "Conduct", Severity.WARN, S_CODE, (ListKind.PROFANITY,)),
    Rule(
        "LOCAL-01",
        "The council's blocked words (force approval)",
        "Council rules",
        Severity.WARN,
        "The council's own list",
        (ListKind.BLOCKED,),
    ),
    Rule("DP-01", "Residents' personal data", "Data protection", Severity.BLOCK, S_ICO, (ListKind.ALLOWED_CONTACTS,)),
    Rule("DP-04", "Children named", "Data protection", Severity.BLOCK, S_ICO_CHILD),
    Rule("DP-05", "Personal data in a public reply", "Data protection", Severity.BLOCK, S_REPLY),
    Rule(
        "AX-01",
        "Meaningful alt text on every image",
        "Accessibility",
        Severity.BLOCK,
        f"{S_GCS}; {S_DEFRA}; {S_OXFORD}",
    ),
    Rule(
        "AX-03",
        "Hashtags in CamelCase, at most 2, at the end",
        "Accessibility",
        Severity.WARN,
        f"{S_GCS}; {S_DEFRA}",
        (ListKind.HASHTAG_WORDS,),
    ),
    Rule(
        "AX-04",
        "At most 3 emojis, no repeats, none starting a line",
        "Accessibility",
        Severity.WARN,
        f"{S_GCS}; {S_DEFRA}",
    ),
    Rule("AX-05", "Sentences of 25 words or fewer", "Accessibility", Severity.WARN, f"{S_GCS}; {S_GDS}"),
    Rule("AX-06", "At most one link, with a descriptive call to action", "Accessibility", Severity.WARN, S_GCS),
    Rule("AX-08", "No Unicode 'fancy' letters", "Accessibility", Severity.BLOCK, f"{S_DEFRA}; {S_GCS}"),
    Rule("PLAT-01", "Length within each platform's limit", "Platforms", Severity.BLOCK, S_PLATFORM, platform=True),
    Rule("PLAT-02", "Number of images each platform takes", "Platforms", Severity.BLOCK, S_PLATFORM, platform=True),
    Rule("PLAT-03", "Alt text length each platform takes", "Platforms", Severity.WARN, S_PLATFORM, platform=True),
    Rule("PLAT-04", "Number of hashtags each platform takes", "Platforms", Severity.BLOCK, S_PLATFORM, platform=True),
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
