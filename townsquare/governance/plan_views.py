"""Pages of the trackers: recommendations and action plans (with import and exports), the strategy timetable."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.governance import exports
from townsquare.governance import forms as f
from townsquare.governance.access import MANAGE, READ_TRACKERS, governance_view
from townsquare.governance.importing import ImportProblem, parse_action_table
from townsquare.governance.models import ActionPlan, Recommendation, StrategyPhase
from townsquare.governance.services import action_plan_import, form_save_audited, progress_update_add
from townsquare.governance.views import add_service_error, form_page, perms_for
from townsquare.web.uploads import upload_refused


def _file(body: bytes | str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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
