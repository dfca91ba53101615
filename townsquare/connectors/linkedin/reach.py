"""Each post's reach on LinkedIn: the lifetime share statistics of the page's recent posts
(``organizationalEntityShareStatistics`` naming them in ``shares=List(...)`` or ``ugcPosts=List(...)``),
of which ``uniqueImpressionsCount`` (members who saw the post) is the reach. LinkedIn keeps the
statistics of the last twelve months and leaves out a post nobody has yet seen or acted on: such a
post stays published, not measured, until a later day's statistics name it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

PATH = "/rest/organizationalEntityShareStatistics"
KINDS = {"urn:li:share:": "shares", "urn:li:ugcPost:": "ugcPosts"}  # a URN's kind -> the parameter naming it
# What the channel page says when LinkedIn refuses to give statistics (followers are still measured).
REFUSED = (
    "LinkedIn did not let Townsquare read post statistics: the connection needs LinkedIn's statistics "
    "permission (rw_organization_admin, with r_organization_social). Followers are still measured; posts "
    "stay published, not measured. Reconnect as a page administrator and grant every permission asked for."
)
WHAT = "the posts' statistics (impressions, reach, engagements)"
PAGE_WHAT = "the page's visitor statistics (page views)"
PAGE_REFUSED = (
    "LinkedIn did not let Townsquare read the page's visitor statistics: the connection needs LinkedIn's "
    "statistics permission (rw_organization_admin). Followers are still measured; page views are not. "
    "Reconnect as a page administrator and grant every permission asked for."
)


def queries(organisation: str, urns: list[str]) -> list[str]:
    """The statistics calls for these posts: one for each kind of URN present (shares and UGC posts
    are named apart), each URN percent-encoded inside Rest.li's ``List(...)``; other URNs are skipped."""
    found = []
    for prefix, parameter in KINDS.items():
        named = ",".join(quote(urn, safe="") for urn in urns if urn.startswith(prefix))
        if named:
            found.append(
                f"{PATH}?q=organizationalEntity&organizationalEntity={quote(organisation, safe='')}"
                f"&{parameter}=List({named})"
            )
    return found


def posts_reach(raw: dict[str, Any]) -> dict[str, int]:
    """Post URN -> members who saw it, from the statistics kept with the snapshot (``post_statistics``)."""
    statistics = raw.get("post_statistics")
    found: dict[str, int] = {}
    for element in (statistics.get("elements") or []) if isinstance(statistics, dict) else []:
        if not isinstance(element, dict):
            continue
        urn = str(element.get("ugcPost") or element.get("share") or "")
        totals = element.get("totalShareStatistics")
        if not urn or not isinstance(totals, dict) or "uniqueImpressionsCount" not in totals:
            continue
        try:
            found[urn] = max(int(totals["uniqueImpressionsCount"]), 0)
        except (TypeError, ValueError):
            continue  # not given as a number: left out, not guessed
    return found
