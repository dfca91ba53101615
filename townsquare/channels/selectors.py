"""Reading the channel register: what a person may see, and which accounts fail a standard."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm


def channels_visible_to(*, user: Any, council: Council, perms: frozenset[str]) -> QuerySet[Channel]:
    """The whole register for those allowed it; otherwise only the channels assigned to them."""
    channels = Channel.objects.filter(council=council)
    if Perm.VIEW_REGISTER in perms:
        return channels
    if Perm.VIEW_ASSIGNED_CHANNELS in perms:
        return channels.filter(Q(assignees=user) | Q(owner=user) | Q(deputy=user)).distinct()
    return channels.none()


def channels_filter(
    channels: QuerySet[Channel], *, q: str = "", platform: str = "", status: str = "", service: str = ""
) -> QuerySet[Channel]:
    if q:
        channels = channels.filter(Q(name__icontains=q) | Q(handle__icontains=q))
    if platform:
        channels = channels.filter(platform=platform)
    if status:
        channels = channels.filter(status=status)
    if service:
        channels = channels.filter(service_id=service)
    return channels


@dataclass(frozen=True)
class Shortfall:
    channel: Channel
    reasons: list[str]


def _dormant_cutoff(council: Council, now: dt.datetime | None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=council.dormant_after_days)


def _failing(council: Council, cutoff: dt.datetime) -> QuerySet[Channel]:
    """Open accounts with at least one reason of ``channel_shortfall_reasons``: the same conditions, in SQL."""
    return (
        Channel.objects.filter(council=council)
        .exclude(status=Channel.Status.CLOSED)
        .filter(
            Q(owner__isnull=True)
            | Q(deputy__isnull=True)
            | Q(digital_access_confirmed_on__isnull=True)
            | Q(branding_checked_on__isnull=True)
            | ~Q(platform_two_factor=True)
            | Q(platform_two_factor__isnull=True)
            | Q(last_post_at__isnull=True)
            | Q(last_post_at__lt=cutoff)
            | Q(status__in=[Channel.Status.DORMANT, Channel.Status.TO_CLOSE])
        )
    )


def rationalisation_shortfall_count(*, council: Council, now: dt.datetime | None = None) -> int:
    """How many open accounts fail a standard of the register (the home pages' tile), counted by the database."""
    return _failing(council, _dormant_cutoff(council, now)).count()


def rationalisation_shortfalls(*, council: Council, now: dt.datetime | None = None) -> list[Shortfall]:
    """Open accounts failing any standard of the register, each with its reasons in plain words."""
    cutoff = _dormant_cutoff(council, now)
    failing = _failing(council, cutoff).select_related("owner", "deputy", "service").order_by("platform", "handle")
    result = []
    for channel in failing:
        reasons = channel_shortfall_reasons(channel, council=council, cutoff=cutoff)
        if reasons:
            result.append(Shortfall(channel, reasons))
    return result


def channel_shortfall_reasons(channel: Channel, *, council: Council, cutoff: dt.datetime) -> list[str]:
    reasons = []
    if channel.owner_id is None:
        reasons.append("No named owner")
    if channel.deputy_id is None:
        reasons.append("No deputy")
    if channel.digital_access_confirmed_on is None:
        reasons.append("Digital team's access not confirmed")
    if channel.branding_checked_on is None:
        reasons.append("Branding not checked")
    if channel.platform_two_factor is not True:
        reasons.append("Two-factor not confirmed at the platform")
    if channel.last_post_at is None:
        reasons.append("Never posted")
    elif channel.last_post_at < cutoff:
        reasons.append(f"Dormant: no post for more than {council.dormant_after_days} days")
    if channel.status == Channel.Status.TO_CLOSE:
        reasons.append("Marked to close")
    elif channel.status == Channel.Status.DORMANT and not any(r.startswith("Dormant") for r in reasons):
        reasons.append("Marked dormant")
    return reasons
