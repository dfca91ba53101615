"""Two-factor devices: a password alone never adds, removes or shows one (issue 9, item 1)."""

from __future__ import annotations

from types import SimpleNamespace

from django.core import mail
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.helpers import verified_client as _verified_client
from tests.foundation.test_sign_in import _code, _sign_in
from townsquare.audit.models import AuditEvent
from townsquare.councils.models import Council

SETUP = "/account/two-factor/"


def test_password_only_session_cannot_enrol_a_second_authenticator(people: SimpleNamespace) -> None:
    TOTPDevice.objects.create(user=people.comms, name="Authenticator app", confirmed=True)
    attacker = Client()
    _sign_in(attacker, "comms@riverside.example")  # the password, not the phone
    shown = attacker.get(SETUP)
    assert shown.status_code == 302 and shown["Location"].startswith("/sign-in/code/")
    # the attacker's own authenticator, made pending by whatever means, and its right code
    pending = TOTPDevice.objects.create(user=people.comms, name="attacker", confirmed=False)
    posted = attacker.post(SETUP, {"action": "confirm", "code": _code(pending)})
    assert posted.status_code == 302 and posted["Location"].startswith("/sign-in/code/")
    assert "secret" not in posted.content.decode().lower()
    assert TOTPDevice.objects.filter(user=people.comms, confirmed=True).count() == 1
    assert attacker.get("/c/riverside/")["Location"].startswith("/sign-in/code/")  # still not verified
    assert not AuditEvent.objects.filter(action="two_factor.enabled").exists()
    assert mail.outbox == []


def test_password_only_session_cannot_remove_a_device_or_make_recovery_codes(people: SimpleNamespace) -> None:
    device = TOTPDevice.objects.create(user=people.comms, name="Authenticator app", confirmed=True)
    attacker = Client()
    _sign_in(attacker, "comms@riverside.example")
    attacker.post(SETUP, {"action": "remove", "device": device.pk})
    attacker.post(SETUP, {"action": "recovery"})
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    assert not StaticToken.objects.filter(device__user=people.comms).exists()


def test_a_verified_session_adds_an_authenticator_audited_and_emailed(
    people: SimpleNamespace, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client, _ = _verified_client(people.comms)
    page = client.get(SETUP).content.decode()
    assert "Your authenticators" in page and "Add another authenticator" in page
    assert "<svg" in client.get(SETUP + "?add=1").content.decode()
    pending = TOTPDevice.objects.get(user=people.comms, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(SETUP, {"action": "confirm", "code": _code(pending)})
    assert "Authenticator added" in done.content.decode()
    assert TOTPDevice.objects.filter(user=people.comms, confirmed=True).count() == 2
    event = AuditEvent.objects.get(action="two_factor.enabled")
    assert event.actor_id == people.comms.pk
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["comms@riverside.example"]
    assert "authenticator was added" in mail.outbox[0].subject


def test_a_verified_session_removes_a_device_audited_and_emailed(
    people: SimpleNamespace, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client, device = _verified_client(people.comms)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SETUP, {"action": "remove", "device": device.pk})
    assert not TOTPDevice.objects.filter(user=people.comms, confirmed=True).exists()
    assert AuditEvent.objects.filter(action="two_factor.removed", actor=people.comms).exists()
    assert "authenticator was removed" in mail.outbox[0].subject


def test_the_last_device_stays_where_the_council_requires_two_factor(
    people: SimpleNamespace, riverside: Council
) -> None:
    riverside.require_two_factor = True
    riverside.save()
    client, device = _verified_client(people.comms)
    response = client.post(SETUP, {"action": "remove", "device": device.pk}, follow=True)
    assert "Your council requires two-factor" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_first_set_up_gives_recovery_codes_that_work_once(people: SimpleNamespace) -> None:
    client = Client()
    _sign_in(client, "officer@riverside.example")
    client.get(SETUP)
    pending = TOTPDevice.objects.get(user=people.officer, confirmed=False)
    done = client.post(SETUP, {"action": "confirm", "code": _code(pending)}).content.decode()
    assert "Your recovery codes" in done
    codes = list(StaticToken.objects.filter(device__user=people.officer).values_list("token", flat=True))
    assert len(codes) == 10 and all(f"{c[:4]} {c[4:8]}" in done for c in codes)
    lost_phone = Client()
    _sign_in(lost_phone, "officer@riverside.example")
    spaced = " ".join(codes[0][i : i + 4] for i in range(0, 16, 4)).upper()
    assert lost_phone.post("/sign-in/code/", {"code": spaced, "next": "/c/riverside/"})["Location"] == "/c/riverside/"
    assert lost_phone.get("/c/riverside/").status_code == 200
    again = Client()
    _sign_in(again, "officer@riverside.example")
    assert "wrong or has expired" in again.post("/sign-in/code/", {"code": codes[0]}).content.decode()


def test_a_recovery_code_session_may_replace_a_lost_authenticator(people: SimpleNamespace) -> None:
    client = Client()
    _sign_in(client, "officer@riverside.example")
    client.get(SETUP)
    lost = TOTPDevice.objects.get(user=people.officer, confirmed=False)
    client.post(SETUP, {"action": "confirm", "code": _code(lost)})
    code = StaticToken.objects.filter(device__user=people.officer).first()
    assert code is not None
    recovering = Client()
    _sign_in(recovering, "officer@riverside.example")
    recovering.post("/sign-in/code/", {"code": code.token})
    assert recovering.get(SETUP).status_code == 200
    recovering.get(SETUP + "?add=1")
    new = TOTPDevice.objects.get(user=people.officer, confirmed=False)
    assert "Authenticator added" in recovering.post(SETUP, {"action": "confirm", "code": _code(new)}).content.decode()
    recovering.post(SETUP, {"action": "remove", "device": lost.pk})
    assert list(TOTPDevice.objects.filter(user=people.officer, confirmed=True)) == [new]


def test_entering_a_code_gives_the_session_a_new_key(people: SimpleNamespace) -> None:
    device = TOTPDevice.objects.create(user=people.comms, name="Authenticator app", confirmed=True)
    client = Client()
    _sign_in(client, "comms@riverside.example")
    password_only_key = client.cookies["sessionid"].value
    client.post("/sign-in/code/", {"code": _code(device), "next": "/c/riverside/"})
    assert client.cookies["sessionid"].value != password_only_key
    stolen = Client()
    stolen.cookies["sessionid"] = password_only_key  # a key seen before the code was entered
    assert stolen.get("/c/riverside/").status_code == 302
