"""Pages of the training register and publishing rights: parse input, check access, call one service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.governance import forms as f
from townsquare.governance import training_forms as tf
from townsquare.governance.access import MANAGE, READ_REGISTERS, governance_view
from townsquare.governance.models import (
    PublishingRight,
    TrainingModule,
    TrainingRecord,
    TrainingRequirement,
    TrainingSession,
)
from townsquare.governance.selectors import (
    acknowledgements_waiting_for,
    attendance_report,
    governance_settings,
    training_overdue,
    training_states,
)
from townsquare.governance.services import (
    form_save_audited,
    publishing_right_grant,
    publishing_right_revoke,
    publishing_rights_refusal,
    training_attendance_record,
    training_completion_record,
    training_invite,
)
from townsquare.governance.views import add_service_error, form_page, perms_for

# --- Training -------------------------------------------------------------------------------------


@governance_view()
def my_training(request: HttpRequest, council: Council) -> HttpResponse:
    records = TrainingRecord.objects.filter(
        user=request.user,
        module__council=council,  # type: ignore[misc]
    ).select_related("module", "session")
    return render(
        request,
        "governance/my_training.html",
        {
            "states": training_states(user=request.user, council=council),
            "records": records,
            "waiting": acknowledgements_waiting_for(user=request.user, council=council),
            "refusal": publishing_rights_refusal(user=request.user, council=council)
            if Perm.DRAFT_POSTS in perms_for(request)
            else None,
            "drafts": Perm.DRAFT_POSTS in perms_for(request),
        },
    )


@governance_view(READ_REGISTERS)
def training(request: HttpRequest, council: Council) -> HttpResponse:
    attendance, threshold = attendance_report(council=council)
    return render(
        request,
        "governance/training.html",
        {
            "modules": TrainingModule.objects.filter(council=council),
            "requirements": TrainingRequirement.objects.filter(council=council).select_related("module"),
            "overdue": training_overdue(council=council),
            "attendance": attendance,
            "threshold": threshold,
            "can_manage": Perm.MANAGE_GOVERNANCE in perms_for(request),
            "requires_training": governance_settings(council=council).training_required_for_publishing,
        },
    )


@governance_view(MANAGE)
def module_edit(request: HttpRequest, council: Council, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(TrainingModule, council=council, pk=pk) if pk else None
    form = tf.TrainingModuleForm(request.POST or None, instance=instance, council=council)
    if request.method == "POST" and form.is_valid():
        module = form_save_audited(actor=request.user, form=form, council=council, action="training_module")  # type: ignore[arg-type]
        return redirect("governance:module", slug=council.slug, pk=module.pk)
    return form_page(
        request, form, "Change the training" if pk else "Add training", back=f"/c/{council.slug}/governance/training/"
    )


@governance_view(READ_REGISTERS)
def module_detail(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    module = get_object_or_404(TrainingModule, council=council, pk=pk)
    return render(
        request,
        "governance/module.html",
        {
            "module": module,
            "sessions": module.sessions.all(),
            "completions": module.records.filter(session__isnull=True).select_related("user"),
            "can_manage": Perm.MANAGE_GOVERNANCE in perms_for(request),
        },
    )


@governance_view(MANAGE)
def session_new(request: HttpRequest, council: Council, module_pk: int) -> HttpResponse:
    module = get_object_or_404(TrainingModule, council=council, pk=module_pk)
    form = tf.TrainingSessionForm(request.POST or None, instance=TrainingSession(module=module))
    if request.method == "POST" and form.is_valid():
        session = form_save_audited(actor=request.user, form=form, council=council, action="training_session")  # type: ignore[arg-type]
        return redirect("governance:session", slug=council.slug, pk=session.pk)
    return form_page(
        request,
        form,
        f"Add a session of {module.title}",
        back=f"/c/{council.slug}/governance/training/modules/{module.pk}/",
    )


@governance_view(READ_REGISTERS)
def session_detail(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    session = get_object_or_404(TrainingSession.objects.select_related("module"), module__council=council, pk=pk)
    records = list(session.records.select_related("user"))
    can_manage = Perm.MANAGE_GOVERNANCE in perms_for(request)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Your role at this council does not allow this.")
        by_pk = {r.user_id: r.user for r in records}
        attendance = {by_pk[r.user_id]: request.POST.get(f"attended-{r.user_id}", r.status) for r in records}
        try:
            training_attendance_record(actor=request.user, session=session, attendance=attendance)  # type: ignore[arg-type]
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Attendance saved.")
        return redirect("governance:session", slug=council.slug, pk=session.pk)
    return render(
        request,
        "governance/session.html",
        {"session": session, "records": records, "can_manage": can_manage, "statuses": TrainingRecord.Status.choices},
    )


@governance_view(MANAGE)
def session_invite(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    session = get_object_or_404(TrainingSession.objects.select_related("module"), module__council=council, pk=pk)
    form = tf.InviteForm(request.POST or None, council=council)
    if request.method == "POST" and form.is_valid():
        added = training_invite(actor=request.user, session=session, users=form.chosen())  # type: ignore[arg-type]
        messages.success(request, f"{added} invited.")
        return redirect("governance:session", slug=council.slug, pk=session.pk)
    return form_page(
        request,
        form,
        f"Invite people to {session}",
        back=f"/c/{council.slug}/governance/training/sessions/{pk}/",
        button="Invite",
    )


@governance_view(MANAGE)
def completion_new(request: HttpRequest, council: Council) -> HttpResponse:
    form = tf.CompletionForm(request.POST or None, council=council)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            training_completion_record(
                actor=request.user,  # type: ignore[arg-type]
                module=d["module"],
                user=d["user"],  # type: ignore[arg-type]
                completed_on=d["completed_on"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Completion of {d['module']} recorded for {d['user']}.")
            return redirect("governance:training", slug=council.slug)
    return form_page(
        request,
        form,
        "Record a completion",
        back=f"/c/{council.slug}/governance/training/",
        intro="For training completed outside a session, such as the e-learning module.",
    )


@governance_view(MANAGE)
def requirement_new(request: HttpRequest, council: Council) -> HttpResponse:
    form = tf.RequirementForm(request.POST or None, council=council)
    if request.method == "POST" and form.is_valid():
        form_save_audited(actor=request.user, form=form, council=council, action="training_requirement")  # type: ignore[arg-type]
        messages.success(request, "Requirement added.")
        return redirect("governance:training", slug=council.slug)
    return form_page(request, form, "Require training for a role", back=f"/c/{council.slug}/governance/training/")


@governance_view(READ_REGISTERS)
def rights(request: HttpRequest, council: Council) -> HttpResponse:
    can_manage = Perm.MANAGE_GOVERNANCE in perms_for(request)
    form = f.PersonForm(request.POST or None, council=council)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Your role at this council does not allow this.")
        if form.is_valid():
            try:
                publishing_right_grant(actor=request.user, council=council, user=form.cleaned_data["user"])  # type: ignore[arg-type]
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"{form.cleaned_data['user']} may now draft posts.")
                return redirect("governance:rights", slug=council.slug)
    return render(
        request,
        "governance/rights.html",
        {
            "rights": PublishingRight.objects.filter(council=council).select_related("user", "granted_by"),
            "form": form,
            "can_manage": can_manage,
            "requires_training": governance_settings(council=council).training_required_for_publishing,
        },
    )


@governance_view(MANAGE)
def right_revoke(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    right = get_object_or_404(PublishingRight.objects.select_related("user"), council=council, pk=pk, active=True)
    form = tf.RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        publishing_right_revoke(actor=request.user, right=right, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        messages.success(request, f"Publishing rights removed from {right.user}.")
        return redirect("governance:rights", slug=council.slug)
    return form_page(
        request,
        form,
        f"Remove {right.user}'s publishing rights",
        back=f"/c/{council.slug}/governance/publishing-rights/",
        button="Remove rights",
    )
