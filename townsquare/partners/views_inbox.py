"""All my councils: the inbox of every council where the person may see received items, worked in place.

Each council contributes exactly what its own inbox would show this person (a service officer there:
only their own channels' items). Working items from here is checked item by item against the role
the person holds at that item's council, and done by the inbox's own services (which audit).
"""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from townsquare.accounts.models import User
from townsquare.accounts.utils import request_user
from townsquare.channels.models import Platform
from townsquare.classify.categories import CATEGORIES, RISKS
from townsquare.councils.access import perms_in
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.inbox import services as inbox_services
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.selectors import filters_parse, items_filter, may_work
from townsquare.partners import selectors
from townsquare.partners.sections import CouncilRow
from townsquare.partners.views import PAGE_SIZE, council_slug, page_of

INBOX_PERMS = [Perm.VIEW_ASSIGNED_CHANNELS]
ASSIGN_ME = "assign_me"
ACTIONS = [(ASSIGN_ME, "Assign to me")] + [
    (f"status:{value}", f"Set the status to “{label}”") for value, label in ReceivedItem.Status.choices
]
NOT_WORKER = "your role at this council does not allow working the inbox"
MAX_CHOSEN = 200


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _act(request: HttpRequest, visible: QuerySet[ReceivedItem]) -> None:
    """Apply one action to the chosen items the person may see, each under its own council's role."""
    ids = {int(i) for i in request.POST.getlist("items") if i.isdigit() and len(i) < 12}
    action = request.POST.get("action", "")
    if action not in dict(ACTIONS):
        messages.error(request, "Choose what to do with the items you ticked.")
        return
    if not ids:
        messages.error(request, "Tick at least one item.")
        return
    if len(ids) > MAX_CHOSEN:
        messages.error(request, f"Tick at most {MAX_CHOSEN} items at a time.")
        return
    actor: User = request_user(request)
    may: dict[int, bool] = {}
    done: list[ReceivedItem] = []
    refused: list[tuple[ReceivedItem, str]] = []
    for item in visible.filter(pk__in=ids):
        council: Council = item.council
        if council.pk not in may:
            may[council.pk] = may_work(perms_in(actor, council))
        if not may[council.pk]:
            refused.append((item, NOT_WORKER))
            continue
        try:
            if action == ASSIGN_ME:
                inbox_services.item_assign(actor=actor, item=item, person=actor)
            else:
                inbox_services.item_status_set(actor=actor, item=item, status=action.removeprefix("status:"))
        except ValidationError as error:
            refused.append((item, " ".join(error.messages)))
        else:
            done.append(item)
    if done:
        names = ", ".join(sorted({i.council.name for i in done}))
        messages.success(request, f"{dict(ACTIONS)[action]}: done for {_plural(len(done), 'item')} ({names}).")
    for item, reason in refused:
        who = item.author_name or item.author_handle or "an unknown author"
        messages.error(request, f"Not changed, {item.council.name}, the item from {who}: {reason}.")
    missing = len(ids) - len(done) - len(refused)
    if missing:
        messages.error(request, f"{_plural(missing, 'chosen item')} could not be found in your inbox.")


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    councils = selectors.councils_chosen(request.user, INBOX_PERMS, council_slug(request))
    visible = selectors.inbox_across(user=request.user, councils=councils)
    if request.method == "POST":
        _act(request, visible)
        return redirect(request.get_full_path())
    filters = filters_parse(request.GET)
    found = items_filter(visible, filters, user=request.user)
    risk = request.GET.get("risk", "").strip()
    if risk in RISKS:
        found = found.filter(risk=risk)
    elif risk:
        filters = replace(
            filters,
            problems=(
                *filters.problems,
                f"The risk filter “{risk[:50]}” is not one the inbox knows, so it was not applied.",
            ),
        )
        risk = ""
    unresolved = request.GET.get("unresolved") == "1"
    if unresolved:
        found = found.exclude(status=ReceivedItem.Status.RESOLVED)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    workers = {c.pk for c in councils if may_work(perms_in(request.user, c))}
    return page_of(
        request,
        "partners/inbox.html",
        INBOX_PERMS,
        {
            "page": page,
            "rows": [CouncilRow(item.council, item) for item in page.object_list],
            "filters": filters,
            "query": query.urlencode(),
            "platforms": Platform.choices,
            "categories": [(c, c.replace("_", " ")) for c in CATEGORIES],
            "statuses": ReceivedItem.Status.choices,
            "risks": RISKS,
            "risk": risk,
            "unresolved": unresolved,
            "actions": ACTIONS,
            "workers": workers,
        },
    )
