"""Service-level clocks in working time: started when items arrive, stopped when they are answered or
resolved, marked missed by a scheduled check (which warns the assignee first), and read as "due in 2
working hours" or "overdue by 1 working hour".

Each new item gets a resolution clock and a response clock: "first response" for the first message
of a conversation, "next response" for a resident writing again after the council answered. Each clock
is met (stopped in time) or missed; a miss is recorded as an event (``TargetMiss``) when it happens.
A resolved item that is reopened starts again: new next-response and resolution clocks from the moment
it was reopened, beside the finished ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from townsquare.councils.models import Council
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.service_level_models import ItemTarget, ServiceTarget, TargetKind, TargetMiss
from townsquare.inbox.working_time import NoWorkingTime, Schedule, schedule_for, schedule_of, settings_sql
from townsquare.sqlrows import among

RESPONSES = (TargetKind.FIRST_RESPONSE, TargetKind.NEXT_RESPONSE)
ANSWERED = (ReceivedItem.Status.AWAITING_RESIDENT, ReceivedItem.Status.RESOLVED)
TABLE = ItemTarget._meta.db_table
COLUMNS = ("item_id", "council_id", "target_id", "kind", "minutes", "started_at", "due_at", "warn_at", "state")


def target_for(targets: Sequence[ServiceTarget], kind: str, item: ReceivedItem) -> ServiceTarget | None:
    """The most specific of the council's targets of ``kind`` that fits the item (see ``ServiceTarget``)."""
    fitting = [
        t
        for t in targets
        if t.kind == kind
        and (t.channel_id is None or t.channel_id == item.channel_id)
        and (not t.category or t.category in (item.categories or []))
    ]
    if not fitting:
        return None
    return min(fitting, key=lambda t: (-(2 * (t.channel_id is not None) + bool(t.category)), t.minutes, t.pk))


def _answered_threads(council: Council, rows: Sequence[ReceivedItem]) -> set[tuple[int, str]]:
    """(channel, thread) pairs of the batch where the council has already answered an earlier item."""
    keys = {r.thread_key for r in rows if r.in_reply_to_external_id and r.thread_key}
    if not keys:
        return set()
    earlier = ReceivedItem.objects.filter(council=council, thread_key__in=keys).exclude(pk__in=[r.pk for r in rows])
    answered = earlier.filter(
        Q(status__in=ANSWERED) | Q(targets__kind__in=RESPONSES, targets__finished_at__isnull=False)
    )
    return set(answered.values_list("channel_id", "thread_key").distinct())


def clocks_start(council: Council, rows: Sequence[ReceivedItem]) -> int:
    """Start the clocks of newly arrived items (one insert for the batch); returns how many were started."""
    targets = list(ServiceTarget.objects.filter(council=council))
    if not targets or not rows:
        return 0
    schedule = schedule_for(council)
    answered = _answered_threads(council, rows)
    due: dict[tuple[int, dt.datetime], tuple[dt.datetime, dt.datetime | None]] = {}
    values: list[tuple[Any, ...]] = []
    for row in rows:
        started = row.received_at or timezone.now()
        response = (
            TargetKind.NEXT_RESPONSE if (row.channel_id, row.thread_key) in answered else TargetKind.FIRST_RESPONSE
        )
        for kind in (response, TargetKind.RESOLUTION):
            target = target_for(targets, kind, row)
            if target is None:
                continue
            # A batch arrives at one moment: each target's due time is worked out once for it.
            if (target.pk, started) not in due:
                try:
                    due[(target.pk, started)] = _due(schedule, target, started)
                except NoWorkingTime:
                    continue
            due_at, warn_at = due[(target.pk, started)]
            values.append((row.pk, council.pk, target.pk, kind, target.minutes, started, due_at, warn_at, "running"))
    _insert(values)
    return len(values)


def _due(schedule: Schedule, target: ServiceTarget, started: dt.datetime) -> tuple[dt.datetime, dt.datetime | None]:
    due_at = schedule.add(started, dt.timedelta(minutes=target.minutes))
    warn_at = None
    if target.warn_minutes and target.warn_minutes < target.minutes:
        warn_at = schedule.add(started, dt.timedelta(minutes=target.minutes - target.warn_minutes))
    return due_at, warn_at


def _insert(values: list[tuple[Any, ...]]) -> None:
    """Raw multi-row insert (the ingest path keeps the ORM out); an item's clock already there is kept.

    A batch shares a few moments (it arrived at once), so each is made ready for the database once.
    """
    if not values:
        return
    ready: dict[dt.datetime, Any] = {}

    def moment(value: dt.datetime | None) -> Any:
        if value is None:
            return None
        if value not in ready:
            ready[value] = connection.ops.adapt_datetimefield_value(value)
        return ready[value]

    prepared = [(*row[:5], moment(row[5]), moment(row[6]), moment(row[7]), row[8]) for row in values]
    names = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    marks = ", ".join(["%s"] * len(COLUMNS))
    # The conflict target names the partial unique index (one open clock of a kind an item).
    sql = (
        f"INSERT INTO {TABLE} ({names}) VALUES ({marks}) "  # noqa: S608
        "ON CONFLICT (item_id, kind) WHERE finished_at IS NULL DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)


# --- stopping the clocks ---------------------------------------------------------------------------------


def _finish(clocks: Iterable[ItemTarget], at: dt.datetime) -> list[ItemTarget]:
    """Stop open clocks at ``at``: met when in time, else missed (recording the miss if not yet noticed)."""
    finished = []
    for clock in clocks:
        in_time = at <= clock.due_at and clock.state == ItemTarget.State.RUNNING
        state = ItemTarget.State.MET if in_time else ItemTarget.State.MISSED
        # Conditional: a scheduled check or another request may have finished it first.
        if ItemTarget.objects.filter(pk=clock.pk, finished_at__isnull=True).update(state=state, finished_at=at):
            if state == ItemTarget.State.MISSED and clock.state == ItemTarget.State.RUNNING:
                _record_miss(clock, at)
            clock.state, clock.finished_at = state, at
            finished.append(clock)
    return finished


def _record_miss(clock: ItemTarget, at: dt.datetime) -> None:
    assignee = ReceivedItem.objects.filter(pk=clock.item_id).values_list("assignee_id", flat=True).first()
    TargetMiss.objects.get_or_create(
        item_target=clock,
        defaults={
            "item_id": clock.item_id,
            "council_id": clock.council_id,
            "kind": clock.kind,
            "due_at": clock.due_at,
            "missed_at": max(at, clock.due_at),
            "assignee_id": assignee,
        },
    )


def sla_item_responded(*, item: ReceivedItem, at: dt.datetime | None = None) -> list[ItemTarget]:
    """The council answered the item (a reply recorded, or "awaiting resident"): its response clock stops."""
    at = at or timezone.now()
    with transaction.atomic():
        return _finish(ItemTarget.objects.filter(item=item, kind__in=RESPONSES, finished_at__isnull=True), at)


def sla_item_resolved(*, item: ReceivedItem, at: dt.datetime | None = None) -> list[ItemTarget]:
    """The item is resolved: every clock still open on it stops (resolving answers it too)."""
    at = at or timezone.now()
    with transaction.atomic():
        return _finish(ItemTarget.objects.filter(item=item, finished_at__isnull=True), at)


def sla_item_reopened(*, item: ReceivedItem, at: dt.datetime | None = None) -> int:
    """A resolved item is open again: start a resolution clock and, unless the council now awaits the
    resident, a next-response clock, from ``at`` in the council's working time (the targets that fit the
    item now). The finished clocks keep their outcome. Returns how many clocks were started."""
    at = at or timezone.now()
    targets = list(ServiceTarget.objects.filter(council_id=item.council_id))
    if not targets:
        return 0
    kinds = [TargetKind.RESOLUTION]
    if item.status != ReceivedItem.Status.AWAITING_RESIDENT:
        kinds.insert(0, TargetKind.NEXT_RESPONSE)
    schedule = schedule_for(item.council)
    values: list[tuple[Any, ...]] = []
    for kind in kinds:
        target = target_for(targets, kind, item)
        if target is None:
            continue
        try:
            due_at, warn_at = _due(schedule, target, at)
        except NoWorkingTime:
            continue
        values.append((item.pk, item.council_id, target.pk, kind, target.minutes, at, due_at, warn_at, "running"))
    _insert(values)
    return len(values)


def sla_item_status_changed(*, item: ReceivedItem, at: dt.datetime | None = None, previous: str = "") -> None:
    """Called whenever an item's status changes (from ``previous``): stops the clocks the new status
    satisfies, and starts them again when a resolved item is reopened."""
    if item.status == ReceivedItem.Status.RESOLVED:
        sla_item_resolved(item=item, at=at)
        return
    if item.status == ReceivedItem.Status.AWAITING_RESIDENT:
        sla_item_responded(item=item, at=at)
    if previous == ReceivedItem.Status.RESOLVED:
        sla_item_reopened(item=item, at=at)


# --- the scheduled check ---------------------------------------------------------------------------------


def clocks_check(*, now: dt.datetime | None = None, limit: int = 5000, warn: bool = True) -> tuple[int, int]:
    """Mark clocks past due as missed (each miss recorded) and warn before a miss; returns (missed, warned)."""
    now = now or timezone.now()
    missed = 0
    late = ItemTarget.objects.filter(state=ItemTarget.State.RUNNING, finished_at__isnull=True, due_at__lte=now)
    for clock in late.order_by("due_at")[:limit]:
        with transaction.atomic():
            if ItemTarget.objects.filter(pk=clock.pk, state=ItemTarget.State.RUNNING).update(
                state=ItemTarget.State.MISSED
            ):
                _record_miss(clock, now)
                missed += 1
    from townsquare.inbox.service_level_warnings import warnings_send

    return missed, warnings_send(now=now, limit=limit) if warn else 0


# --- reading the clocks ----------------------------------------------------------------------------------


def overdue_items(
    *, council: Council, items: QuerySet[ReceivedItem], now: dt.datetime | None = None
) -> QuerySet[ReceivedItem]:
    """Those of ``items`` with a clock past due and not yet stopped, the longest overdue first."""
    now = now or timezone.now()
    late = ItemTarget.objects.filter(council=council, finished_at__isnull=True, due_at__lte=now)
    return (
        items.filter(pk__in=late.values("item_id"))
        .annotate(first_due=Min("targets__due_at", filter=Q(targets__finished_at__isnull=True)))
        .select_related("channel", "assignee", "assigned_service")
        .order_by("first_due", "pk")
    )


def _amount(delta: dt.timedelta) -> str:
    minutes = round(abs(delta).total_seconds() / 60)
    if minutes < 60:
        return f"{minutes} working minute{'s' if minutes != 1 else ''}"
    hours = round(minutes / 60)
    return f"{hours} working hour{'s' if hours != 1 else ''}"


@dataclass(frozen=True)
class ClockView:
    kind: str
    label: str
    state: str
    text: str  # "due in 2 working hours", "overdue by 1 working hour", "met", "missed (answered late)"
    overdue: bool
    due_at: dt.datetime


LABELS = dict(TargetKind.choices)


def _clock(
    kind: str,
    state: str,
    finished: bool,
    due_at: dt.datetime,
    from_now: Callable[[dt.datetime], dt.timedelta],
    now: dt.datetime,
) -> ClockView:
    """``from_now``: the working time from ``now`` to a moment (``Schedule.counter(now)``)."""
    label = LABELS.get(kind, kind)
    if finished:
        text = "met" if state == ItemTarget.State.MET else "missed"
        return ClockView(kind, label, state, text, False, due_at)
    left = from_now(due_at)
    if due_at <= now:
        return ClockView(kind, label, state, f"overdue by {_amount(left)}", True, due_at)
    return ClockView(kind, label, state, f"due in {_amount(left)}", False, due_at)


def clock_view(clock: ItemTarget, schedule: Schedule, now: dt.datetime) -> ClockView:
    return _clock(clock.kind, clock.state, clock.finished_at is not None, clock.due_at, schedule.counter(now), now)


def _aware(value: Any) -> dt.datetime:
    """A time read by a plain cursor: seconds since 1970 from PostgreSQL (see ``clocks_for_items``), naive
    UTC from SQLite (Django's converter for the column's declared type)."""
    if isinstance(value, float | int):
        return dt.datetime.fromtimestamp(value, dt.UTC)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def clocks_for_items(
    council: Council, item_ids: Sequence[int], *, now: dt.datetime | None = None, running_only: bool = False
) -> dict[int, list[ClockView]]:
    """Every clock of the given items (only those still running with ``running_only``, as a list page shows
    them), read in one query of plain rows, open clocks first, soonest due first."""
    now = now or timezone.now()
    if not item_ids:
        return {}
    # A fixed statement of the columns a clock shows, read as plain rows: every list page asks, and
    # building the query and a model instance a clock took the ORM longer than the database took.
    among_items, params = among("item_id", item_ids)
    running = " AND finished_at IS NULL" if running_only else ""
    # Found by the items alone (the council is checked on each row): with the council in the WHERE clause,
    # SQLite chose the council's index of open clocks and read every open clock the council had.
    # PostgreSQL gives the time as seconds since 1970: psycopg reads a time through Django's time-zone
    # loader in Python (4 µs each, a hundred a page), a number in C.
    # The council's working time settings come in the same statement (tag 1), after the clocks (tag 0).
    due = "date_part('epoch', due_at)" if connection.vendor == "postgresql" else "due_at"
    settings, settings_params = settings_sql(council.pk)
    sql = (
        f"SELECT 0, item_id, council_id, kind, state, finished_at IS NOT NULL, {due}, id, '' FROM {TABLE} "  # noqa: S608
        f"WHERE {among_items}{running} UNION ALL SELECT 1, s.k, 0, s.a, s.b, FALSE, NULL, 0, s.c "
        f"FROM ({settings}) s ORDER BY 1, 7, 8, 2, 4, 5"
    )
    rows, set_rows = [], []
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *settings_params])
        for tag, *row, _order, text in cursor.fetchall():
            if tag == 1:
                set_rows.append((row[0], row[2], row[3], text))
            elif row[1] == council.pk:
                rows.append(row)
    if not rows:
        return {}
    from_now = schedule_of(set_rows).counter(now)
    found: dict[int, list[ClockView]] = {}
    for item_id, _council, kind, state, finished, due_at in rows:
        found.setdefault(item_id, []).append(_clock(kind, state, bool(finished), _aware(due_at), from_now, now))
    # Open clocks first (soonest due first), then finished ones.
    for views in found.values():
        views.sort(key=lambda v: (v.text in ("met", "missed"), v.due_at))
    return found
