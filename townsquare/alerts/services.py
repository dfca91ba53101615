"""Raising alerts and keeping where they go.

``alert_raise`` is the one way any part of Townsquare alerts people at once (``alerts_raise`` for several
alerts to the same places): it records the alert and enqueues one delivery job per destination (and per
extra recipient), in the caller's transaction; each job tries once, records the attempt, and is retried
with backoff by the job queue on failure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from townsquare import sqlrows
from townsquare.alerts.crypto import secret_encrypt, secret_rotate
from townsquare.alerts.models import Alert, Delivery, Destination
from townsquare.audit.services import audit_record
from townsquare.councils.models import Membership
from townsquare.jobs.services import jobs_enqueue
from townsquare.net.fetch import AddressRefused, address_check

if TYPE_CHECKING:
    from townsquare.accounts.models import User
    from townsquare.councils.models import Council

DELIVERY_JOB = "alerts.deliver"
MAX_ATTEMPTS = 6  # with the queue's backoff (10 s, 20 s, 40 s...), about five minutes of trying
MAX_FACTS = 20


@dataclass(frozen=True)
class AlertSpec:
    """One alert to raise: ``url`` is a path in Townsquare (made absolute when sent); ``facts`` are
    (name, value) pairs."""

    kind: str
    title: str
    summary: str
    url: str
    facts: list[tuple[str, str]]


def alert_raise(
    *,
    council: Council,
    kind: str,
    title: str,
    summary: str,
    url: str,
    facts: list[tuple[str, str]],
    recipients: Sequence[User | str] | None = None,
    destinations: Sequence[Destination] | None = None,
) -> Alert:
    """Record an alert and enqueue its deliveries: to each of the council's active destinations (or only
    ``destinations``), and by email to each of ``recipients`` (people or addresses) not already among them.

    ``url`` is a path in Townsquare (made absolute when sent); ``facts`` are (name, value) pairs.
    """
    spec = AlertSpec(kind=kind, title=title, summary=summary, url=url, facts=facts)
    return alerts_raise(council=council, alerts=[spec], recipients=recipients, destinations=destinations)[0]


def alerts_raise(
    *,
    council: Council,
    alerts: Sequence[AlertSpec],
    recipients: Sequence[User | str] | None = None,
    destinations: Sequence[Destination] | None = None,
) -> list[Alert]:
    """``alert_raise`` for several alerts going to the same places, in the caller's transaction: the
    destinations read once, one insert of alerts, one of deliveries and one of delivery jobs."""
    if not alerts:
        return []
    with transaction.atomic():
        # Written without a model instance built or prepared through the ORM a row (an ingest batch can
        # raise a hundred alerts at once).
        made = sqlrows.create(
            [
                sqlrows.instance(
                    Alert,
                    {
                        "council_id": council.pk,
                        "kind": a.kind[:60],
                        "title": a.title[:200],
                        "summary": a.summary[:4000],
                        "url": a.url[:1000],
                        "facts": [[str(k)[:100], str(v)[:500]] for k, v in a.facts[:MAX_FACTS]],
                    },
                )
                for a in alerts
            ]
        )
        chosen = (
            list(destinations)
            if destinations is not None
            else list(Destination.objects.filter(council=council, active=True).select_related("person"))
        )
        chosen = [d for d in chosen if d.council_id == council.pk]
        emailed = {d.shown_as.lower() for d in chosen if d.kind == Destination.Kind.EMAIL}
        labelled = [(d, f"{d.name} ({d.shown_as})"[:300]) for d in chosen]
        extra: list[str] = []
        for recipient in recipients or ():
            address = recipient if isinstance(recipient, str) else recipient.email
            if address and address.lower() not in emailed:
                emailed.add(address.lower())
                extra.append(address)
        rows = []
        for alert in made:
            rows += [
                sqlrows.instance(
                    Delivery, {"alert_id": alert.pk, "destination_id": d.pk, "kind": d.kind, "label": label}
                )
                for d, label in labelled
            ]
            rows += [
                sqlrows.instance(
                    Delivery, {"alert_id": alert.pk, "kind": Destination.Kind.EMAIL.value, "label": a[:300], "email": a}
                )
                for a in extra
            ]
        deliveries = sqlrows.create(rows)
        jobs_enqueue(
            kind=DELIVERY_JOB,
            payloads=[{"delivery": d.pk} for d in deliveries],
            council_id=council.pk,
            max_attempts=MAX_ATTEMPTS,
        )
    return made


# --- destinations --------------------------------------------------------------------------------------


def _webhook_url(url: str, *, teams: bool) -> tuple[str, str]:
    """The address checked (https, public) and its host, for display."""
    url = (url or "").strip()
    if not url:
        raise ValidationError("Enter the webhook's address.")
    if len(url) > 2000:
        raise ValidationError("The address must be at most 2,000 characters.")
    try:
        url = address_check(url)
    except AddressRefused as exc:
        raise ValidationError(exc.message) from exc
    host = (urlsplit(url).hostname or "")[:300]
    if teams and not host:
        raise ValidationError("Paste the address the Teams workflow gave you.")
    return url, host


def destination_add(
    *,
    actor: User,
    council: Council,
    kind: str,
    name: str,
    email: str = "",
    person: User | None = None,
    url: str = "",
    secret: str = "",
) -> Destination:
    """Add a place alerts go; the address and secret are checked, then stored encrypted."""
    name = " ".join((name or "").split())[:120]
    if not name:
        raise ValidationError("Give the destination a name.")
    made = Destination(council=council, kind=kind, name=name, created_by=actor)
    if kind == Destination.Kind.EMAIL:
        if person is not None:
            if not Membership.objects.filter(council=council, user=person).exists():
                raise ValidationError("That person has no role at this council.")
            made.person = person
        else:
            email = (email or "").strip()
            try:
                validate_email(email)
            except ValidationError as exc:
                raise ValidationError("Enter an email address, like name@council.gov.uk.") from exc
            made.email = email
    elif kind in (Destination.Kind.TEAMS, Destination.Kind.WEBHOOK):
        checked, made.url_host = _webhook_url(url, teams=kind == Destination.Kind.TEAMS)
        made.url_encrypted = secret_encrypt(checked)
        if kind == Destination.Kind.WEBHOOK:
            secret = (secret or "").strip()
            if len(secret) < 16:
                raise ValidationError("Give a shared secret of at least 16 characters to sign the webhook's messages.")
            made.secret_encrypted = secret_encrypt(secret)
    else:
        raise ValidationError("Choose email, Microsoft Teams or a webhook.")
    with transaction.atomic():
        made.save()
        audit_record(
            actor=actor,
            council=council,
            action="alerts.destination_added",
            obj=made,
            after={"kind": made.kind, "name": made.name, "to": made.shown_as},
        )
    return made


def destination_remove(*, actor: User, destination: Destination) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            council=destination.council,
            action="alerts.destination_removed",
            obj=destination,
            before={"kind": destination.kind, "name": destination.name, "to": destination.shown_as},
        )
        destination.delete()


def destination_test(*, actor: User, destination: Destination) -> Alert:
    """Send a test alert to this destination only."""
    with transaction.atomic():
        alert = alert_raise(
            council=destination.council,
            kind="alerts.test",
            title="Test alert from Townsquare",
            summary=f"{actor.full_name or actor.email} sent this to check that alerts reach “{destination.name}”.",
            url="",
            facts=[("Destination", destination.name)],
            destinations=[destination],
        )
        audit_record(
            actor=actor,
            council=destination.council,
            action="alerts.destination_tested",
            obj=destination,
            after={"alert": alert.pk},
        )
    return alert


def destinations_rotate_all() -> int:
    """Re-encrypt every stored webhook address and secret with the newest key; returns how many destinations."""
    count = 0
    for pk in Destination.objects.exclude(url_encrypted="").values_list("pk", flat=True).iterator():
        with transaction.atomic():
            destination = Destination.objects.select_for_update().get(pk=pk)
            destination.url_encrypted = secret_rotate(destination.url_encrypted)
            destination.secret_encrypted = secret_rotate(destination.secret_encrypted)
            destination.save(update_fields=["url_encrypted", "secret_encrypted"])
        count += 1
    return count
