"""The register's pages: the list with each request's clock, opening by hand or from an inbox item, and
one request with its requester, search and hold, extension and closing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from townsquare.accounts.models import User
from townsquare.archive.search import ArchiveQuery
from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.disclosure import services
from townsquare.disclosure.forms import CloseForm, ExtendForm, RequesterForm, RequestForm
from townsquare.disclosure.letters import contact_request_reply
from townsquare.disclosure.models import InformationRequest, Kind, Release
from townsquare.disclosure.selectors import (
    redaction_counts,
    request_clock,
    request_get,
    request_officers,
    request_query,
    request_records,
    requests_of,
)
from townsquare.inbox.selectors import items_visible_to

KEEP = Perm.MANAGE_REQUESTS
RECORDS_SHOWN = 20


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _found(council: Council, pk: int) -> InformationRequest:
    found = request_get(council=council, pk=pk)
    if found is None:
        raise Http404("No such request")
    return found


@council_view(KEEP)
def register(request: HttpRequest, council: Council) -> HttpResponse:
    status = request.GET.get("status", "open")
    kind = request.GET.get("kind", "")
    found = requests_of(council=council, status=status, kind=kind if kind in Kind.values else "")
    today = timezone.localdate()
    rows = [(r, request_clock(r, today)) for r in found[:500]]
    if status == "open":
        rows.sort(key=lambda row: (row[1].due, row[0].pk))
    return render(
        request, "disclosure/register.html", {"rows": rows, "status": status, "kind": kind, "kinds": Kind.choices}
    )


def _carried_search(request: HttpRequest) -> tuple[ArchiveQuery | None, list[str]]:
    """The archive search carried over from the archive page in the address (its own parameters)."""
    try:
        query = ArchiveQuery.from_querydict(request.GET)
    except ValidationError as error:
        return None, error.messages
    return (None if query.is_empty() else query), []


@council_view(KEEP)
def open_request(request: HttpRequest, council: Council) -> HttpResponse:
    form = RequestForm(request.POST or None, council=council, initial={"received_on": timezone.localdate()})
    query, problems = _carried_search(request)
    for problem in problems:
        form.add_error(None, f"The archive search carried over: {problem}")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        received = timezone.make_aware(dt.datetime.combine(data["received_on"], dt.time(9)))
        fields = {
            "council": council,
            "kind": data["kind"],
            "received_at": min(received, timezone.now()),
            "summary": data["summary"],
            "request_text": data["request_text"],
            "requester_name": data["requester_name"],
            "requester_address": data["requester_address"],
            "requester_email": data["requester_email"],
            "requester_handle": data["requester_handle"],
            "officer": data["officer"],
        }
        try:
            if query is None:
                made = services.request_open(actor=_user(request), **fields)
            else:
                made = services.request_open_with_search(actor=_user(request), query=query, **fields)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            held = " Everything the archive search finds is held." if query is not None else ""
            messages.success(request, f"Request {made.reference} opened: reply due by {made.due_on:%-d %B %Y}.{held}")
            return redirect("disclosure:request", council.slug, made.pk)
    return render(request, "disclosure/open.html", {"form": form, "query": query})


@require_POST
@council_view(KEEP)
def open_from_item(request: HttpRequest, council: Council, item_pk: int) -> HttpResponse:
    """The inbox item page's "Mark as a request" action."""
    perms = request.council_perms  # type: ignore[attr-defined]
    item = get_object_or_404(items_visible_to(user=request.user, council=council, perms=perms), pk=item_pk)
    kind = request.POST.get("kind", "")
    if kind not in Kind.values:
        messages.error(request, "Choose FOI, EIR or subject access.")
        return redirect("inbox:item", council.slug, item.pk)
    made = services.request_open_from_item(actor=_user(request), item=item, kind=kind)
    messages.success(request, f"Request {made.reference} is in the register.")
    return redirect("disclosure:request", council.slug, made.pk)


@council_view(KEEP)
def request_page(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    found = _found(council, pk)
    query = request_query(found)
    records = request_records(found)
    return render(
        request,
        "disclosure/request.html",
        {
            "req": found,
            "clock": request_clock(found),
            "reply": None if found.has_contact else contact_request_reply(kind=found.kind, reference=found.reference),
            "query": query,
            "record_count": records.count() if query else 0,
            "records": list(records[:RECORDS_SHOWN]) if query else [],
            "counts": redaction_counts(found),
            "releases": found.releases.select_related("released_by").defer("content"),
            "requester_form": RequesterForm(
                initial={
                    "name": found.requester_name,
                    "email": found.requester_email,
                    "address": found.requester_address,
                }
            ),
            "extend_form": ExtendForm(),
            "close_form": CloseForm(),
            "formats": Release.Format.choices,
            "officers": request_officers(council),
        },
    )


def _act(request: HttpRequest, council: Council, pk: int, act: Callable[[InformationRequest], str]) -> HttpResponse:
    """Run one change on the request; bad input is shown and changes nothing."""
    found = _found(council, pk)
    try:
        messages.success(request, act(found))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("disclosure:request", council.slug, found.pk)


def _form_errors(form: RequesterForm | ExtendForm | CloseForm) -> ValidationError:
    return ValidationError([e for errors in form.errors.values() for e in errors])


@require_POST
@council_view(KEEP)
def requester(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    def act(found: InformationRequest) -> str:
        form = RequesterForm(request.POST)
        if not form.is_valid():
            raise _form_errors(form)
        services.request_requester_set(actor=_user(request), request=found, **form.cleaned_data)
        return "The requester's details are saved."

    return _act(request, council, pk, act)


@require_POST
@council_view(KEEP)
def search(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    def act(found: InformationRequest) -> str:
        query = ArchiveQuery.from_querydict(request.POST)
        services.request_search_set(actor=_user(request), request=found, query=query)
        return "Search saved: everything it finds is held until the request is closed."

    return _act(request, council, pk, act)


@require_POST
@council_view(KEEP)
def officer(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    def act(found: InformationRequest) -> str:
        value = request.POST.get("officer", "")
        person = request_officers(council).filter(pk=int(value)).first() if value.isdigit() else None
        if value and person is None:
            raise ValidationError("That person does not keep this council's register.")
        services.request_officer_set(actor=_user(request), request=found, officer=person)
        return f"Officer: {person.full_name or person.email}." if person else "No officer now."

    return _act(request, council, pk, act)


@require_POST
@council_view(KEEP)
def extend(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    def act(found: InformationRequest) -> str:
        form = ExtendForm(request.POST)
        if not form.is_valid():
            raise _form_errors(form)
        done = services.request_extend(actor=_user(request), request=found, reason=form.cleaned_data["reason"])
        return f"Extended: the reply is now due by {done.deadline:%-d %B %Y}."

    return _act(request, council, pk, act)


@require_POST
@council_view(KEEP)
def close(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    def act(found: InformationRequest) -> str:
        form = CloseForm(request.POST)
        if not form.is_valid():
            raise _form_errors(form)
        services.request_close(actor=_user(request), request=found, **form.cleaned_data)
        return "Request closed; its legal hold is released."

    return _act(request, council, pk, act)
