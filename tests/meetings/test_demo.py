"""The demo meetings: Full Council on a Wednesday at 19:00, Cabinet and Planning, drafts, an agreed stream."""

from __future__ import annotations

from django.utils import timezone

from townsquare.councils.models import Council
from townsquare.meetings.demo import meetings_demo_load
from townsquare.meetings.models import LiveStream, Meeting
from townsquare.publishing.models import Post


def test_demo_meetings_load_through_the_services_and_only_once(demo_loaded):
    riverside = Council.objects.get(slug="riverside")
    meetings = meetings_demo_load(riverside)
    assert sorted(m.committee for m in meetings) == ["Cabinet", "Full Council", "Planning Committee"]
    full = next(m for m in meetings if m.committee == "Full Council")
    local = timezone.localtime(full.starts_at)
    assert local.weekday() == 2 and (local.hour, local.minute) == (19, 0) and full.starts_at > timezone.now()
    assert all(m.promotions.count() == 2 for m in meetings)
    assert Post.objects.filter(council=riverside, source__startswith="meeting:", status="draft").count() == 6
    stream = LiveStream.objects.get(meeting=full)
    assert stream.status == LiveStream.Status.AGREED
    assert stream.agreed_by.email == "councillor@riverside.example"
    assert stream.agreed_by_label == "Cllr Alan Reid, Portfolio Holder for Communications"
    assert stream.announcements.count() == 1
    meetings_demo_load(riverside)
    assert Meeting.objects.filter(council=riverside).count() == 3 and LiveStream.objects.count() == 1
    assert Post.objects.filter(council=riverside, source__startswith="meeting:").count() == 6
