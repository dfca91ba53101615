"""Pages of the policy register: the policies, their versions, publishing, reviews and acknowledgements."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.governance import forms as f
from townsquare.governance.access import MANAGE, READ_REGISTERS, governance_view
from townsquare.governance.models import Policy, PolicyVersion
from townsquare.governance.policy_services import policy_acknowledge, policy_mark_reviewed, policy_version_publish
from townsquare.governance.selectors import acknowledgement_summary, policies_overdue
from townsquare.governance.services import form_save_audited
from townsquare.governance.views import add_service_error, form_page, perms_for

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
