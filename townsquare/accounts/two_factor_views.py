"""Your two-factor devices: set up the first authenticator, add or remove one, make recovery codes.

A person who already has a device must have entered a code from it (or a recovery code) in this
session before anything here is shown or changed, on GET and POST alike: a password alone never
reaches a secret or changes a device.
"""

from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_otp import login as otp_login
from django_otp import user_has_device

from townsquare.accounts import services
from townsquare.accounts.forms import CodeForm
from townsquare.accounts.two_factor import code_verified
from townsquare.accounts.utils import request_user

SETUP_PATH = "/account/two-factor/"


def _verified_with(request: HttpRequest) -> int | None:
    device = getattr(request.user, "otp_device", None)
    return device.pk if device is not None and code_verified(request) else None


def _setup_page(request: HttpRequest, form: CodeForm, adding: bool) -> HttpResponse:
    device = services.device_pending(request_user(request))
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, title="QR code to scan with your app")
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request, "accounts/two_factor_setup.html", {"form": form, "qr_svg": qr_svg, "secret": secret, "adding": adding}
    )


def _manage_page(request: HttpRequest, codes: list[str] | None = None) -> HttpResponse:
    user = request_user(request)
    return render(
        request,
        "accounts/two_factor_manage.html",
        {
            "devices": services.confirmed_devices(user),
            "codes_left": services.recovery_codes_left(user),
            "new_codes": codes or [],
        },
    )


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    has_device = user_has_device(user)
    if has_device and not code_verified(request):
        return redirect(f"/sign-in/code/?next={SETUP_PATH}")
    action = request.POST.get("action", "confirm") if request.method == "POST" else ""
    try:
        if action == "remove":
            device_id = request.POST.get("device", "")
            removed = services.device_remove(
                user=user, device_id=int(device_id) if device_id.isdigit() else 0, verified_with=_verified_with(request)
            )
            messages.success(request, f"{removed.name} was removed.")
            return redirect(SETUP_PATH if user_has_device(user) else "accounts:account")
        if action == "recovery":
            return _manage_page(
                request, services.recovery_codes_renew(user=user, verified_with=_verified_with(request))
            )
        if action == "confirm":
            return _confirm(request)
    except services.TwoFactorRefused as refused:
        messages.error(request, str(refused))
        return redirect(SETUP_PATH)
    if has_device and request.GET.get("add") != "1":
        return _manage_page(request)
    return _setup_page(request, CodeForm(), adding=has_device)


def _confirm(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    adding = user_has_device(user)
    form = CodeForm(request.POST)
    if form.is_valid():
        device = services.device_pending(user)
        codes = services.device_confirm(
            user=user, device=device, code=form.cleaned_data["code"], verified_with=_verified_with(request)
        )
        if codes is not None:
            device.refresh_from_db()
            if not adding:
                otp_login(request, device)  # the first device: proving it is the person's second factor
                request.session.cycle_key()
            return render(request, "accounts/two_factor_done.html", {"new_codes": codes, "adding": adding})
        form.add_error("code", "That code does not match. Check the time on your phone and try the new code.")
    return _setup_page(request, form, adding=adding)
