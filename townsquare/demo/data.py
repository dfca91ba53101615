"""The demo councils: two partner districts sharing one communications team."""

from __future__ import annotations

from pathlib import Path
from typing import Any

PASSWORD = "townsquare-demo"

COUNCILS = [
    {"slug": "riverside", "name": "Riverside District Council", "brand_colour": "#1d5c4d"},
    {"slug": "hillcrest", "name": "Hillcrest District Council", "brand_colour": "#4a2f7a"},
]

# email, full name, post title, {council slug: [roles]}
PEOPLE: list[tuple[str, str, str, dict[str, list[str]]]] = [
    ("admin@riverside.example", "Priya Shah", "Digital Services Manager", {"riverside": ["admin"], "hillcrest": ["admin"]}),
    ("comms@riverside.example", "Tom Okafor", "Communications Manager", {"riverside": ["comms"], "hillcrest": ["comms"]}),
    ("officer@riverside.example", "Jess Morgan", "Waste and Recycling Officer", {"riverside": ["officer"]}),
    ("councillor@riverside.example", "Cllr Alan Reid", "Portfolio Holder for Communications", {"riverside": ["councillor"]}),
    ("auditor@riverside.example", "Sam Patel", "Internal Auditor", {"riverside": ["auditor"]}),
    ("governance@riverside.example", "Ruth Evans", "Information Governance Officer", {"riverside": ["governance"]}),
    ("officer@hillcrest.example", "Chris Lee", "Leisure Officer", {"hillcrest": ["officer"]}),
]

SERVICES = {
    "riverside": ["Communications", "Waste and Recycling", "Leisure", "Libraries", "Emergency Planning", "Housing",
                  "Highways", "Council Tax", "Planning", "Parking", "Environmental Health"],
    "hillcrest": ["Communications", "Leisure", "Planning"],
}

# platform, name, handle, url, service, owner, deputy, access days ago, branding days ago, 2FA,
# status, last post days ago, assignees
CHANNELS: dict[str, list[tuple[Any, ...]]] = {
    "riverside": [
        ("facebook", "Riverside Council", "RiversideDC", "https://www.facebook.com/RiversideDC", "Communications",
         "comms@riverside.example", "admin@riverside.example", 40, 60, True, "active", 0, []),
        ("x", "Riverside Council on X", "@RiversideDC", "https://x.com/RiversideDC", "Communications",
         "comms@riverside.example", "admin@riverside.example", 40, 60, True, "active", 1, []),
        ("bluesky", "Riverside Council on Bluesky", "riversidedc.bsky.social", "https://bsky.app/profile/riversidedc.bsky.social",
         "Communications", "comms@riverside.example", "admin@riverside.example", 10, 10, True, "active", 2, []),
        ("mastodon", "Riverside on Mastodon", "@riverside@social.example", "https://social.example/@riverside",
         "Communications", "comms@riverside.example", None, 10, None, True, "active", 5, []),
        ("instagram", "Riverside Council Instagram", "riversidedc", "https://www.instagram.com/riversidedc",
         "Communications", "comms@riverside.example", "admin@riverside.example", 40, 60, None, "active", 3, []),
        ("youtube", "Riverside Council YouTube", "@RiversideCouncil", "https://www.youtube.com/@RiversideCouncil",
         "Communications", "comms@riverside.example", "admin@riverside.example", 40, 200, True, "active", 20, []),
        ("linkedin", "Riverside Council careers", "riverside-district-council", "https://www.linkedin.com/company/riverside-district-council",
         "Communications", "admin@riverside.example", "comms@riverside.example", 40, 60, True, "active", 6, []),
        ("facebook", "Riverside Waste and Recycling", "RiversideBins", "https://www.facebook.com/RiversideBins",
         "Waste and Recycling", "officer@riverside.example", "comms@riverside.example", 30, 30, True, "active", 1,
         ["officer@riverside.example"]),
        ("bluesky", "Riverside Bins on Bluesky", "riversidebins.bsky.social", "https://bsky.app/profile/riversidebins.bsky.social",
         "Waste and Recycling", "officer@riverside.example", "comms@riverside.example", 30, None, True, "active", 4,
         ["officer@riverside.example"]),
        ("x", "Riverside Leisure Centre", "@RiversideLeisure", "https://x.com/RiversideLeisure", "Leisure",
         None, None, None, None, False, "dormant", 300, []),
        ("facebook", "Riverside Libraries", "RiversideLibraries", "https://www.facebook.com/RiversideLibraries",
         "Libraries", "comms@riverside.example", None, None, 400, None, "to_close", 500, []),
        ("nextdoor", "Riverside Council on Nextdoor", "riverside-council", "https://nextdoor.co.uk/agency/riverside",
         "Emergency Planning", "comms@riverside.example", "admin@riverside.example", 50, 50, True, "active", 12, []),
        ("x", "Riverside Christmas Lights 2019", "@RiversideLights19", "", "Communications",
         None, None, None, None, None, "closed", 2000, []),
    ],
    "hillcrest": [
        ("facebook", "Hillcrest Council", "HillcrestDC", "https://www.facebook.com/HillcrestDC", "Communications",
         "comms@riverside.example", "admin@riverside.example", 20, 20, True, "active", 0, []),
        ("x", "Hillcrest Council on X", "@HillcrestDC", "https://x.com/HillcrestDC", "Communications",
         "comms@riverside.example", "admin@riverside.example", 20, 20, True, "active", 2, []),
        ("mastodon", "Hillcrest on Mastodon", "@hillcrest@social.example", "https://social.example/@hillcrest",
         "Communications", "comms@riverside.example", None, None, None, None, "active", 15, []),
        ("instagram", "Hillcrest Leisure", "hillcrestleisure", "https://www.instagram.com/hillcrestleisure", "Leisure",
         "officer@hillcrest.example", "comms@riverside.example", 25, 25, True, "active", 3, ["officer@hillcrest.example"]),
        ("youtube", "Hillcrest Council Meetings", "@HillcrestMeetings", "https://www.youtube.com/@HillcrestMeetings",
         "Communications", "comms@riverside.example", "admin@riverside.example", 60, 60, True, "active", 30, []),
    ],
}

# Committee papers the governance demo imports, as text files in the ``data`` folder beside this
# module (see its README for where they come from).
PAPERS = Path(__file__).resolve().parent / "data"

# Riverside's elected members and the candidates in the by-election, for the pre-election checks.
# One a line, as the policy pages keep them: a name, an @handle, or both separated by a comma.
LEADER = "Cllr Margaret Hale"
COUNCILLORS = [
    "Margaret Hale, @CllrMargaretHale",
    "Alan Reid, @CllrAlanReid",
    "Dev Mistry, @DevMistryRDC",
    "Sarah Quinn",
    "Peter Lowe, @CllrPeterLowe",
]
BY_ELECTION_WARD = "Mill"
CANDIDATES = [
    "Rachel Obi, @RachelObiMill",
    "Gareth Pryce",
    "Helen Marsh, @HelenForMill",
    "Tom Ferris, @TomFerrisMill",
]

# The governance referendum Riverside has called for later in the year (PUB-13), and the words about
# its issue that the communications officer added to the rule.
REFERENDUM_QUESTION = "Should Riverside District Council change to a directly elected mayor and cabinet?"
REFERENDUM_ISSUE_WORDS = ["elected mayor", "directly elected", "mayor and cabinet", "committee system",
                          "governance model"]
