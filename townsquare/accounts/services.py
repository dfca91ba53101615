"""Two-factor devices: adding and removing authenticators, and recovery codes.

Every change is audited in the same transaction and emailed to the person (after the commit), so
that a change they did not make is noticed. The views decide who may ask (a session verified with
an existing device, see ``townsquare.accounts.two_factor``); these functions check it again under
a lock on the person, so two requests racing cannot both add a first device unchallenged.
"""

from __future__ import annotations

import base64
import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from townsquare.accounts.models import User
from townsquare.accounts.two_factor import two_factor_mandatory_for
from townsquare.audit.services import audit_record

RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10  # each 16 characters of base32 (80 random bits), written in groups of four


class TwoFactorRefused(Exception):
    """The change is not allowed; the message says why, for the person."""


def confirmed_devices(user: User) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"))


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def device_pending(user: User) -> TOTPDevice:
    """The authenticator being set up (not usable until a code from it is entered)."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": "Authenticator app"})
    return device


def _tell(user: User, subject: str, what: str) -> None:
    when = timezone.localtime().strftime("%-d %B %Y at %H:%M")
    body = (
        f"{what} on your Townsquare account ({user.email}) on {when}.\n\n"
        "If this was you, there is nothing to do. If it was not, sign in, remove the authenticator "
        "under Your account > Two-factor sign-in, change your password and tell your council's "
        "Townsquare administrator.\n"
    )
    transaction.on_commit(lambda: send_mail(f"Townsquare: {subject}", body, settings.DEFAULT_FROM_EMAIL, [user.email]))


def _lock(user: User, *, verified_with: int | None) -> None:
    """Hold the person's row and refuse if they have a device this session did not verify with."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists() or recovery_codes_left(user) > 0
    if has_device and verified_with is None:
        raise TwoFactorRefused("Enter a code from your authenticator app (or a recovery code) first.")


def _new_recovery_codes(user: User) -> list[str]:
    # The same device keeps its id, so a session verified with an old recovery code stays verified.
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [base64.b32encode(secrets.token_bytes(10)).decode().lower() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def device_confirm(*, user: User, device: TOTPDevice, code: str, verified_with: int | None) -> list[str] | None:
    """Turn a pending authenticator on if ``code`` is right; returns new recovery codes for a first device.

    Returns ``None`` when the code is wrong. ``verified_with`` is the device this session entered a
    code from (``None`` if none): a person who already has a device must have used it.
    """
    with transaction.atomic():
        _lock(user, verified_with=verified_with)
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
        if not device.verify_token(code):
            return None
        existing = TOTPDevice.objects.filter(user=user, confirmed=True).count()
        first = existing == 0
        device.confirmed = True
        device.name = "Authenticator app" if first else f"Authenticator app {existing + 1}"
        device.save(update_fields=["confirmed", "name"])
        codes = _new_recovery_codes(user) if first or recovery_codes_left(user) == 0 else []
        audit_record(
            actor=user,
            council=None,
            action="two_factor.enabled",
            obj=user,
            after={"device": device.name, "device_id": device.pk, "recovery_codes_made": bool(codes)},
        )
        _tell(user, "an authenticator was added", f"An authenticator app ({device.name}) was added")
    return codes


def device_remove(*, user: User, device_id: int, verified_with: int | None) -> TOTPDevice:
    with transaction.atomic():
        _lock(user, verified_with=verified_with)
        device = TOTPDevice.objects.filter(user=user, confirmed=True, pk=device_id).first()
        if device is None:
            raise TwoFactorRefused("That authenticator is not on your account.")
        others = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk)
        if not others.exists() and two_factor_mandatory_for(user):
            raise TwoFactorRefused(
                "Your council requires two-factor sign-in: add another authenticator before removing this one."
            )
        device.delete()
        if not others.exists():
            StaticDevice.objects.filter(user=user).delete()  # no authenticator left: two-factor is off
        audit_record(
            actor=user,
            council=None,
            action="two_factor.removed",
            obj=user,
            before={"device": device.name, "device_id": device_id},
            after={"devices_left": others.count()},
        )
        _tell(user, "an authenticator was removed", f"An authenticator app ({device.name}) was removed")
    return device


def recovery_codes_renew(*, user: User, verified_with: int | None) -> list[str]:
    with transaction.atomic():
        _lock(user, verified_with=verified_with)
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise TwoFactorRefused("Set up an authenticator app first.")
        codes = _new_recovery_codes(user)
        audit_record(
            actor=user, council=None, action="two_factor.recovery_codes_renewed", obj=user, after={"codes": len(codes)}
        )
        _tell(user, "new recovery codes", "New recovery codes were made (the old ones no longer work)")
    return codes
