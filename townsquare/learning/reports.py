"""The completion report: one row per person and module, with summaries by service and by role."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.councils.models import Council, Membership
from townsquare.governance.models import AUDIENCE_ROLES
from townsquare.learning.selectors import ROLE_LABELS, Standing, completion_for, modules_of, standing

NO_SERVICE = "No service"


@dataclass(frozen=True)
class Row:
    council: Council
    person: Any
    roles: list[str]
    services: list[str]
    standing: Standing

    @property
    def score(self) -> int | None:
        completion = completion_for(record=self.standing.last)
        return completion.score if completion else None


@dataclass(frozen=True)
class Tally:
    name: str
    required: int
    complete: int
    overdue: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.complete / self.required) if self.required else None


def _services(council: Council) -> dict[int, set[str]]:
    """A person's services: those of the channels they own, deputise for or are assigned to."""
    found: dict[int, set[str]] = defaultdict(set)
    for channel in (
        Channel.objects.filter(council=council, service__isnull=False)
        .select_related("service")
        .prefetch_related("assignees")
    ):
        people = {channel.owner_id, channel.deputy_id} | {u.pk for u in channel.assignees.all()}
        for pk in people:
            if pk is not None and channel.service is not None:
                found[pk].add(channel.service.name)
    return found


def report_rows(*, council: Council, today: dt.date | None = None) -> list[Row]:
    today = today or timezone.localdate()
    roles: dict[int, set[str]] = defaultdict(set)
    joined: dict[int, Any] = {}
    for m in Membership.objects.filter(council=council, user__is_active=True).order_by("created_at"):
        roles[m.user_id].add(m.role)
        joined.setdefault(m.user_id, m.created_at)
    people = {u.pk: u for u in User.objects.filter(pk__in=roles)}
    services = _services(council)
    rows = []
    for module in modules_of(council=council):
        for pk in sorted(people, key=lambda k: (people[k].full_name or people[k].email).lower()):
            if not roles[pk] & AUDIENCE_ROLES[module.audience]:
                continue
            found = standing(user=people[pk], module=module, roles=roles[pk], today=today, joined=joined[pk])
            if found.version is None:
                continue
            labels = sorted(ROLE_LABELS[r] for r in roles[pk])
            rows.append(Row(council, people[pk], labels, sorted(services.get(pk, set())) or [NO_SERVICE], found))
    return rows


def tallies(rows: list[Row], by: str) -> list[Tally]:
    """Required completions grouped by ``service`` or ``role`` (a person counts in each of theirs)."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.standing.required:
            for name in row.services if by == "service" else row.roles:
                groups[name].append(row)
    return [
        Tally(
            name,
            len(g),
            sum(r.standing.state in {"current", "due_soon"} for r in g),
            sum(r.standing.state == "overdue" for r in g),
        )
        for name, g in sorted(groups.items())
    ]


COLUMNS = [
    "Council",
    "Name",
    "Email",
    "Roles",
    "Services",
    "Module",
    "Version",
    "Required",
    "Status",
    "Due",
    "Last completed",
    "Score",
]


def _cell(value: Any) -> Any:
    # A spreadsheet would run a cell starting with one of these as a formula.
    return f"'{value}" if isinstance(value, str) and value[:1] in {"=", "+", "-", "@"} else value


def report_csv(rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for r in rows:
        s = r.standing
        writer.writerow(
            [
                _cell(v)
                for v in [
                    r.council.name,
                    r.person.full_name,
                    r.person.email,
                    "; ".join(r.roles),
                    "; ".join(r.services),
                    s.module.title,
                    s.version.number if s.version else "",
                    "Yes" if s.required else "No",
                    s.label,
                    s.due_on.isoformat() if s.due_on else "",
                    s.last.completed_on.isoformat() if s.last and s.last.completed_on else "",
                    "" if r.score is None else r.score,
                ]
            ]
        )
    return out.getvalue()
