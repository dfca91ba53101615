"""The delivery job: one attempt at one delivery, recorded; a failure raised so the queue retries it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from townsquare.alerts.crypto import SecretUnreadable, secret_decrypt
from townsquare.alerts.models import Attempt, Delivery, Destination
from townsquare.alerts.transport import Message, TransportError, post_json, send_email, teams_card, webhook_body

if TYPE_CHECKING:
    from townsquare.jobs.models import Job


class DeliveryFailed(Exception):
    """Raised to the job queue so that it tries again later (the message names no address or secret)."""


def _message(delivery: Delivery) -> Message:
    alert = delivery.alert
    return Message(
        alert_id=alert.pk,
        delivery_id=delivery.pk,
        council=alert.council.name,
        kind=alert.kind,
        title=alert.title,
        summary=alert.summary,
        url=alert.url,
        facts=[(str(k), str(v)) for k, v in alert.facts],
        created_at=alert.created_at.isoformat(),
    )


def _send(delivery: Delivery) -> int | None:
    """Send once; the HTTP status for a webhook, None for an email."""
    message = _message(delivery)
    destination = delivery.destination
    if delivery.kind == Destination.Kind.EMAIL:
        address = delivery.email or (destination.shown_as if destination else "")
        if not address:
            raise TransportError("The email destination has no address.", permanent=True)
        send_email(address, message)
        return None
    if destination is None:
        raise TransportError("The destination was removed before the alert could be sent.", permanent=True)
    try:
        url = secret_decrypt(destination.url_encrypted)
        secret = secret_decrypt(destination.secret_encrypted)
    except SecretUnreadable as exc:
        raise TransportError(str(exc), permanent=True) from exc
    if delivery.kind == Destination.Kind.TEAMS:
        return post_json(url, teams_card(message), delivery_id=delivery.pk)
    return post_json(url, webhook_body(message), secret=secret, delivery_id=delivery.pk)


def delivery_attempt(*, delivery_id: int, last_try: bool) -> bool:
    """One attempt, recorded; True when sent (or already sent). Leaves the delivery retrying or failed."""
    delivery = Delivery.objects.select_related("alert__council", "destination__person").get(pk=delivery_id)
    if delivery.status in (Delivery.Status.SENT, Delivery.Status.FAILED):
        return delivery.status == Delivery.Status.SENT
    try:
        code = _send(delivery)
    except TransportError as error:
        final = last_try or error.permanent
        with transaction.atomic():
            Attempt.objects.create(
                delivery=delivery, ok=False, status_code=error.status_code, error=error.message[:500]
            )
            delivery.attempts += 1
            delivery.status = Delivery.Status.FAILED if final else Delivery.Status.RETRYING
            delivery.save(update_fields=["attempts", "status"])
        return False
    with transaction.atomic():
        Attempt.objects.create(delivery=delivery, ok=True, status_code=code)
        delivery.attempts += 1
        delivery.status = Delivery.Status.SENT
        delivery.sent_at = timezone.now()
        delivery.save(update_fields=["attempts", "status", "sent_at"])
    return True


def deliver(job: Job) -> None:
    delivery_id = int(job.payload["delivery"])
    if delivery_attempt(delivery_id=delivery_id, last_try=job.attempts >= job.max_attempts):
        return
    if Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.RETRYING).exists():
        raise DeliveryFailed(f"Alert delivery {delivery_id} failed; it will be tried again.")
