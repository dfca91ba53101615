"""Demo register for Riverside: an FOI request about the leisure centre closure, its archive search saved
with a legal hold and redactions proposed, and a subject access request still waiting for an address."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.archive.search import ArchiveQuery
from townsquare.councils.models import Council
from townsquare.disclosure.models import InformationRequest
from townsquare.disclosure.redactions import redactions_propose
from townsquare.disclosure.services import request_open, request_search_set

SUMMARY = "Everything the council posted or received about the leisure centre closure"


def disclosure_demo_load(council: Council, actor: User | None) -> None:
    if actor is None or InformationRequest.objects.filter(council=council, summary=SUMMARY).exists():
        return
    now = timezone.now()
    foi = request_open(
        actor=actor,
        council=council,
        kind="foi",
        received_at=now - dt.timedelta(days=12),
        summary=SUMMARY,
        request_text="Under the Freedom of Information Act, please send everything the council posted or received "
        "on social media about the leisure centre closure, including posts later edited or deleted.",
        requester_name="Alex Morgan",
        requester_email="alex.morgan@example.org",
        officer=actor,
    )
    foi = request_search_set(actor=actor, request=foi, query=ArchiveQuery(q="leisure centre"))
    redactions_propose(actor=actor, request=foi)
    request_open(
        actor=actor,
        council=council,
        kind="sar",
        received_at=now - dt.timedelta(days=3),
        summary="Everything the council holds about me on social media",
        requester_handle="@riverside_resident",
    )
