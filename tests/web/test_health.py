"""Anonymous /healthz says only ok or not ok; the details go to an operator token or a verified administrator."""

from __future__ import annotations

from types import SimpleNamespace

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.helpers import verified_client
from tests.foundation.test_sign_in import _sign_in
from townsquare.jobs.schedule import scheduler_tick
from townsquare.jobs.services import jobs_run_due

TOKEN = "operator-monitoring-token-0123456789"


def test_anonymous_healthz_says_only_ok_or_not_ok(db: None) -> None:
    degraded = Client().get("/healthz")
    assert degraded.status_code == 200 and degraded.json() == {"status": "not ok"}
    scheduler_tick(name="sched")
    jobs_run_due(worker="worker-1")
    assert Client().get("/healthz").json() == {"status": "ok"}


def test_details_need_the_operator_token(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TOWNSQUARE_HEALTHZ_TOKEN = TOKEN
    assert Client(HTTP_AUTHORIZATION="Bearer wrong").get("/healthz").json() == {"status": "not ok"}
    body = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}").get("/healthz").json()
    assert body["worker"]["status"] == "down" and body["database"]["engine"]
    settings.TOWNSQUARE_HEALTHZ_TOKEN = ""  # no token configured: none is accepted
    assert Client(HTTP_AUTHORIZATION="Bearer ").get("/healthz").json() == {"status": "not ok"}


def test_details_go_to_an_administrator_whose_session_passed_two_factor(people: SimpleNamespace, client_for) -> None:  # type: ignore[no-untyped-def]
    assert "worker" in client_for(people.admin).get("/healthz").json()  # no device, no mandate: as for pages
    assert client_for(people.comms).get("/healthz").json() == {"status": "not ok"}  # not an administrator
    TOTPDevice.objects.create(user=people.admin, name="Authenticator app", confirmed=True)
    password_only = Client()
    _sign_in(password_only, "admin@riverside.example")
    assert password_only.get("/healthz").json() == {"status": "not ok"}
    TOTPDevice.objects.filter(user=people.admin).delete()
    client, _ = verified_client(people.admin)
    assert "scheduler" in client.get("/healthz").json()
