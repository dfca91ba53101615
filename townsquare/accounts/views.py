"""Signing in and out, two-factor codes and authenticator set-up."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device

from townsquare.accounts.forms import SignInForm, VerifyForm
from townsquare.accounts.two_factor import session_verified
from townsquare.accounts.utils import request_user
from townsquare.web.ids import parse_id


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_next_url(request))
    form = SignInForm(request, data=request.POST or None)
    if request.GET.get("sso") == "failed":
        form.add_error(
            None,
            "Single sign-on could not sign you in: your council account has no Townsquare account. "
            "Ask your council's Townsquare administrator to add you.",
        )
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if user_has_device(user):
            return redirect(f"/sign-in/code/?next={quote(_next_url(request))}")
        return redirect(_next_url(request))
    return render(
        request,
        "accounts/sign_in.html",
        {
            "form": form,
            "next": _next_url(request),
            "oidc_enabled": settings.OIDC_ENABLED,
            "oidc_provider": settings.OIDC_PROVIDER_NAME,
        },
    )


def locked_out(
    request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


@login_required
def enter_code(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Any confirmed device of the person's: an authenticator, or a recovery code (used up once used)
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()  # the session just gained a factor: a new key, as at sign-in
            return redirect(_next_url(request))
        form.add_error("code", "That code is wrong or has expired. Enter the code your app shows now.")
    return render(request, "accounts/enter_code.html", {"form": form, "next": _next_url(request)})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:sign_in")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Your roles, your two-factor status and your API tokens."""
    from townsquare.api.models import ApiToken
    from townsquare.api.services import token_issue, token_revoke
    from townsquare.councils.models import Membership

    user = request_user(request)
    new_key = ""
    if request.method == "POST":
        if "revoke" in request.POST:
            revoke = parse_id(request.POST["revoke"])  # "²" passes isdigit() and breaks int()
            token = ApiToken.objects.filter(user=user, pk=revoke or 0, revoked_at__isnull=True).first()
            if token is not None:
                token_revoke(token=token, actor=request.user)  # type: ignore[arg-type]
        elif not session_verified(request):
            # A token skips two-factor from then on, so only a session that passed it makes one.
            messages.error(
                request,
                "Sign in with two-factor before creating an API token: "
                "set up an authenticator app, or enter a code from yours.",
            )
            return redirect("accounts:account")
        else:
            name = (request.POST.get("name") or "API token").strip()[:120]
            _, new_key = token_issue(user=request.user, name=name)  # type: ignore[arg-type]
    return render(
        request,
        "accounts/account.html",
        {
            "memberships": Membership.objects.filter(user=user).select_related("council"),
            "tokens": ApiToken.objects.filter(user=user),
            "new_key": new_key,
            "has_device": user_has_device(request.user),
            "may_create_token": session_verified(request),
        },
    )
