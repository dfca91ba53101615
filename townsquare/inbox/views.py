"""The inbox pages: a council's received items with filters, and one item with its thread, worked in place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from townsquare.accounts.models import User
from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.inbox import paging, services
from townsquare.inbox.correction_form import correction_changes, correction_context, correction_errors, correction_read
from townsquare.inbox.corrections import item_classification_correct
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.options import list_options
from townsquare.inbox.page_reads import list_reads
from townsquare.inbox.rows import page_rows, row_values, rows_html
from townsquare.inbox.selectors import (
    assignable_people,
    council_services,
    filters_parse,
    item_thread,
    items_filter,
    items_on,
    items_visible_to,
    may_work,
    visible_channel_ids,
)
from townsquare.inbox.work_views import item_context, list_context

PAGE_SIZE = 50
SEE = Perm.VIEW_ASSIGNED_CHANNELS


def _perms(request: HttpRequest) -> frozenset[str]:
    return request.council_perms  # type: ignore[attr-defined,no-any-return]


def _item(request: HttpRequest, council: Council, pk: int) -> ReceivedItem:
    """The item if the person may see it (another council's, or a channel not theirs: not found)."""
    visible = items_visible_to(user=request.user, council=council, perms=_perms(request))
    return get_object_or_404(visible.select_related("channel", "council", "service", "assignee"), pk=pk)


@council_view(SEE)
def inbox(request: HttpRequest, council: Council) -> HttpResponse:
    """The list, a keyset page at a time (``cursor``), its rows worked out by ``rows.page_rows``."""
    perms = _perms(request)
    filters = filters_parse(request.GET)
    problems = list(filters.problems)
    cursor = paging.cursor_parse(request.GET.get("cursor", ""))
    if request.GET.get("cursor") and cursor is None:
        problems.append("The page asked for could not be found, so the newest items are shown.")
    channel_ids = visible_channel_ids(user=request.user, council=council, perms=perms)
    named = f"{council.pk}|{request.user.pk}|{channel_ids}|{replace(filters, problems=())}"

    def chosen() -> QuerySet[ReceivedItem]:
        # Built only when a count or a page's SQL is not kept under ``named``. The text search is left to
        # the paging, which reads only the hits the page needs.
        return items_filter(items_on(council, channel_ids), replace(filters, q=""), user=request.user)

    page = paging.item_page(lambda: row_values(chosen()), query=filters.q, cursor=cursor, size=PAGE_SIZE, named=named)
    count, capped = paging.item_count(chosen, query=filters.q, named=named)
    figures = list_reads(council.pk, channel_ids, user_id=_user(request).pk, now=timezone.now())
    extra = list_context(request, council, saved_views=figures.saved_views)
    rows = page_rows(council, page.items, viewer=request.user, can_work=extra["can_work"])
    query = request.GET.copy()
    for name in ("cursor", "page"):
        query.pop(name, None)
    return render(
        request,
        "inbox/inbox.html",
        {
            "rows": rows,
            "rows_html": rows_html(rows),
            "page": page,
            "count": count,
            "capped": capped,
            "filters": filters,
            "problems": problems,
            "query": query.urlencode(),
            "options": list_options(council, filters, stamp=figures.stamp, channels=figures.channels),
            "flagged": figures.flagged,
            "attention_counted": (figures.urgent, figures.overdue),
            "unread_notifications": figures.unread,
            **extra,
        },
    )


@council_view(SEE)
def item(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    return item_page(request, council, _item(request, council, pk))


def item_page(
    request: HttpRequest, council: Council, found: ReceivedItem, *, correcting: dict[str, Any] | None = None
) -> HttpResponse:
    """The item's page; ``correcting``: the correction form as sent, with its problems (a 400)."""
    thread = item_thread(found)
    return render(
        request,
        "inbox/item.html",
        {
            "item": found,
            "thread": thread,
            "notes": found.notes.select_related("author"),
            "tags": found.tags.all(),
            "listened": found.listening_matches.select_related("query"),
            "statuses": ReceivedItem.Status.choices,
            "people": assignable_people(council),
            "services": council_services(council),
            "can_work": may_work(_perms(request)),
            **item_context(request, council, found, thread),
            **correction_context(found, correcting),
        },
        status=400 if correcting and correcting.get("errors") else 200,
    )


def _work(request: HttpRequest, council: Council, pk: int, act: Callable[[ReceivedItem], str]) -> HttpResponse:
    """Run one change on a visible item the person may work; bad input is shown and changes nothing."""
    found = _item(request, council, pk)
    if not may_work(_perms(request)):
        raise PermissionDenied("Your role at this council does not allow working the inbox.")
    try:
        messages.success(request, act(found))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("inbox:item", council.slug, found.pk)


@require_POST
@council_view(SEE)
def assign(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    def act(found: ReceivedItem) -> str:
        value = request.POST.get("to", "")
        person = service = None
        if value.startswith("person:") and value[7:].isdigit():
            person = assignable_people(council).filter(pk=int(value[7:])).first()
            if person is None:
                raise ValidationError("That person does not work this council's inbox.")
        elif value.startswith("service:") and value[8:].isdigit():
            service = council_services(council).filter(pk=int(value[8:])).first()
            if service is None:
                raise ValidationError("That team is not one of this council's services.")
        elif value:
            raise ValidationError("Choose a person or a team to assign the item to.")
        services.item_assign(actor=_user(request), item=found, person=person, service=service)
        return (
            f"Assigned to {person.full_name or person.email}."
            if person
            else (f"Assigned to {service.name}." if service else "No one is assigned now.")
        )

    return _work(request, council, pk, act)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@require_POST
@council_view(SEE)
def status(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    def act(found: ReceivedItem) -> str:
        services.item_status_set(actor=_user(request), item=found, status=request.POST.get("status", ""))
        return f"Status: {found.get_status_display()}."

    return _work(request, council, pk, act)


@require_POST
@council_view(SEE)
def note(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    def act(found: ReceivedItem) -> str:
        services.item_note_add(actor=_user(request), item=found, text=request.POST.get("text", ""))
        return "Note added."

    return _work(request, council, pk, act)


@require_POST
@council_view(SEE)
def tag(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    def act(found: ReceivedItem) -> str:
        name = request.POST.get("name", "")
        if request.POST.get("remove"):
            services.item_tag_remove(actor=_user(request), item=found, name=name)
            return "Tag removed."
        services.item_tag_add(actor=_user(request), item=found, name=name)
        return "Tag added."

    return _work(request, council, pk, act)


@require_POST
@council_view(SEE)
def classification(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    """Correct the item's sentiment, categories, risk or service: whoever may work the item may."""
    found = _item(request, council, pk)
    if not may_work(_perms(request)):
        raise PermissionDenied("Your role at this council does not allow working the inbox.")
    sent, shown = correction_read(request.POST)
    try:
        changed = item_classification_correct(actor=_user(request), item=found, **correction_changes(sent, shown))
    except ValidationError as error:
        return item_page(
            request, council, found, correcting={"sent": sent, "shown": shown, "errors": correction_errors(error)}
        )
    if changed:
        messages.success(request, f"Corrected: {', '.join(changed)}. The correction is kept to teach the classifier.")
    else:
        messages.info(request, "Nothing was changed: the item already has those values.")
    return redirect("inbox:item", council.slug, found.pk)
