"""Pages of the governance registers: parse input, check access, call one service.

Here the overview, the settings and the breach register, with the helpers every governance page
uses; the policy register is in ``policy_views``, the trackers in ``plan_views``, training and
publishing rights in ``training_views``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.governance import forms as f
from townsquare.governance.access import READ_REGISTERS, READ_TRACKERS, governance_view
from townsquare.governance.models import Breach, BreachViewer
from townsquare.governance.selectors import (
    acknowledgements_waiting_for,
    governance_settings,
    is_monitoring_officer,
    policies_review_due,
    training_overdue,
    training_states,
)
from townsquare.governance.services import (
    breach_save_form,
    breach_viewer_add,
    breach_viewer_remove,
    governance_settings_update,
    publishing_rights_refusal,
)
from townsquare.web.ids import parse_id


def perms_for(request: HttpRequest) -> frozenset[str]:
    return request.council_perms  # type: ignore[attr-defined,no-any-return]


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    title: str,
    back: str,
    button: str = "Save",
    intro: str = "",
    multipart: bool = False,
) -> HttpResponse:
    return render(
        request,
        "governance/form.html",
        {"form": form, "title": title, "back": back, "button": button, "intro": intro, "multipart": multipart},
    )


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


# --- Overview -------------------------------------------------------------------------------------


@governance_view()
def home(request: HttpRequest, council: Council) -> HttpResponse:
    perms = perms_for(request)
    context: dict[str, Any] = {
        "waiting": acknowledgements_waiting_for(user=request.user, council=council),
        "my_training": training_states(user=request.user, council=council),
        "refusal": publishing_rights_refusal(user=request.user, council=council) if Perm.DRAFT_POSTS in perms else None,
        "can_read_trackers": bool(READ_TRACKERS & perms),
        "can_read_registers": bool(READ_REGISTERS & perms),
        "can_see_breaches": is_monitoring_officer(user=request.user, council=council)
        or BreachViewer.objects.filter(council=council, user=request.user).exists(),  # type: ignore[misc]
    }
    if READ_REGISTERS & perms:
        context["reviews_due"] = policies_review_due(council=council)
        context["overdue_training"] = training_overdue(council=council)
    return render(request, "governance/home.html", context)


@governance_view(frozenset({Perm.MANAGE_SETTINGS}))
def settings_page(request: HttpRequest, council: Council) -> HttpResponse:
    current = governance_settings(council=council)
    initial = {
        "training_required_for_publishing": current.training_required_for_publishing,
        "review_reminder_days": current.review_reminder_days,
        "poor_attendance_percent": current.poor_attendance_percent,
        "monitoring_officer": current.monitoring_officer,
    }
    form = f.SettingsForm(request.POST or None, initial=initial, council=council)
    if request.method == "POST" and form.is_valid():
        try:
            governance_settings_update(actor=request.user, council=council, changes=form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Governance settings saved.")
            return redirect("governance:home", slug=council.slug)
    return form_page(request, form, "Governance settings", back=f"/c/{council.slug}/governance/")


# --- Breaches -------------------------------------------------------------------------------------


@governance_view(breaches=True)
def breaches(request: HttpRequest, council: Council) -> HttpResponse:
    items = Breach.objects.filter(council=council).select_related("subject_user", "subject_channel")
    return render(
        request,
        "governance/breaches.html",
        {
            "breaches": items,
            "is_mo": is_monitoring_officer(user=request.user, council=council),
            "viewers": BreachViewer.objects.filter(council=council).select_related("user"),
            "monitoring_officer": governance_settings(council=council).monitoring_officer,
        },
    )


@governance_view(breaches=True)
def breach_edit(request: HttpRequest, council: Council, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(Breach, council=council, pk=pk) if pk else None
    form = f.BreachForm(
        request.POST or None,
        instance=instance,
        council=council,
        initial={} if pk else {"reported_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            breach = breach_save_form(actor=request.user, form=form)  # type: ignore[arg-type]
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Breach {breach.pk} saved.")
            return redirect("governance:breaches", slug=council.slug)
    return form_page(
        request, form, f"Breach {pk}" if pk else "Record a breach", back=f"/c/{council.slug}/governance/breaches/"
    )


@governance_view(breaches=True)
def breach_access(request: HttpRequest, council: Council) -> HttpResponse:
    if not is_monitoring_officer(user=request.user, council=council):
        raise PermissionDenied("Your role at this council does not allow this.")
    form = f.PersonForm(request.POST or None, council=council)
    if request.method == "POST":
        remove = request.POST.get("remove")
        if remove:
            if parse_id(remove) is None:
                raise BadRequest("Choose the person to remove from the list.")
            viewer = get_object_or_404(BreachViewer, council=council, pk=parse_id(remove))
            breach_viewer_remove(actor=request.user, viewer=viewer)  # type: ignore[arg-type]
            messages.success(request, f"{viewer.user} may no longer see the breach register.")
            return redirect("governance:breaches", slug=council.slug)
        if form.is_valid():
            try:
                breach_viewer_add(actor=request.user, council=council, user=form.cleaned_data["user"])  # type: ignore[arg-type]
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"{form.cleaned_data['user']} may now see the breach register.")
                return redirect("governance:breaches", slug=council.slug)
    return form_page(
        request,
        form,
        "Name someone who may see the breach register",
        back=f"/c/{council.slug}/governance/breaches/",
        button="Name them",
    )
