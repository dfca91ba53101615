"""Signing in as a person would, with their authenticator."""

from __future__ import annotations

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.foundation.test_sign_in import _code, _sign_in
from townsquare.accounts.models import User


def verified_client(person: User) -> tuple[Client, TOTPDevice]:
    """A client signed in with the password and a code from a new authenticator of ``person``'s."""
    device = TOTPDevice.objects.create(user=person, name="Authenticator app", confirmed=True)
    client = Client()
    _sign_in(client, person.email)
    assert client.post("/sign-in/code/", {"code": _code(device), "next": "/"}).status_code == 302
    return client, device
