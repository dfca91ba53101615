"""The archive search of the API on its lean path (``townsquare.api.lean``): the same page as
``api.ArchiveListView`` for a signed-in session that may search, or None to leave the request to it.

Role and council are checked as ``council_for`` checks them (no role there: the full path's "not
found"; no archive permission: its "forbidden"); a person without the whole register in view sees
only their own channels' records (``visible_channel_ids``). A bad parameter is left to the full
path too, which answers it with the same 400.
"""

from __future__ import annotations

import orjson
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from townsquare.api.lean import json_answer, session_access
from townsquare.archive.api import page_json, page_size
from townsquare.archive.search import ArchiveQuery
from townsquare.archive.selectors import search_results, visible_channel_ids
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm, permissions_for


def archive_list(request: HttpRequest, slug: str) -> HttpResponse | None:
    person = session_access(request, slug)
    if person is None or person.council_id is None:
        return None
    council_id, perms = person.council_id, permissions_for(person.roles)
    if Perm.VIEW_ARCHIVE not in perms:
        return None
    channel_ids = None
    if Perm.VIEW_REGISTER not in perms:
        council = Council.objects.get(pk=council_id)
        channel_ids = visible_channel_ids(council=council, user=person.full(), perms=perms)
    try:
        size = page_size(request.GET)
        query = ArchiveQuery.from_querydict(request.GET)
        rows, next_cursor = search_results(
            council_id=council_id,
            channel_ids=channel_ids,
            query=query,
            cursor=request.GET.get("cursor") or None,
            limit=size,
        )
    except ValidationError:
        return None
    return json_answer(orjson.dumps(page_json(request, rows, next_cursor)))
