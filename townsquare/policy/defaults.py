"""Default word lists, used until a council edits its own.

Written for Townsquare. Where a list follows a public source, the source is named above it.
Candidates, councillors and blocked words start empty: they are the council's own.
"""

from __future__ import annotations

from townsquare.policy.catalogue import ListKind

# Parties registered with the Electoral Commission that hold seats in UK councils or parliaments,
# their best-known social media handles, and slogans from recent national campaigns. Bare words that
# have everyday meanings ("labour", "green", "reform", "conservative") are left out on purpose: they
# would flag "labour market" or "green spaces".
PARTY_NAMES = """
Conservative Party
Conservatives
Tory
Tories
Labour Party
Labour Group
Labour-run
Tory-run
Liberal Democrats
Liberal Democrat
Lib Dem
Lib Dems
Green Party
Greens
Reform UK
Plaid Cymru
Scottish National Party
SNP
UKIP
Alba Party
DUP
Democratic Unionist Party
Sinn Féin
Sinn Fein
SDLP
Ulster Unionist Party
UUP
Alliance Party
Workers Party
@Conservatives
@UKLabour
@LibDems
@TheGreenParty
@reformparty_uk
@Plaid_Cymru
@theSNP
Get Brexit Done
Take Back Control
Change Britain's Future
Stop the boats
"""

# Topics that the LGA and Surrey CC guidance single out as likely to be contentious between parties
# during an election period; a council adds its own local issues (a closure, a development).
CONTROVERSIAL_TOPICS = """
council tax rise
council tax increase
budget cuts
cuts to services
closure
closing
privatisation
outsourcing
low traffic neighbourhood
LTN
clean air zone
ULEZ
congestion charge
green belt
housing development
local plan
asylum
migrants
refugee hotel
incinerator
library closures
parking charges
"""

# LGA, What the pre-election period means in practice: no new non-statutory consultations.
CONSULTATION_TERMS = """
consultation
consult
have your say
survey
tell us what you think
share your views
"""

# LGA Model Councillor Code (confidentiality); Local Government Act 1972 Schedule 12A (exempt
# information, "Part II" items); Government Security Classifications marking.
CONFIDENTIAL_MARKERS = """
confidential
exempt information
exempt report
Part II
Part 2 item
not for publication
OFFICIAL-SENSITIVE
OFFICIAL SENSITIVE
embargoed
do not share
internal only
"""

# Swear words and obscenities common in British English, written for this list; a council adds to it.
PROFANITY = """
fuck
fucking
fucked
shit
shitty
bullshit
piss
pissed
bollocks
bastard
bloody hell
crap
arse
arsehole
asshole
wanker
twat
prick
dickhead
bitch
cunt
tosser
bugger
sod off
"""

# Insults aimed at people: the LGA's "Practical advice for handling online abuse" and the Model Code's
# respect duty give the category; the words are ours.
ABUSE = """
idiot
idiots
moron
morons
scum
scumbag
pathetic
clown
clowns
liar
liars
incompetent
vermin
parasite
parasites
traitor
"""

# PPERA 2000 s.125(3): information about holding the poll and press notices are exempt from the
# referendum-period restriction. Phrases that mark a post as one of those.
REFERENDUM_EXEMPT = """
polling station
polling stations
poll card
polling card
postal vote
postal votes
proxy vote
register to vote
voter registration
voter ID
photo ID
polls are open
polls open
polls close
notice of poll
close of poll
the count
declaration of the result
press notice
press release
"""

DEFAULT_LISTS: dict[str, str] = {
    ListKind.CANDIDATES: "",
    ListKind.COUNCILLORS: "",
    ListKind.PARTY_NAMES: PARTY_NAMES,
    ListKind.CONTROVERSIAL: CONTROVERSIAL_TOPICS,
    ListKind.CONSULTATION: CONSULTATION_TERMS,
    ListKind.CONFIDENTIAL: CONFIDENTIAL_MARKERS,
    ListKind.PROFANITY: PROFANITY,
    ListKind.ABUSE: ABUSE,
    ListKind.BLOCKED: "",
    ListKind.ALLOWED_CONTACTS: "",
    ListKind.HASHTAG_WORDS: "",
    ListKind.REFERENDUM_ISSUE: "",
    ListKind.REFERENDUM_EXEMPT: REFERENDUM_EXEMPT,
}


def default_words(kind: str) -> list[str]:
    return parse_words(DEFAULT_LISTS.get(kind, ""))


def parse_words(text: str) -> list[str]:
    """One entry a line; blank lines and repeats dropped, order kept."""
    seen: set[str] = set()
    entries: list[str] = []
    for line in text.splitlines():
        entry = " ".join(line.split())
        if entry and entry.lower() not in seen:
            seen.add(entry.lower())
            entries.append(entry)
    return entries
