"""The archive's pages and API: search, a record with its versions, retention, disposal and holds;
outsiders kept out."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.archive.factories import capture
from townsquare.archive.models import ArchiveRecord, LegalHold, RetentionClass
from townsquare.archive.services import archive_capture, archive_deletion_seen, archive_edit_seen
from townsquare.audit.models import AuditEvent
from townsquare.channels.models import Channel
from townsquare.councils.models import Council

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(riverside: Council, channel: Channel) -> list[ArchiveRecord]:
    other = Channel.objects.create(council=riverside, platform="x", name="Riverside Main", handle="@Riverside")
    made = archive_capture(
        captures=[
            capture(ch, n, f"Leisure centre closure notice {n}", days_ago=n)
            for n, ch in enumerate([channel, channel, other])
        ]
    )
    archive_edit_seen(record=made[0], text="Leisure centre closure notice 0 (corrected)")
    archive_deletion_seen(record=made[1], how="Not on the account")
    return made


def test_search_page_finds_versions_and_filters(
    client_for, people: SimpleNamespace, records: list[ArchiveRecord]
) -> None:
    client = client_for(people.auditor)
    page = client.get("/c/riverside/archive/", {"q": "leisure centre", "only": "deleted"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Leisure centre closure notice 1" in body and "notice 2" not in body and "Deleted" in body
    detail = client.get(f"/c/riverside/archive/{records[0].pk}/").content.decode()
    assert "Version 1: Captured" in detail and "Version 2: Edited" in detail and "(corrected)" in detail
    bad = client.get("/c/riverside/archive/", {"kind": "gossip", "from": "soon"})
    assert bad.status_code == 200 and "Unknown kind of record" in bad.content.decode()


def test_officer_sees_only_their_channels_records(
    client_for, people: SimpleNamespace, records: list[ArchiveRecord]
) -> None:
    client = client_for(people.officer)
    body = client.get("/c/riverside/archive/", {"q": "leisure"}).content.decode()
    assert "notice 0" in body and "notice 2" not in body
    assert client.get(f"/c/riverside/archive/{records[2].pk}/").status_code == 404
    assert client.get(f"/api/councils/riverside/archive/{records[2].pk}/").status_code == 404


def test_outsiders_and_low_roles_are_kept_out(
    client_for, people: SimpleNamespace, records: list[ArchiveRecord]
) -> None:
    outsider, councillor, comms = client_for(people.outsider), client_for(people.councillor), client_for(people.comms)
    for path in (
        "/c/riverside/archive/",
        f"/c/riverside/archive/{records[0].pk}/",
        "/api/councils/riverside/archive/",
        f"/api/councils/riverside/archive/{records[0].pk}/",
        "/c/riverside/archive/retention/",
        "/c/riverside/archive/disposal/",
        "/c/riverside/archive/holds/",
    ):
        assert outsider.get(path).status_code == 404, path
        assert councillor.get(path).status_code == 403, path
    for path in ("/c/riverside/archive/retention/", "/c/riverside/archive/disposal/", "/c/riverside/archive/holds/"):
        assert comms.get(path).status_code == 403, path
    assert comms.get("/c/riverside/archive/").status_code == 200


def test_api_searches_with_filters_and_cursor(
    client_for, people: SimpleNamespace, records: list[ArchiveRecord]
) -> None:
    client = client_for(people.comms)
    first = client.get("/api/councils/riverside/archive/", {"q": "closure", "page_size": 2}).json()
    assert [r["external_id"] for r in first["results"]] == ["e0", "e1"]
    assert [v["event"] for v in first["results"][0]["versions"]] == ["captured", "edited"]
    rest = client.get(first["next"]).json()
    assert [r["external_id"] for r in rest["results"]] == ["e2"] and rest["next"] is None
    only = client.get("/api/councils/riverside/archive/", {"platform": "x", "kind": "post"}).json()
    assert [r["external_id"] for r in only["results"]] == ["e2"]
    bad = client.get("/api/councils/riverside/archive/", {"only": "maybe", "page_size": "0"})
    assert bad.status_code == 400 and "page_size" in bad.json()["detail"]
    assert client.get("/api/councils/riverside/archive/", {"cursor": "!!"}).status_code == 400
    detail = client.get(f"/api/councils/riverside/archive/{records[0].pk}/").json()
    assert first["results"][0] == {k: v for k, v in detail.items() if k != "thread"}
    one = client.get(f"/api/councils/riverside/archive/{records[1].pk}/").json()
    assert one["deleted_at"] and [v["event"] for v in one["versions"]] == ["captured", "deleted"]


def test_retention_disposal_and_holds_pages(client_for, people: SimpleNamespace, riverside: Council, records) -> None:  # type: ignore[no-untyped-def]
    client = client_for(people.auditor)
    bad = client.post(
        "/c/riverside/archive/retention/", {"kind": "post", "name": "", "retain_years": "x", "legal_basis": ""}
    )
    assert bad.status_code == 200 and not RetentionClass.objects.exists()
    saved = client.post(
        "/c/riverside/archive/retention/",
        {"kind": "post", "name": "Posts", "retain_years": "0.003", "legal_basis": "Test schedule"},
    )
    assert saved.status_code == 302 and RetentionClass.objects.get().retain_days == 1
    placed = client.post(
        "/c/riverside/archive/holds/", {"reference": "FOI-7", "reason": "Open request", "q": "notice 2"}
    )
    assert placed.status_code == 302 and LegalHold.objects.get().query["q"] == "notice 2"
    preview = client.get("/c/riverside/archive/disposal/").content.decode()
    assert "Posts (1 days)" in preview
    assert client.post("/c/riverside/archive/disposal/").status_code == 302
    # The posts of one and two days ago are past a day; the older is held.
    assert set(ArchiveRecord.objects.values_list("pk", flat=True)) == {records[0].pk, records[2].pk}
    hold = LegalHold.objects.get()
    assert client.post(f"/c/riverside/archive/holds/{hold.pk}/release/", {"reason": ""}).status_code == 302
    assert LegalHold.objects.get().active
    client.post(f"/c/riverside/archive/holds/{hold.pk}/release/", {"reason": "Answered"})
    assert not LegalHold.objects.get().active
    assert (
        AuditEvent.objects.filter(
            action__in=["archive.retention_set", "archive.hold_placed", "archive.hold_released"]
        ).count()
        == 3
    )
