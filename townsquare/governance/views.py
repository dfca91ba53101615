"""Pages of the governance registers: parse input, check access, call one service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.governance import exports
from townsquare.governance import forms as f
from townsquare.governance.access import MANAGE, READ_REGISTERS, READ_TRACKERS, governance_view
from townsquare.governance.importing import ImportProblem, parse_action_table
from townsquare.governance.models import (
    ActionPlan,
    Breach,
    BreachViewer,
    Policy,
    PolicyVersion,
    Recommendation,
    StrategyPhase,
)
from townsquare.governance.selectors import (
    acknowledgement_summary,
    acknowledgements_waiting_for,
    governance_settings,
    is_monitoring_officer,
    policies_overdue,
    policies_review_due,
    training_overdue,
    training_states,
)
from townsquare.governance.services import (
    action_plan_import,
    breach_save_form,
    breach_viewer_add,
    breach_viewer_remove,
    form_save_audited,
    governance_settings_update,
    policy_acknowledge,
    policy_mark_reviewed,
    policy_version_publish,
    progress_update_add,
    publishing_rights_refusal,
)
from townsquare.web.ids import parse_id
from townsquare.web.uploads import upload_refused


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


def _file(body: bytes | str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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


# --- Policies -------------------------------------------------------------------------------------


@governance_view()
def policies(request: HttpRequest, council: Council) -> HttpResponse:
    items = Policy.objects.filter(council=council).select_related("owner").prefetch_related("versions")
    return render(
        request,
        "governance/policies.html",
        {
            "policies": items,
            "overdue": policies_overdue(council=council),
            "today": timezone.localdate(),
            "can_manage": Perm.MANAGE_GOVERNANCE in perms_for(request),
        },
    )


@governance_view(MANAGE)
def policy_edit(request: HttpRequest, council: Council, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(Policy, council=council, pk=pk) if pk else None
    form = f.PolicyForm(request.POST or None, instance=instance, council=council)
    if request.method == "POST" and form.is_valid():
        policy = form_save_audited(actor=request.user, form=form, council=council, action="policy")  # type: ignore[arg-type]
        messages.success(request, f"{policy.title} saved.")
        return redirect("governance:policy", slug=council.slug, pk=policy.pk)
    back = f"/c/{council.slug}/governance/policies/" + (f"{pk}/" if pk else "")
    return form_page(request, form, f"Change {instance.title}" if instance else "Add a policy", back)


@governance_view()
def policy_detail(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    policy = get_object_or_404(Policy.objects.select_related("owner"), council=council, pk=pk)
    current = policy.current_version
    perms = perms_for(request)
    mine = current.acknowledgements.filter(user=request.user).first() if current else None  # type: ignore[misc]
    return render(
        request,
        "governance/policy.html",
        {
            "policy": policy,
            "current": current,
            "versions": policy.versions.all(),
            "mine": mine,
            "summary": acknowledgement_summary(version=current) if current and READ_REGISTERS & perms else None,
            "can_manage": Perm.MANAGE_GOVERNANCE in perms,
            "today": timezone.localdate(),
            "sections": current.sections.all() if current else [],
        },
    )


@governance_view(MANAGE)
def policy_publish(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    policy = get_object_or_404(Policy, council=council, pk=pk)
    form = f.PolicyVersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = policy_version_publish(
                actor=request.user,  # type: ignore[arg-type]
                policy=policy,
                number=data["number"],
                approved_by=data["approved_by"],  # type: ignore[arg-type]
                approved_on=data["approved_on"],
                summary=data["summary"],
                document_url=data["document_url"],
                sections=form.sections(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            asked = version.acknowledgements.count()
            messages.success(
                request,
                f"Version {version.number} published. {asked} "
                f"{'person was' if asked == 1 else 'people were'} asked to acknowledge it.",
            )
            return redirect("governance:policy", slug=council.slug, pk=policy.pk)
    return form_page(
        request,
        form,
        f"Publish a new version of {policy.title}",
        back=f"/c/{council.slug}/governance/policies/{policy.pk}/",
        button="Publish",
        intro=f"Everyone in its audience ({policy.get_audience_display().lower()}) will be asked to "
        "acknowledge it, and the next review will be due one review interval after approval.",
    )


@governance_view(MANAGE)
def policy_reviewed(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    policy = get_object_or_404(Policy, council=council, pk=pk)
    form = f.ReviewedForm(request.POST or None, initial={"reviewed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        policy_mark_reviewed(
            actor=request.user,  # type: ignore[arg-type]
            policy=policy,
            reviewed_on=form.cleaned_data["reviewed_on"],  # type: ignore[arg-type]
            note=form.cleaned_data["note"],
        )
        messages.success(request, f"Review recorded. The next review is due on {policy.next_review_on:%d %B %Y}.")
        return redirect("governance:policy", slug=council.slug, pk=policy.pk)
    return form_page(
        request,
        form,
        f"Record a review of {policy.title} without changes",
        back=f"/c/{council.slug}/governance/policies/{policy.pk}/",
        button="Record review",
    )


@require_POST
@governance_view()
def policy_acknowledge_view(request: HttpRequest, council: Council, pk: int, version_pk: int) -> HttpResponse:
    version = get_object_or_404(PolicyVersion, policy__council=council, policy_id=pk, pk=version_pk)
    try:
        policy_acknowledge(actor=request.user, version=version)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"You have acknowledged {version.policy.title} version {version.number}.")
    return redirect("governance:policy", slug=council.slug, pk=pk)


# --- Recommendations and action plans -------------------------------------------------------------


@governance_view(READ_TRACKERS)
def plans(request: HttpRequest, council: Council) -> HttpResponse:
    items = ActionPlan.objects.filter(council=council).prefetch_related("recommendations")
    return render(
        request, "governance/plans.html", {"plans": items, "can_manage": Perm.MANAGE_GOVERNANCE in perms_for(request)}
    )


@governance_view(MANAGE)
def plan_new(request: HttpRequest, council: Council) -> HttpResponse:
    form = f.ActionPlanForm(request.POST or None, council=council)
    if request.method == "POST" and form.is_valid():
        form.instance.created_by = request.user
        plan = form_save_audited(actor=request.user, form=form, council=council, action="action_plan")  # type: ignore[arg-type]
        return redirect("governance:plan", slug=council.slug, pk=plan.pk)
    return form_page(request, form, "Add an action plan", back=f"/c/{council.slug}/governance/actions/")


@governance_view(MANAGE)
def plan_import(request: HttpRequest, council: Council) -> HttpResponse:
    """Paste or upload a committee table; the parsed rows are shown, and saved only when confirmed."""
    posted = request.method == "POST"  # a file alone (nothing typed) still binds the form
    form = f.ImportForm(
        request.POST if posted else None, request.FILES if posted else None, refused=upload_refused(request, "file")
    )
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            table = parse_action_table(data["text"], start=data["meeting_on"])
        except ImportProblem as problem:
            form.add_error("text", str(problem))
        else:
            title = data["title"] or table.title
            if request.POST.get("confirm") == "yes":
                try:
                    saved = action_plan_import(
                        actor=request.user,  # type: ignore[arg-type]
                        council=council,
                        table=table,
                        title=title,  # type: ignore[arg-type]
                        source_body=data["source_body"],
                        meeting_on=data["meeting_on"] or table.meeting_on,
                    )
                except ValidationError as error:
                    add_service_error(form, error)
                else:
                    if isinstance(saved, ActionPlan):
                        messages.success(request, f"Imported {len(table.rows)} recommendations.")
                        return redirect("governance:plan", slug=council.slug, pk=saved.pk)
                    messages.success(request, f"Imported {len(saved)} phases into the strategy timetable.")
                    return redirect("governance:strategy", slug=council.slug)
            context.update(
                {
                    "table": table,
                    "title": title,
                    "text": data["text"],
                    "meeting_on": data["meeting_on"] or table.meeting_on,
                }
            )
    return render(request, "governance/import.html", context)


@governance_view(READ_TRACKERS)
def plan_detail(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    plan = get_object_or_404(ActionPlan, council=council, pk=pk)
    fmt = request.GET.get("format", "")
    stem = f"{council.slug}-action-plan-{plan.pk}"
    if fmt == "csv":
        return _file(exports.plan_csv(plan), f"{stem}.csv", "text/csv; charset=utf-8")
    if fmt == "pdf":
        return _file(exports.plan_pdf(plan), f"{stem}.pdf", "application/pdf")
    recs = plan.recommendations.prefetch_related("updates")
    return render(
        request,
        "governance/plan.html",
        {
            "plan": plan,
            "recommendations": recs,
            "can_manage": Perm.MANAGE_GOVERNANCE in perms_for(request),
            "today": timezone.localdate(),
            "print": fmt == "print",
        },
    )


@governance_view(MANAGE)
def recommendation_edit(request: HttpRequest, council: Council, plan_pk: int, pk: int | None = None) -> HttpResponse:
    plan = get_object_or_404(ActionPlan, council=council, pk=plan_pk)
    instance = (
        get_object_or_404(Recommendation, plan=plan, pk=pk)
        if pk
        else Recommendation(plan=plan, order=plan.recommendations.count())
    )
    form = f.RecommendationForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form_save_audited(actor=request.user, form=form, council=council, action="recommendation")  # type: ignore[arg-type]
        messages.success(request, "Recommendation saved.")
        return redirect("governance:plan", slug=council.slug, pk=plan.pk)
    return form_page(
        request,
        form,
        "Change the recommendation" if pk else "Add a recommendation",
        back=f"/c/{council.slug}/governance/actions/{plan.pk}/",
    )


@governance_view(MANAGE)
def recommendation_progress(request: HttpRequest, council: Council, plan_pk: int, pk: int) -> HttpResponse:
    rec = get_object_or_404(Recommendation, plan__council=council, plan_id=plan_pk, pk=pk)
    form = f.ProgressForm(
        request.POST or None,
        initial={"on": timezone.localdate(), "status": rec.status, "delayed_until": rec.delayed_until},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            progress_update_add(
                actor=request.user,  # type: ignore[arg-type]
                recommendation=rec,
                on=d["on"],
                text=d["text"],
                status=d["status"],  # type: ignore[arg-type]
                delayed_until=d["delayed_until"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Progress recorded for {rec}.")
            return redirect("governance:plan", slug=council.slug, pk=plan_pk)
    return form_page(
        request, form, f"Progress on {rec}", back=f"/c/{council.slug}/governance/actions/{plan_pk}/", intro=rec.text
    )


# --- Strategy timetable ---------------------------------------------------------------------------


@governance_view(READ_TRACKERS)
def strategy(request: HttpRequest, council: Council) -> HttpResponse:
    phases = StrategyPhase.objects.filter(council=council).select_related("strategy")
    if request.GET.get("format") == "csv":
        return _file(exports.phases_csv(phases), f"{council.slug}-strategy-timetable.csv", "text/csv; charset=utf-8")
    return render(
        request,
        "governance/strategy.html",
        {"phases": phases, "today": timezone.localdate(), "can_manage": Perm.MANAGE_GOVERNANCE in perms_for(request)},
    )


@governance_view(MANAGE)
def phase_edit(request: HttpRequest, council: Council, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(StrategyPhase, council=council, pk=pk) if pk else None
    form = f.StrategyPhaseForm(request.POST or None, instance=instance, council=council)
    if request.method == "POST" and form.is_valid():
        form_save_audited(actor=request.user, form=form, council=council, action="strategy_phase")  # type: ignore[arg-type]
        messages.success(request, "Phase saved.")
        return redirect("governance:strategy", slug=council.slug)
    return form_page(
        request, form, "Change the phase" if pk else "Add a phase", back=f"/c/{council.slug}/governance/strategy/"
    )


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
