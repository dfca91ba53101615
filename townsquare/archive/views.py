"""The archive's pages: search with filters, one record with its versions and thread."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from townsquare.archive.models import Kind
from townsquare.archive.search import ArchiveQuery
from townsquare.archive.selectors import ArchivePage, archive_record, archive_search, record_thread, records_visible_to
from townsquare.channels.models import Platform
from townsquare.channels.selectors import channels_visible_to
from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm


@council_view(Perm.VIEW_ARCHIVE)
def search(request: HttpRequest, council: Council) -> HttpResponse:
    problems: list[str] = []
    query, page = ArchiveQuery(), ArchivePage(records=[], next_cursor=None)
    try:
        query = ArchiveQuery.from_querydict(request.GET)
        page = archive_search(council=council, user=request.user, query=query, cursor=request.GET.get("cursor") or None)
    except ValidationError as error:
        problems = error.messages
    params = request.GET.copy()
    params.pop("cursor", None)
    perms = request.council_perms  # type: ignore[attr-defined]
    return render(
        request,
        "archive/search.html",
        {
            "query": query,
            "problems": problems,
            "page": page,
            "searched": bool(request.GET),
            "params": params.urlencode(),
            "channels": channels_visible_to(user=request.user, council=council, perms=perms).order_by("name"),
            "platforms": Platform.choices,
            "kinds": Kind.choices,
            "may_manage": Perm.MANAGE_RECORDS in perms,
            "may_request": Perm.MANAGE_REQUESTS in perms,
            "total": records_visible_to(council=council, user=request.user).count() if not request.GET else None,
        },
    )


@council_view(Perm.VIEW_ARCHIVE)
def record(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    found = archive_record(council=council, user=request.user, pk=pk)
    if found is None:
        raise Http404("No such record")
    thread = [r for r in record_thread(record=found, user=request.user) if r.pk != found.pk]
    key = found.versions.all()[0].metadata.get("approval_thread") if found.versions.all() else None
    approvals = (
        list(
            records_visible_to(council=council, user=request.user)
            .filter(thread_key=key)
            .prefetch_related("versions")
            .order_by("occurred_at", "pk")
        )
        if isinstance(key, str)
        else []
    )
    return render(request, "archive/record.html", {"record": found, "thread": thread, "approvals": approvals})
