"""Policy pages: the rules, elections, emergency overrides and "try a draft"."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from townsquare.channels.models import Channel
from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.policy.catalogue import RULES_BY_ID, ListKind
from townsquare.policy.forms import (
    ChannelAreaForm,
    ElectionForm,
    OverrideForm,
    ReferendumForm,
    RuleForm,
    TryDraftForm,
)
from townsquare.policy.models import Election, Referendum
from townsquare.policy.selectors import (
    can_manage_policy,
    channel_areas_of,
    elections_of,
    highlighted,
    overrides_of,
    referendums_of,
    rule_rows,
    words_of,
)
from townsquare.policy.services import (
    channel_area_update,
    check_draft,
    election_delete,
    election_save,
    election_window_for,
    election_windows_for,
    emergency_override_record,
    referendum_delete,
    referendum_periods_for,
    referendum_save,
    rule_configure,
)


def _periods(council: Council) -> dict[str, object]:
    """The running pre-election and referendum periods, for the warning on the policy pages."""
    return {
        "window": election_window_for(council),
        "windows": election_windows_for(council),
        "periods": referendum_periods_for(council),
    }


def _require_manager(request: HttpRequest) -> None:
    if not can_manage_policy(request.council_perms):  # type: ignore[attr-defined]
        raise PermissionDenied("Only communications officers and administrators change policy rules.")


@council_view(Perm.VIEW_COUNCIL)
def rules(request: HttpRequest, council: Council) -> HttpResponse:
    return render(
        request,
        "policy/rules.html",
        {
            "rows": rule_rows(council=council),
            "can_manage": can_manage_policy(request.council_perms),  # type: ignore[attr-defined]
            **_periods(council),
        },
    )


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
                actor=request.user,  # type: ignore[arg-type]
                council=council,
                rule=rule.id,  # type: ignore[arg-type]
                enabled=form.cleaned_data["enabled"],
                severity=form.cleaned_data["severity"],
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
    return render(
        request,
        "policy/elections.html",
        {
            "elections": elections_of(council=council),
            **_periods(council),
            "can_manage": can_manage_policy(request.council_perms),  # type: ignore[attr-defined]
        },
    )


@council_view(Perm.VIEW_COUNCIL)
def election_edit(request: HttpRequest, council: Council, pk: int | None = None) -> HttpResponse:
    _require_manager(request)
    election = get_object_or_404(Election, council=council, pk=pk) if pk else None
    form = ElectionForm(request.POST or None, instance=election)
    if request.method == "POST" and form.is_valid():
        try:
            saved = election_save(
                actor=request.user,  # type: ignore[arg-type]
                council=council,
                election=election,  # type: ignore[arg-type]
                data=form.cleaned_data,
            )
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
def referendums(request: HttpRequest, council: Council) -> HttpResponse:
    return render(
        request,
        "policy/referendums.html",
        {
            "referendums": referendums_of(council=council),
            **_periods(council),
            "issue_words": words_of(council=council, kind=ListKind.REFERENDUM_ISSUE),
            "can_manage": can_manage_policy(request.council_perms),  # type: ignore[attr-defined]
        },
    )


@council_view(Perm.VIEW_COUNCIL)
def referendum_edit(request: HttpRequest, council: Council, pk: int | None = None) -> HttpResponse:
    _require_manager(request)
    referendum = get_object_or_404(Referendum, council=council, pk=pk) if pk else None
    form = ReferendumForm(request.POST or None, instance=referendum)
    if request.method == "POST" and form.is_valid():
        try:
            referendum_save(
                actor=request.user,  # type: ignore[arg-type]
                council=council,
                referendum=referendum,  # type: ignore[arg-type]
                data=form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Referendum saved.")
            return redirect("policy:referendums", slug=council.slug)
    return render(request, "policy/referendum_edit.html", {"form": form, "referendum": referendum})


@require_POST
@council_view(Perm.VIEW_COUNCIL)
def referendum_remove(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    _require_manager(request)
    referendum = get_object_or_404(Referendum, council=council, pk=pk)
    referendum_delete(actor=request.user, council=council, referendum=referendum)  # type: ignore[arg-type]
    messages.success(request, "Referendum removed.")
    return redirect("policy:referendums", slug=council.slug)


@council_view(Perm.VIEW_COUNCIL)
def channel_areas(request: HttpRequest, council: Council) -> HttpResponse:
    return render(
        request,
        "policy/channel_areas.html",
        {
            "rows": channel_areas_of(council=council),
            "can_manage": can_manage_policy(request.council_perms),  # type: ignore[attr-defined]
        },
    )


@council_view(Perm.VIEW_COUNCIL)
def channel_area_edit(request: HttpRequest, council: Council, channel_pk: int) -> HttpResponse:
    _require_manager(request)
    channel = get_object_or_404(Channel, council=council, pk=channel_pk)
    current = getattr(channel, "policy_area", None)
    form = ChannelAreaForm(request.POST or None, initial={"wards": current.wards if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            channel_area_update(
                actor=request.user,  # type: ignore[arg-type]
                council=council,
                channel=channel,  # type: ignore[arg-type]
                wards=form.cleaned_data["wards"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Wards served by {channel.name} saved.")
            return redirect("policy:channel_areas", slug=council.slug)
    return render(request, "policy/channel_area_edit.html", {"form": form, "channel": channel})


@council_view(Perm.VIEW_COUNCIL)
def overrides(request: HttpRequest, council: Council) -> HttpResponse:
    _require_manager(request)
    form = OverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        emergency_override_record(
            actor=request.user,  # type: ignore[arg-type]
            council=council,  # type: ignore[arg-type]
            draft_ref=form.cleaned_data["draft_ref"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, "Emergency override recorded.")
        return redirect("policy:overrides", slug=council.slug)
    return render(request, "policy/overrides.html", {"form": form, "overrides": overrides_of(council=council)[:200]})


def _try(request: HttpRequest, council: Council) -> dict[str, object]:
    form = TryDraftForm(request.POST or None)
    context: dict[str, object] = {"form": form, "can_manage": can_manage_policy(request.council_perms)}  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"] or ""
        result = check_draft(
            council=council,
            text=text,
            channels=form.cleaned_data["platforms"],
            images=form.images(),
            scheduled_for=form.cleaned_data["scheduled_for"],
            is_reply=form.cleaned_data["is_reply"],
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
