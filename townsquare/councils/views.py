"""People and roles, and the council's settings (administrators only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from townsquare.accounts.models import User
from townsquare.councils.access import council_view
from townsquare.councils.forms import CouncilSettingsForm, GrantRoleForm
from townsquare.councils.models import Council, Membership
from townsquare.councils.roles import Perm, Role
from townsquare.councils.services import council_update, membership_grant, membership_revoke


@council_view(Perm.MANAGE_PEOPLE)
def people(request: HttpRequest, council: Council) -> HttpResponse:
    form = GrantRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        with transaction.atomic():
            user = User.objects.filter(email__iexact=email).first() or User.objects.create_user(
                email, full_name=form.cleaned_data["full_name"]
            )
            membership_grant(actor=request.user, council=council, user=user, role=form.cleaned_data["role"])  # type: ignore[arg-type]
        messages.success(
            request, f"{user.display_name} is now {Role(form.cleaned_data['role']).label.lower()} at {council.name}."
        )
        return redirect("councils:people", slug=council.slug)
    memberships = Membership.objects.filter(council=council).select_related("user").order_by("user__full_name", "role")
    return render(request, "councils/people.html", {"form": form, "memberships": memberships})


@require_POST
@council_view(Perm.MANAGE_PEOPLE)
def revoke(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership, council=council, pk=pk)
    try:
        membership_revoke(actor=request.user, membership=membership)  # type: ignore[arg-type]
        messages.success(
            request, f"Removed the role {membership.get_role_display()} from {membership.user.display_name}."
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("councils:people", slug=council.slug)


@council_view(Perm.MANAGE_SETTINGS)
def council_settings(request: HttpRequest, council: Council) -> HttpResponse:
    form = CouncilSettingsForm(request.POST or None, instance=Council.objects.get(pk=council.pk))
    if request.method == "POST" and form.is_valid():
        council_update(actor=request.user, council=council, changes=form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, "Settings saved.")
        return redirect("councils:settings", slug=council.slug)
    return render(request, "councils/settings.html", {"form": form})
