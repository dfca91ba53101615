"""Writes to a council's working time and service-level targets; each change audited in its transaction."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from townsquare.audit.services import audit_record
from townsquare.channels.models import Channel
from townsquare.classify.categories import CATEGORIES
from townsquare.inbox.service_level_models import ServiceTarget, TargetKind
from townsquare.inbox.working_time_models import ClosureDay, WorkingCalendar, WorkingPeriod, timezone_validator

if TYPE_CHECKING:
    from townsquare.accounts.models import User
    from townsquare.councils.models import Council

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PERIOD = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*(?:-|–|to)\s*(\d{1,2})[:.](\d{2})\s*$")
MAX_PERIODS = 6
MAX_TARGET_HOURS = Decimal(2000)

Periods = dict[int, list[tuple[dt.time, dt.time]]]


def periods_parse(day: str, text: str) -> list[tuple[dt.time, dt.time]]:
    """Read "09:00-12:30, 13:30-17:00" (or nothing: closed) into periods, earliest first, not overlapping."""
    found: list[tuple[dt.time, dt.time]] = []
    for part in [p for p in (text or "").split(",") if p.strip()]:
        match = PERIOD.match(part)
        if not match:
            raise ValidationError(f"{day}: write the hours like 09:00-12:30, 13:30-17:00, or leave it empty.")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ValidationError(f"{day}: {part.strip()} is not a time of day (use 00:00 to 23:59).")
        starts, ends = dt.time(h1, m1), dt.time(h2, m2)
        if ends <= starts:
            raise ValidationError(f"{day}: {part.strip()} must end after it starts.")
        found.append((starts, ends))
    found.sort()
    if len(found) > MAX_PERIODS:
        raise ValidationError(f"{day}: at most {MAX_PERIODS} periods.")
    for (_, ends), (starts, _) in itertools.pairwise(found):
        if starts < ends:
            raise ValidationError(f"{day}: the periods overlap.")
    return found


def periods_text(periods: list[tuple[dt.time, dt.time]]) -> str:
    return ", ".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in periods)


def _hours_snapshot(council: Council) -> dict[str, str]:
    periods: Periods = {}
    for weekday, starts, ends in WorkingPeriod.objects.filter(council=council).values_list("weekday", "starts", "ends"):
        periods.setdefault(weekday, []).append((starts, ends))
    return {DAYS[d]: periods_text(sorted(p)) for d, p in sorted(periods.items())}


def working_time_set(*, actor: User, council: Council, timezone: str, nation: str, periods: Periods) -> WorkingCalendar:
    """Replace the council's time zone, nation and weekly hours at once (at least one period in the week)."""
    timezone = (timezone or "").strip()
    timezone_validator(timezone)
    if nation not in WorkingCalendar.Nation.values:
        raise ValidationError("Choose England and Wales, Scotland or Northern Ireland.")
    if not any(periods.get(d) for d in range(7)):
        raise ValidationError("Give working hours for at least one day of the week.")
    with transaction.atomic():
        calendar, _ = WorkingCalendar.objects.get_or_create(council=council)
        before = {"timezone": calendar.timezone, "nation": calendar.nation, "hours": _hours_snapshot(council)}
        calendar.timezone, calendar.nation = timezone, nation
        calendar.save()
        WorkingPeriod.objects.filter(council=council).delete()
        WorkingPeriod.objects.bulk_create(
            [
                WorkingPeriod(council=council, weekday=d, starts=s, ends=e)
                for d in range(7)
                for s, e in periods.get(d, [])
            ]
        )
        after = {"timezone": timezone, "nation": nation, "hours": _hours_snapshot(council)}
        audit_record(
            actor=actor, council=council, action="inbox.working_time_changed", obj=calendar, before=before, after=after
        )
    return calendar


def closure_day_add(*, actor: User, council: Council, day: dt.date, reason: str) -> ClosureDay:
    reason = " ".join((reason or "").split())[:200]
    if ClosureDay.objects.filter(council=council, day=day).exists():
        raise ValidationError(f"{day:%-d %B %Y} is already a closure day.")
    with transaction.atomic():
        closure = ClosureDay.objects.create(council=council, day=day, reason=reason)
        audit_record(
            actor=actor,
            council=council,
            action="inbox.closure_day_added",
            obj=closure,
            after={"day": day, "reason": reason},
        )
    return closure


def closure_day_remove(*, actor: User, closure: ClosureDay) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            council=closure.council,
            action="inbox.closure_day_removed",
            obj=closure,
            before={"day": closure.day, "reason": closure.reason},
        )
        closure.delete()


def _hours(value: str, what: str) -> int:
    """Working hours as typed ("2", "1.5") in whole minutes."""
    try:
        hours = Decimal((value or "").strip())
    except InvalidOperation as exc:
        raise ValidationError(f"Enter the {what} in hours, like 2 or 1.5.") from exc
    if not hours.is_finite() or hours < 0 or hours > MAX_TARGET_HOURS:
        raise ValidationError(f"The {what} must be between 0 and {MAX_TARGET_HOURS} working hours.")
    return int(hours * 60)


def service_target_add(
    *,
    actor: User,
    council: Council,
    kind: str,
    hours: str,
    warn_hours: str = "1",
    channel: Channel | None = None,
    category: str = "",
) -> ServiceTarget:
    """A target for one kind of clock: the council's, or only one account's or one category's."""
    if kind not in TargetKind.values:
        raise ValidationError("Choose first response, next response or resolution.")
    minutes = _hours(hours, "target")
    if minutes < 1:
        raise ValidationError("The target must be at least one working minute.")
    warn = _hours(warn_hours or "0", "warning")
    if channel is not None and channel.council_id != council.pk:
        raise ValidationError("That account is not one of this council's.")
    if category and category not in CATEGORIES:
        raise ValidationError("Choose a category from the list.")
    if ServiceTarget.objects.filter(council=council, kind=kind, channel=channel, category=category).exists():
        raise ValidationError("There is already such a target: remove it first to change it.")
    with transaction.atomic():
        target = ServiceTarget.objects.create(
            council=council, kind=kind, minutes=minutes, warn_minutes=warn, channel=channel, category=category
        )
        audit_record(
            actor=actor,
            council=council,
            action="inbox.service_target_added",
            obj=target,
            after={"kind": kind, "minutes": minutes, "warn_minutes": warn, "channel": channel, "category": category},
        )
    return target


def service_target_remove(*, actor: User, target: ServiceTarget) -> None:
    """Remove a target; clocks already running keep the time they were given."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            council=target.council,
            action="inbox.service_target_removed",
            obj=target,
            before={
                "kind": target.kind,
                "minutes": target.minutes,
                "channel": target.channel_id,
                "category": target.category,
            },
        )
        target.delete()
