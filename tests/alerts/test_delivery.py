"""Alerts reach email, Microsoft Teams (an Adaptive Card) and signed webhooks; failures are retried with
each attempt recorded and no secret anywhere but where it is needed."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from townsquare.alerts.models import Attempt, Delivery, Destination
from townsquare.alerts.services import alert_raise, destination_add
from townsquare.audit.models import AuditEvent
from townsquare.jobs.models import Job
from townsquare.jobs.services import job_claim_next, job_run

SECRET = "a-shared-secret-of-some-length"


def run_jobs() -> int:
    """Run every due delivery job once, as the worker would; returns how many ran."""
    ran = 0
    while (job := job_claim_next(worker="test", kinds=["alerts.deliver"])) is not None:
        job_run(job)
        ran += 1
    return ran


def make_due() -> None:
    Job.objects.filter(status=Job.Status.QUEUED).update(run_after=timezone.now())


def raise_one(council, **kw):
    return alert_raise(
        council=council,
        kind="inbox.urgent",
        title="Urgent: threat on Riverside Waste",
        summary="A reply threatens staff.",
        url="/c/riverside/inbox/1/",
        facts=[("Account", "Riverside Waste"), ("Risk", "urgent")],
        **kw,
    )


def test_each_channel_receives_the_alert(riverside, people, receiver) -> None:
    destination_add(
        actor=people.comms, council=riverside, kind="email", name="Duty inbox", email="duty@riverside.example"
    )
    destination_add(
        actor=people.comms, council=riverside, kind="teams", name="Comms channel", url=receiver.url + "/teams"
    )
    destination_add(
        actor=people.comms, council=riverside, kind="webhook", name="Pager", url=receiver.url + "/hook", secret=SECRET
    )
    alert = raise_one(riverside, recipients=[people.officer, "duty@riverside.example"])
    assert alert.deliveries.count() == 4  # the duty address once, not twice
    assert run_jobs() == 4
    assert set(alert.deliveries.values_list("status", flat=True)) == {Delivery.Status.SENT}
    assert sorted(m.to[0] for m in mail.outbox) == ["duty@riverside.example", "officer@riverside.example"]
    assert "Account: Riverside Waste" in mail.outbox[0].body and "/c/riverside/inbox/1/" in mail.outbox[0].body

    by_path = {r.path: r for r in receiver.received}
    card = json.loads(by_path["/teams"].body)
    assert card["type"] == "message"
    attachment = card["attachments"][0]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    content = attachment["content"]
    assert content["type"] == "AdaptiveCard" and content["version"] == "1.4"
    assert content["body"][0]["text"] == "Urgent: threat on Riverside Waste"
    assert {"title": "Risk", "value": "urgent"} in content["body"][-1]["facts"]
    assert content["actions"][0]["url"].endswith("/c/riverside/inbox/1/")

    hook = by_path["/hook"]
    stamp = hook.headers["x-townsquare-timestamp"]
    expected = hmac.new(SECRET.encode(), stamp.encode() + b"." + hook.body, hashlib.sha256).hexdigest()
    assert hook.headers["x-townsquare-signature"] == "sha256=" + expected
    assert abs(int(stamp) - time.time()) < 300
    assert json.loads(hook.body)["title"] == "Urgent: threat on Riverside Waste"
    assert "x-townsquare-signature" not in by_path["/teams"].headers


def test_a_failure_is_retried_with_backoff_and_each_attempt_recorded(riverside, people, receiver) -> None:
    destination_add(
        actor=people.comms, council=riverside, kind="webhook", name="Pager", url=receiver.url + "/hook", secret=SECRET
    )
    receiver.answers = [503, 500]
    alert = raise_one(riverside)
    delivery = alert.deliveries.get()
    assert run_jobs() == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.RETRYING
    job = Job.objects.get(kind="alerts.deliver")
    assert job.status == Job.Status.QUEUED and job.run_after > timezone.now()  # backoff: not due again at once
    assert run_jobs() == 0
    make_due()
    run_jobs()
    make_due()
    run_jobs()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 3
    assert list(delivery.attempt_log.values_list("ok", "status_code")) == [(False, 503), (False, 500), (True, 202)]
    assert "503 Service Unavailable" in delivery.attempt_log.first().error
    assert len(receiver.received) == 3
    assert len({r.headers["x-townsquare-delivery"] for r in receiver.received}) == 1


def test_a_rejection_is_not_retried_and_the_last_try_gives_up(riverside, people, receiver) -> None:
    destination_add(actor=people.comms, council=riverside, kind="teams", name="Comms", url=receiver.url + "/t")
    receiver.answers = [404]
    delivery = raise_one(riverside).deliveries.get()
    run_jobs()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert Job.objects.get(kind="alerts.deliver").status == Job.Status.DONE
    receiver.answers = [500] * 10
    delivery = raise_one(riverside).deliveries.get()
    for _ in range(10):
        make_due()
        run_jobs()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and delivery.attempts == 6


def test_secrets_are_stored_encrypted_and_never_in_attempts_audit_or_jobs(riverside, people, receiver) -> None:
    url = receiver.url + "/hook?sig=TEAMS-SIGNATURE-VALUE"
    made = destination_add(actor=people.comms, council=riverside, kind="webhook", name="Pager", url=url, secret=SECRET)
    receiver.answers = [500]
    raise_one(riverside)
    run_jobs()
    made.refresh_from_db()
    assert "TEAMS-SIGNATURE" not in made.url_encrypted and SECRET not in made.secret_encrypted
    stored = [
        json.dumps(list(Attempt.objects.values()), default=str),
        json.dumps(list(AuditEvent.objects.values("before", "after"))),
        json.dumps(list(Job.objects.values("payload", "last_error"))),
        json.dumps(list(Delivery.objects.values("label"))),
    ]
    for text in stored:
        assert "TEAMS-SIGNATURE" not in text and SECRET not in text


@pytest.mark.parametrize(
    ("kind", "fields", "message"),
    [
        ("webhook", {"url": "http://example.com/hook", "secret": SECRET}, "https://"),
        ("webhook", {"url": "https://127.0.0.1/hook", "secret": SECRET}, "private or reserved"),
        ("webhook", {"url": "https://10.0.0.5/hook", "secret": SECRET}, "private or reserved"),
        ("teams", {"url": ""}, "Enter the webhook"),
        ("email", {"email": "not an address"}, "Enter an email address"),
        ("pager", {}, "Choose email"),
    ],
)
def test_bad_destinations_are_refused_and_nothing_stored(riverside, people, kind, fields, message) -> None:
    with pytest.raises(ValidationError, match=message):
        destination_add(actor=people.comms, council=riverside, kind=kind, name="X", **fields)
    assert not Destination.objects.exists()


def test_a_webhook_needs_a_long_secret(riverside, people, receiver) -> None:
    with pytest.raises(ValidationError, match="at least 16"):
        destination_add(
            actor=people.comms, council=riverside, kind="webhook", name="X", url=receiver.url, secret="short"
        )


def test_secrets_are_rotated_to_the_newest_key(riverside, people, receiver, settings) -> None:
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    from townsquare.alerts.crypto import secret_decrypt

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.TOWNSQUARE_ENCRYPTION_KEYS = [old]
    made = destination_add(
        actor=people.comms, council=riverside, kind="webhook", name="Pager", url=receiver.url + "/h", secret=SECRET
    )
    settings.TOWNSQUARE_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_alert_secrets")
    settings.TOWNSQUARE_ENCRYPTION_KEYS = [new]
    made.refresh_from_db()
    assert secret_decrypt(made.secret_encrypted) == SECRET
    assert secret_decrypt(made.url_encrypted) == receiver.url + "/h"
