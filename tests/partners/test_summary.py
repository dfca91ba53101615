"""The accounts summary for the policy's appendix: page, CSV and PDF, per council and combined, always current."""

from __future__ import annotations

import base64
import contextlib
import re
import zlib

import pytest
from django.utils import timezone

from townsquare.channels.models import Channel
from townsquare.partners.models import ChannelReview

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    """The text drawn on a reportlab PDF's pages (its streams are ASCII85 then Flate encoded)."""
    found = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = stream.strip()
        if raw.endswith(b"~>"):
            raw = (
                base64.a85decode(raw, adobe=True)
                if raw.startswith(b"<~")
                else base64.a85decode(b"<~" + raw, adobe=True)
            )
        with contextlib.suppress(zlib.error):  # a stream that is not compressed
            raw = zlib.decompress(raw)
        found += [m.decode("latin-1") for m in re.findall(rb"\((.*?)\) Tj", raw)]
    return " ".join(found)


@pytest.fixture
def accounts(shared, people, channel, hill_channel) -> None:
    people.officer.job_title = "Waste and Recycling Officer"
    people.officer.save()
    Channel.objects.filter(pk=channel.pk).update(
        deputy=people.officer, platform_two_factor=True, digital_access_confirmed_on=timezone.localdate()
    )
    Channel.objects.create(
        council=channel.council, platform="x", name="Old lights", handle="@Lights19", status=Channel.Status.CLOSED
    )
    ChannelReview.objects.create(channel=hill_channel, reviewed_on=timezone.localdate(), reviewed_by=shared)


def test_page_names_posts_not_people_and_shows_each_council(client_for, shared, accounts) -> None:
    response = client_for(shared).get("/all/accounts-summary/")
    body = response.content.decode()
    summaries = {s.council.slug: s.rows for s in response.context["summaries"]}
    river = summaries["riverside"][0]
    assert (river.owner, river.deputy) == ("Post title not recorded", "Waste and Recycling Officer")
    assert river.two_factor == "On" and river.digital_access.endswith(str(timezone.localdate().year))
    assert river.last_review == "Never reviewed"
    hill = summaries["hillcrest"][0]
    assert hill.owner == "Communications Manager" and hill.deputy == "None named"
    assert hill.two_factor == "Not confirmed" and hill.digital_access == "Not confirmed"
    assert hill.last_review.endswith(str(timezone.localdate().year))
    assert "Old lights" not in body  # closed accounts are not in use
    assert "Shared Comms" not in body.split("<main", 1)[1].split("Record a review")[0]


def test_summary_is_always_current(client_for, shared, accounts, hill_channel) -> None:
    client = client_for(shared)
    Channel.objects.filter(pk=hill_channel.pk).update(platform_two_factor=True)
    rows = client.get("/all/accounts-summary/?council=hillcrest").context["summaries"][0].rows
    assert rows[0].two_factor == "On"


def test_csv_and_pdf_combined_and_per_council(client_for, shared, accounts) -> None:
    client = client_for(shared)
    csv = client.get("/all/accounts-summary/?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("Council,Platform,Account,Handle,Service,Owner (post title)")
    assert {line.split(",")[0] for line in lines[1:]} == {"Riverside District Council", "Hillcrest District Council"}
    pdf = client.get("/all/accounts-summary/?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content)
    assert "Riverside District Council" in text and "Hillcrest District Council" in text
    assert "Communications Manager" in text
    one = client.get("/c/hillcrest/accounts-summary/?format=pdf")
    assert "attachment" in one["Content-Disposition"] and "hillcrest-accounts-summary" in one["Content-Disposition"]
    assert "Riverside" not in pdf_text(one.content)
    page = client.get("/c/hillcrest/accounts-summary/")
    assert page.status_code == 200 and "Riverside" not in page.content.decode().split("<main", 1)[1]


def test_per_council_summary_outsiders_and_roles(client_for, people, accounts) -> None:
    assert client_for(people.outsider).get("/c/riverside/accounts-summary/").status_code == 404
    assert client_for(people.outsider).get("/c/hillcrest/accounts-summary/").status_code == 403
    assert client_for(people.councillor).get("/c/riverside/accounts-summary/").status_code == 403
    assert client_for(people.auditor).get("/c/riverside/accounts-summary/?format=csv").status_code == 200


def test_auditor_reads_but_cannot_record_a_review(client_for, people, channel) -> None:
    client = client_for(people.auditor)
    assert client.get("/all/accounts-summary/").context["review_form"] is None
    day = timezone.localdate().isoformat()
    assert client.post("/all/accounts-summary/reviews/", {"channel": channel.pk, "reviewed_on": day}).status_code == 403
    assert not ChannelReview.objects.exists()


def test_review_form_records_at_the_council_where_allowed(client_for, mixed, channel, hill_channel) -> None:
    client = client_for(mixed)
    day = timezone.localdate().isoformat()
    # Mixed roles: a communications officer at Riverside, a councillor at Hillcrest.
    response = client.post(
        "/all/accounts-summary/reviews/", {"channel": hill_channel.pk, "reviewed_on": day}, follow=True
    )
    assert "Not recorded" in response.content.decode()
    assert not ChannelReview.objects.exists()
    client.post("/all/accounts-summary/reviews/", {"channel": channel.pk, "reviewed_on": day, "note": "All fine"})
    assert ChannelReview.objects.get().channel == channel


def test_review_bad_input_and_unsafe_return_address(client_for, shared, channel) -> None:
    client = client_for(shared)
    response = client.post(
        "/all/accounts-summary/reviews/", {"channel": channel.pk, "reviewed_on": "31/02/2026"}, follow=True
    )
    assert "Not recorded" in response.content.decode()
    day = timezone.localdate().isoformat()
    response = client.post(
        "/all/accounts-summary/reviews/", {"channel": channel.pk, "reviewed_on": day, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/all/accounts-summary/"
