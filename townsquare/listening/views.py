"""Listening pages: the council's queries, add and change one (with "Try it"), and delete one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.listening.forms import ListeningQueryForm
from townsquare.listening.models import ListeningQuery
from townsquare.listening.selectors import (
    CAUGHT_DAYS,
    caught_recently,
    caught_since,
    queries_of,
    query_of,
    try_query,
)
from townsquare.listening.services import listening_query_delete, listening_query_save

MANAGE = Perm.MANAGE_CHANNELS  # communications officers and administrators


@council_view(MANAGE)
def query_list(request: HttpRequest, council: Council) -> HttpResponse:
    caught = caught_recently(council)
    queries = list(queries_of(council))
    for query in queries:
        query.caught = caught.get(query.pk, 0)  # type: ignore[attr-defined]
    return render(
        request,
        "listening/list.html",
        {"queries": queries, "caught_days": CAUGHT_DAYS, "caught_since": caught_since().isoformat()},
    )


def _edit(request: HttpRequest, council: Council, instance: ListeningQuery | None) -> HttpResponse:
    form = ListeningQueryForm(request.POST or None, council=council, instance=instance)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "try" in request.POST:
            assert form.tree is not None
            result = try_query(
                council=council,
                tree=form.tree,
                platforms=data["platforms"],
                channel_ids=[c.pk for c in data["channels"]],
            )
        else:
            saved = listening_query_save(
                actor=request.user,
                council=council,
                query=instance,
                name=data["name"],
                text=data["query"],
                owner=instance.owner if instance is not None else request.user,
                platforms=data["platforms"],
                channels=list(data["channels"]),
                active=data["active"],
                sensitivity=data["sensitivity"],
            )
            messages.success(request, f"Listening query “{saved.name}” saved.")
            return redirect("listening:list", slug=council.slug)
    context: dict[str, Any] = {
        "form": form,
        "instance": instance,
        "result": result,
        "title": f"Change {instance.name}" if instance else "Add a listening query",
    }
    return render(request, "listening/form.html", context)


@council_view(MANAGE)
def query_add(request: HttpRequest, council: Council) -> HttpResponse:
    return _edit(request, council, None)


@council_view(MANAGE)
def query_edit(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    return _edit(request, council, query_of(council, pk))


@council_view(MANAGE)
def query_delete(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    query = query_of(council, pk)
    if request.method == "POST":
        listening_query_delete(actor=request.user, council=council, query=query)
        messages.success(request, f"Listening query “{query.name}” deleted.")
        return redirect("listening:list", slug=council.slug)
    return render(request, "listening/delete.html", {"query": query})
