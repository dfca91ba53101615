"""Pages: the urgent queue (everyone who works the inbox, limited to their accounts); working time, service
levels with their misses, and the on-call rota (the communications team and administrators keep them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from townsquare.accounts.models import User
from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.inbox import sla_settings, urgent
from townsquare.inbox.selectors import items_visible_to
from townsquare.inbox.service_level_models import OnCallShift, ServiceTarget, TargetMiss
from townsquare.inbox.service_levels import clocks_for_items, overdue_items
from townsquare.inbox.sla_forms import ClosureForm, ShiftForm, TargetForm, WorkingTimeForm
from townsquare.inbox.working_time import bank_holidays_ahead, schedule_for
from townsquare.inbox.working_time_models import ClosureDay

SEE = Perm.VIEW_ASSIGNED_CHANNELS
KEEP = Perm.MANAGE_CHANNELS
PAGE = 100


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _perms(request: HttpRequest) -> frozenset[str]:
    return request.council_perms  # type: ignore[attr-defined,no-any-return]


def _saved(
    request: HttpRequest,
    form: forms.Form,
    message: str,
    save: Callable[[dict[str, Any]], object],
    field: str | None = None,
) -> bool:
    """Call ``save`` with the form's data when it is valid; True when saved (and ``message`` shown), else
    False with the problem on the form (``field``, or the whole form)."""
    if not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except ValidationError as error:
        form.add_error(field, error)
        return False
    messages.success(request, message)
    return True


@council_view(SEE)
def urgent_queue(request: HttpRequest, council: Council) -> HttpResponse:
    queue = list(urgent.urgent_queue(user=request.user, council=council, perms=_perms(request))[:PAGE])
    clocks = clocks_for_items(council, [u.item_id for u in queue])
    return render(
        request, "inbox/urgent.html", {"queue": queue, "clocks": clocks, "on_call": urgent.on_call_now(council)}
    )


@council_view(SEE)
def overdue(request: HttpRequest, council: Council) -> HttpResponse:
    visible = items_visible_to(user=request.user, council=council, perms=_perms(request))
    items = list(overdue_items(council=council, items=visible)[:PAGE])
    return render(
        request, "inbox/overdue.html", {"items": items, "clocks": clocks_for_items(council, [i.pk for i in items])}
    )


@council_view(KEEP)
def working_time(request: HttpRequest, council: Council) -> HttpResponse:
    schedule = schedule_for(council)
    form = WorkingTimeForm(initial={"timezone": str(schedule.zone.key), "nation": schedule.nation}, schedule=schedule)
    closure_form = ClosureForm()
    if request.method == "POST" and request.POST.get("action") == "hours":
        form = WorkingTimeForm(request.POST, schedule=schedule)
        if _saved(
            request,
            form,
            "Working hours saved.",
            lambda data: sla_settings.working_time_set(
                actor=_user(request),
                council=council,
                timezone=data["timezone"],
                nation=data["nation"],
                periods=form.periods(),
            ),
        ):
            return redirect("inbox:working_time", council.slug)
    elif request.method == "POST" and request.POST.get("action") == "closure":
        closure_form = ClosureForm(request.POST)
        if _saved(
            request,
            closure_form,
            "Closure day added.",
            lambda data: sla_settings.closure_day_add(actor=_user(request), council=council, **data),
            field="day",
        ):
            return redirect("inbox:working_time", council.slug)
    today = timezone.localdate()
    return render(
        request,
        "inbox/working_time.html",
        {
            "form": form,
            "closure_form": closure_form,
            "holidays": bank_holidays_ahead(schedule.nation, today),
            "closures": ClosureDay.objects.filter(council=council, day__gte=today),
            "hours_per_week": schedule.hours_per_week(),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@council_view(KEEP)
def closure_remove(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    closure = get_object_or_404(ClosureDay, council=council, pk=pk)
    sla_settings.closure_day_remove(actor=_user(request), closure=closure)
    messages.success(request, "Closure day removed.")
    return redirect("inbox:working_time", council.slug)


@council_view(KEEP)
def service_levels(request: HttpRequest, council: Council) -> HttpResponse:
    form = TargetForm(council=council)
    if request.method == "POST":
        form = TargetForm(request.POST, council=council)
        if _saved(
            request,
            form,
            "Target added.",
            lambda data: sla_settings.service_target_add(actor=_user(request), council=council, **data),
        ):
            return redirect("inbox:service_levels", council.slug)
    visible = items_visible_to(user=request.user, council=council, perms=_perms(request))
    misses = TargetMiss.objects.filter(council=council, item__in=visible).select_related("item__channel", "assignee")
    return render(
        request,
        "inbox/service_levels.html",
        {
            "form": form,
            "targets": ServiceTarget.objects.filter(council=council).select_related("channel"),
            "misses": misses[:PAGE],
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@council_view(KEEP)
def target_remove(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    target = get_object_or_404(ServiceTarget, council=council, pk=pk)
    sla_settings.service_target_remove(actor=_user(request), target=target)
    messages.success(request, "Target removed.")
    return redirect("inbox:service_levels", council.slug)


@council_view(SEE)
def on_call(request: HttpRequest, council: Council) -> HttpResponse:
    may_keep = KEEP in _perms(request)
    zone = schedule_for(council).zone
    form = ShiftForm(council=council, zone=zone)
    if request.method == "POST":
        if not may_keep:
            raise PermissionDenied("Your role at this council does not allow changing the rota.")
        form = ShiftForm(request.POST, council=council, zone=zone)
        if _saved(
            request,
            form,
            "Added to the rota.",
            lambda data: urgent.on_call_add(
                actor=_user(request),
                council=council,
                person=data["person"],
                starts_at=data["starts"],
                ends_at=data["ends"],
            ),
        ):
            return redirect("inbox:on_call", council.slug)
    shifts = OnCallShift.objects.filter(council=council, ends_at__gt=timezone.now()).select_related("person")
    return render(
        request,
        "inbox/on_call.html",
        {
            "form": form,
            "shifts": shifts,
            "may_keep": may_keep,
            "now_on_call": urgent.on_call_now(council),
            "zone": zone.key,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@council_view(KEEP)
def shift_remove(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    shift = get_object_or_404(OnCallShift, council=council, pk=pk)
    urgent.on_call_remove(actor=_user(request), shift=shift)
    messages.success(request, "Removed from the rota.")
    return redirect("inbox:on_call", council.slug)
