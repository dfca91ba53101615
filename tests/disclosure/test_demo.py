"""The demo's register: the leisure centre FOI request holds its records and has redactions proposed."""

from __future__ import annotations

from types import SimpleNamespace

from townsquare.archive.models import ArchiveRecord
from townsquare.councils.models import Council
from townsquare.disclosure.demo import SUMMARY, disclosure_demo_load
from townsquare.disclosure.models import InformationRequest, Redaction


def test_demo_register(people: SimpleNamespace, riverside: Council, archived: SimpleNamespace) -> None:
    disclosure_demo_load(riverside, people.admin)
    disclosure_demo_load(riverside, people.admin)  # loading twice adds nothing
    foi = InformationRequest.objects.get(summary=SUMMARY)
    assert foi.legal_hold is not None and foi.legal_hold.active
    assert Redaction.objects.filter(request=foi).exists()
    sar = InformationRequest.objects.get(kind="sar")
    assert not sar.has_contact
    assert InformationRequest.objects.count() == 2
    assert ArchiveRecord.objects.filter(council=riverside).count() == 4
