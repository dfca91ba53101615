"""Changes to the channel register, each audited in the same transaction."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from townsquare.audit.services import audit_record, snapshot
from townsquare.channels.models import Channel

if TYPE_CHECKING:
    from townsquare.accounts.models import User
    from townsquare.channels.forms import ChannelForm
    from townsquare.councils.models import Council

AUDITED_FIELDS = [
    "name",
    "platform",
    "handle",
    "url",
    "service_id",
    "owner_id",
    "deputy_id",
    "digital_access_confirmed_on",
    "branding_checked_on",
    "platform_two_factor",
    "status",
    "last_post_at",
    "connection_state",
    "notes",
]


def _state(channel: Channel) -> dict[str, object]:
    state = snapshot(channel, AUDITED_FIELDS)
    if channel.pk:
        state["assignees"] = sorted(channel.assignees.values_list("pk", flat=True))
    return state


def channel_save_form(*, actor: User, form: ChannelForm) -> Channel:
    """Create or change a channel from a valid form; writes channel.created or channel.updated."""
    creating = form.instance.pk is None
    before = None if creating else _state(Channel.objects.get(pk=form.instance.pk))
    with transaction.atomic():
        channel = form.save()
        after = _state(channel)
        if creating or after != before:
            audit_record(
                actor=actor,
                council=channel.council,
                action="channel.created" if creating else "channel.updated",
                obj=channel,
                before=before,
                after=after,
            )
    return channel


def channel_set_status(*, actor: User | None, channel: Channel, status: str, reason: str = "") -> Channel:
    if channel.status == status:
        return channel
    with transaction.atomic():
        before = _state(channel)
        channel.status = status
        channel.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            council=channel.council,
            action="channel.status_changed",
            obj=channel,
            before=before,
            after=_state(channel),
            reason=reason,
        )
    return channel


def channels_mark_dormant(*, council: Council, now: dt.datetime | None = None) -> int:
    """Active channels with no post for the council's dormancy period become dormant (audited)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=council.dormant_after_days)
    stale = Channel.objects.filter(council=council, status=Channel.Status.ACTIVE, last_post_at__lt=cutoff)
    changed = 0
    for channel in stale:
        channel_set_status(
            actor=None,
            channel=channel,
            status=Channel.Status.DORMANT,
            reason=f"No post for more than {council.dormant_after_days} days.",
        )
        changed += 1
    return changed
