"""The register's services: opening (by hand, from an item), the clocks, extension, the search with
its legal hold, closing; every change audited, bad input changing nothing."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from townsquare.archive.models import LegalHold
from townsquare.archive.search import ArchiveQuery
from townsquare.archive.selectors import held_record_ids
from townsquare.archive.services import Capture, archive_capture
from townsquare.audit.models import AuditEvent
from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.disclosure import services
from townsquare.disclosure.models import InformationRequest
from townsquare.inbox.models import ReceivedItem


def _at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day + "T10:00"))


def _open(people: SimpleNamespace, council: Council, kind: str = "foi", day: str = "2026-12-01") -> InformationRequest:
    return services.request_open(
        actor=people.comms,
        council=council,
        kind=kind,
        received_at=_at(day),
        summary="Everything about the leisure centre closure",
    )


def test_open_by_hand_sets_the_statutory_deadline_and_a_reference(people: SimpleNamespace, riverside: Council) -> None:
    foi = _open(people, riverside, "foi", "2025-12-18")
    # 20 working days after 18 Dec 2025: Christmas, Boxing Day, New Year's Day and 2 January (Scotland) skipped.
    assert foi.due_on == dt.date(2026, 1, 21)
    assert foi.reference == "FOI-2025-0001"
    sar = _open(people, riverside, "sar", "2026-01-31")
    assert sar.due_on == dt.date(2026, 3, 2)  # 28 February is a Saturday
    assert _open(people, riverside, "foi", "2025-12-02").reference == "FOI-2025-0002"
    assert AuditEvent.objects.filter(action="request.open", object_id=str(foi.pk), actor=people.comms).exists()
    assert not foi.has_contact


def test_bad_input_stores_nothing(people: SimpleNamespace, riverside: Council) -> None:
    for kwargs in (
        {"kind": "xyz", "summary": "A"},
        {"kind": "foi", "summary": "  "},
        {"kind": "foi", "summary": "A", "requester_email": "not an email"},
        {"kind": "foi", "summary": "A", "received_at": timezone.now() + dt.timedelta(days=2)},
    ):
        with pytest.raises(ValidationError):
            services.request_open(actor=people.comms, council=riverside, **{"received_at": _at("2026-12-01"), **kwargs})
    assert not InformationRequest.objects.exists()
    assert not AuditEvent.objects.filter(action="request.open").exists()


def test_open_from_item_once(people: SimpleNamespace, riverside: Council, channel: Channel) -> None:
    item = ReceivedItem.objects.create(
        council=riverside,
        channel=channel,
        external_id="m1",
        author_handle="@res",
        text="Under FOI please send all emails about the leisure centre",
        created_at=_at("2026-11-02"),
    )
    made = services.request_open_from_item(actor=people.comms, item=item, kind="foi")
    again = services.request_open_from_item(actor=people.comms, item=item, kind="sar")
    assert again.pk == made.pk and made.kind == "foi"
    assert made.requester_handle == "@res" and made.requester_name == "" and made.requester_email == ""
    assert made.due_on == dt.date(2026, 12, 1)  # St Andrew's Day (Scotland) on Monday 30 November is skipped
    assert made.summary.startswith("Under FOI")


def test_sar_extension_is_two_more_months_once_with_a_reason(people: SimpleNamespace, riverside: Council) -> None:
    sar = _open(people, riverside, "sar", "2026-01-15")
    with pytest.raises(ValidationError):
        services.request_extend(actor=people.comms, request=sar, reason="  ")
    extended = services.request_extend(actor=people.comms, request=sar, reason="Complex: many accounts to search")
    assert extended.due_on == dt.date(2026, 2, 16)  # 15 February is a Sunday
    assert extended.extended_to == dt.date(2026, 4, 15) and extended.deadline == dt.date(2026, 4, 15)
    with pytest.raises(ValidationError, match="already been extended"):
        services.request_extend(actor=people.comms, request=extended, reason="Again")
    event = AuditEvent.objects.get(action="request.extend")
    assert event.reason == "Complex: many accounts to search"


def test_search_holds_records_and_closing_releases(
    people: SimpleNamespace, riverside: Council, channel: Channel, archived: SimpleNamespace
) -> None:
    foi = _open(people, riverside)
    foi = services.request_search_set(actor=people.comms, request=foi, query=ArchiveQuery(q="leisure centre"))
    hold = foi.legal_hold
    assert hold is not None and hold.active and hold.reference == foi.reference
    held = held_record_ids(council=riverside)
    assert {archived.post.pk, archived.reply.pk, archived.deleted.pk} <= held and archived.other.pk not in held
    # Anything archived later that the search finds is held too.
    later = archive_capture(
        captures=[
            Capture(
                council_id=riverside.pk,
                source="post:9",
                kind="post",
                occurred_at=timezone.now(),
                text="Leisure centre reopening date",
            )
        ]
    )[0]
    assert later.pk in held_record_ids(council=riverside)
    # Changing the search releases the first hold and places another.
    foi = services.request_search_set(actor=people.comms, request=foi, query=ArchiveQuery(q="leisure"))
    hold.refresh_from_db()
    assert not hold.active and foi.legal_hold is not None and foi.legal_hold.active
    closed = services.request_close(actor=people.comms, request=foi, outcome="released", reason="Sent")
    assert closed.status == "closed" and closed.closed_at is not None
    assert not LegalHold.objects.filter(council=riverside, released_at__isnull=True).exists()
    assert held_record_ids(council=riverside) == set()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"request.search", "request.close", "archive.hold_placed", "archive.hold_released"} <= actions
    with pytest.raises(ValidationError, match="closed"):
        services.request_search_set(actor=people.comms, request=closed, query=ArchiveQuery(q="pool"))


def test_empty_search_places_no_hold(people: SimpleNamespace, riverside: Council) -> None:
    foi = _open(people, riverside)
    with pytest.raises(ValidationError):
        services.request_search_set(actor=people.comms, request=foi, query=ArchiveQuery())
    foi.refresh_from_db()
    assert foi.legal_hold is None and foi.query == {}
    assert not LegalHold.objects.exists()
    with pytest.raises(ValidationError):
        services.request_close(actor=people.comms, request=foi, outcome="nonsense")


def test_requester_details(people: SimpleNamespace, riverside: Council) -> None:
    foi = _open(people, riverside)
    with pytest.raises(ValidationError):
        services.request_requester_set(actor=people.comms, request=foi, name="Ann", address="", email="nope")
    done = services.request_requester_set(
        actor=people.comms, request=foi, name="Ann Jones", address="", email="ann@example.org"
    )
    assert done.has_contact
