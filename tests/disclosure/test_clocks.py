"""Days left on a request's clock, the extensions the law allows, and what counts as due soon."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from types import SimpleNamespace

from django.utils import timezone

from townsquare.councils.models import Council
from townsquare.disclosure.clocks import days_left, due_soon_until, extended_deadline
from townsquare.disclosure.selectors import requests_due_soon
from townsquare.disclosure.services import request_close, request_open

D = dt.date


def test_days_left_count_working_days_for_foi_and_calendar_days_for_sar() -> None:
    # Friday 18 December 2026 to Tuesday 5 January 2027: Christmas Day, Boxing Day's substitute (28th),
    # New Year's Day and 2 January's substitute in Scotland (4th) are not working days.
    assert days_left(kind="foi", today=D(2026, 12, 18), due=D(2027, 1, 5)) == 8
    assert days_left(kind="sar", today=D(2026, 12, 18), due=D(2027, 1, 5)) == 18
    assert days_left(kind="foi", today=D(2026, 12, 7), due=D(2026, 12, 7)) == 0
    assert days_left(kind="foi", today=D(2026, 12, 6), due=D(2026, 12, 4)) == -1  # a weekend later: overdue
    assert days_left(kind="eir", today=D(2026, 12, 10), due=D(2026, 12, 7)) == -3


def test_extensions(riverside: Council) -> None:
    assert extended_deadline(kind="sar", received=D(2026, 1, 31), due_on=D(2026, 3, 2), council=riverside) == D(
        2026, 4, 30
    )
    # 40 working days: St Andrew's Day (30 November), Christmas Day and Boxing Day's substitute (28th) skipped.
    assert extended_deadline(kind="eir", received=D(2026, 11, 2), due_on=D(2026, 12, 1), council=riverside) == D(
        2026, 12, 31
    )
    assert extended_deadline(kind="foi", received=D(2026, 11, 2), due_on=D(2026, 12, 1), council=riverside) == D(
        2026, 12, 31
    )


def test_due_soon_is_within_five_working_days(people: SimpleNamespace, riverside: Council) -> None:
    today = timezone.localdate()
    limit = due_soon_until(today)
    assert (limit - today).days >= 5
    now = timezone.now()
    overdue = request_open(
        actor=people.comms, council=riverside, kind="sar", received_at=now - dt.timedelta(days=45), summary="Overdue"
    )
    soon = request_open(
        actor=people.comms, council=riverside, kind="foi", received_at=now - dt.timedelta(days=25), summary="Soon"
    )
    later = request_open(actor=people.comms, council=riverside, kind="foi", received_at=now, summary="Later")
    closed = request_open(
        actor=people.comms, council=riverside, kind="sar", received_at=now - dt.timedelta(days=45), summary="Closed"
    )
    request_close(actor=people.comms, request=closed, outcome="withdrawn")
    found = requests_due_soon(council=riverside)
    assert overdue in found and later not in found and closed not in found
    assert (soon in found) == (soon.due_on <= limit)


def test_nothing_is_downloaded_when_the_recogniser_loads() -> None:
    """In a fresh process whose sockets refuse to connect, the model loads and finds a name."""
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise RuntimeError('network used')\n"
        "socket.socket.connect = refuse\nsocket.create_connection = refuse\n"
        "from townsquare.disclosure.recogniser import personal_data_find\n"
        "found = personal_data_find(['Please ask Jane Hughes about the leisure centre.'])[0]\n"
        "assert [f.text for f in found if f.category == 'name'] == ['Jane Hughes'], found\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
