"""Policy pages: the rules, elections, emergency overrides and "try a draft"."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.policy.catalogue import RULES_BY_ID
from townsquare.policy.forms import ElectionForm, OverrideForm, RuleForm, TryDraftForm
from townsquare.policy.models import Election
from townsquare.policy.selectors import can_manage_policy, elections_of, highlighted, overrides_of, rule_rows
from townsquare.policy.services import (
    check_draft,
    election_delete,
    election_save,
    election_window_for,
    emergency_override_record,
    rule_configure,
)


def _require_manager(request: HttpRequest) -> None:
    if not can_manage_policy(request.council_perms):  # type: ignore[attr-defined]
        raise PermissionDenied("Only communications officers and administrators change policy rules.")


@council_view(Perm.VIEW_COUNCIL)
def rules(request: HttpRequest, council: Council) -> HttpResponse:
    return render(request, "policy/rules.html", {
        "rows": rule_rows(council=council), "can_manage": can_manage_policy(request.council_perms),  # type: ignore[attr-defined]
        "window": election_window_for(council),
    })


@council_view(Perm.VIEW_COUNCIL)
def rule_edit(request: HttpRequest, council: Council, rule_id: str) -> HttpResponse:
    _require_manager(request)
    rule = RULES_BY_ID.get(rule_id)
    if rule is None:
        raise Http404("No such rule")
    row = next(r for r in rule_rows(council=council) if r.rule.id == rule_id)
    initial: dict[str, object] = {"enabled": row.enabled, "severity": row.severity}
    initial.update({f"list_{kind}": "\n".join(words) for kind, _, words in row.lists})
    form = RuleForm(request.POST or None, initial=initial, rule=rule)
    if request.method == "POST" and form.is_valid():
        try:
            rule_configure(
                actor=request.user, council=council, rule=rule.id,  # type: ignore[arg-type]
                enabled=form.cleaned_data["enabled"], severity=form.cleaned_data["severity"],
                lists={kind: form.cleaned_data.get(f"list_{kind}") or "" for kind in rule.lists},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{rule.id} saved.")
            return redirect("policy:rules", slug=council.slug)
    return render(request, "policy/rule_edit.html", {"form": form, "rule": rule})


@council_view(Perm.VIEW_COUNCIL)
def elections(request: HttpRequest, council: Council) -> HttpResponse:
    return render(request, "policy/elections.html", {
        "elections": elections_of(council=council), "window": election_window_for(council),
        "can_manage": can_manage_policy(request.council_perms),  # type: ignore[attr-defined]
    })


@council_view(Perm.VIEW_COUNCIL)
def election_edit(request: HttpRequest, council: Council, pk: int | None = None) -> HttpResponse:
    _require_manager(request)
    election = get_object_or_404(Election, council=council, pk=pk) if pk else None
    form = ElectionForm(request.POST or None, instance=election)
    if request.method == "POST" and form.is_valid():
        try:
            saved = election_save(actor=request.user, council=council, election=election,  # type: ignore[arg-type]
                                  data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{saved.title} saved.")
            return redirect("policy:elections", slug=council.slug)
    return render(request, "policy/election_edit.html", {"form": form, "election": election})


@require_POST
@council_view(Perm.VIEW_COUNCIL)
def election_remove(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    _require_manager(request)
    election = get_object_or_404(Election, council=council, pk=pk)
    election_delete(actor=request.user, council=council, election=election)  # type: ignore[arg-type]
    messages.success(request, f"{election.title} removed.")
    return redirect("policy:elections", slug=council.slug)


@council_view(Perm.VIEW_COUNCIL)
def overrides(request: HttpRequest, council: Council) -> HttpResponse:
    _require_manager(request)
    form = OverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        emergency_override_record(actor=request.user, council=council,  # type: ignore[arg-type]
                                  draft_ref=form.cleaned_data["draft_ref"], reason=form.cleaned_data["reason"])
        messages.success(request, "Emergency override recorded.")
        return redirect("policy:overrides", slug=council.slug)
    return render(request, "policy/overrides.html", {"form": form, "overrides": overrides_of(council=council)[:200]})


def _try(request: HttpRequest, council: Council) -> dict[str, object]:
    form = TryDraftForm(request.POST or None)
    context: dict[str, object] = {"form": form, "can_manage": can_manage_policy(request.council_perms)}  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"] or ""
        result = check_draft(
            council=council, text=text, channels=form.cleaned_data["platforms"], images=form.images(),
            scheduled_for=form.cleaned_data["scheduled_for"], is_reply=form.cleaned_data["is_reply"],
        )
        context.update({"result": result, "marked": highlighted(text, result.findings), "checked": True})
    return context


@council_view(Perm.VIEW_COUNCIL)
def try_draft(request: HttpRequest, council: Council) -> HttpResponse:
    return render(request, "policy/try.html", _try(request, council))


@require_POST
@council_view(Perm.VIEW_COUNCIL)
def try_draft_partial(request: HttpRequest, council: Council) -> HttpResponse:
    """The findings alone, for live checking as someone types (HTMX)."""
    return render(request, "policy/_findings.html", _try(request, council))
