"""PUB-12: which elections bind a draft (whole council, or only posts about a by-election's area),
and PUB-08: campaigns set up after the notice of election."""

import datetime as dt

import pytest

from tests.policy.conftest import IN_WINDOW, OUTSIDE, rules
from townsquare.audit.models import AuditEvent
from townsquare.channels.models import Channel
from townsquare.policy.models import ChannelArea
from townsquare.policy.services import (
    channel_area_update,
    check_draft,
    election_save,
    election_windows_for,
    emergency_override_record,
)

QUOTE = 'Cllr Jones said: "The new leisure centre opens on Monday."'


@pytest.fixture
def by_election(riverside):
    """The Mill ward by-election, in the same weeks as the locals fixture."""
    return election_save(
        actor=None,
        council=riverside,
        data={
            "title": "Mill ward by-election",
            "election_type": "by_election",
            "notice_date": dt.date(2026, 3, 30),
            "poll_date": dt.date(2026, 5, 7),
            "area": "Mill ward",
            "wards": "Mill\nWeir Street",
            "candidates": "Rachel Obi, @RachelObiMill\nGareth Pryce",
        },
    )


@pytest.fixture
def mill_page(riverside):
    return Channel.objects.create(council=riverside, platform="facebook", name="Mill Community", handle="MillCommunity")


def election_findings(result):
    return [f for f in result.findings if f.rule.startswith("PUB-") and f.rule != "PUB-02"]


def test_by_election_does_not_bind_posts_elsewhere(riverside, by_election, channel) -> None:
    result = check_draft(council=riverside, text=QUOTE, channels=[channel], scheduled_for=IN_WINDOW)
    assert election_findings(result) == [] and result.election == "" and not result.blocked


def test_by_election_binds_a_channel_serving_its_ward(riverside, by_election, mill_page) -> None:
    channel_area_update(actor=None, council=riverside, channel=mill_page, wards="Mill")
    result = check_draft(council=riverside, text=QUOTE, channels=[mill_page], scheduled_for=IN_WINDOW)
    assert result.blocked and result.election == "Mill ward by-election"
    quote = next(f for f in result.findings if f.rule == "PUB-05")
    assert (
        "Mill ward by-election applies because this post goes to Mill Community (Facebook), which serves Mill."
        in quote.message
    )
    assert not check_draft(council=riverside, text=QUOTE, channels=[mill_page], scheduled_for=OUTSIDE).blocked


def test_ward_names_match_with_or_without_ward(riverside, by_election, mill_page) -> None:
    channel_area_update(actor=None, council=riverside, channel=mill_page, wards="mill ward")
    assert check_draft(council=riverside, text=QUOTE, channels=[mill_page], scheduled_for=IN_WINDOW).blocked


def test_by_election_binds_a_post_naming_its_area(riverside, by_election) -> None:
    text = "Road closure on Weir Street next week. " + QUOTE
    result = check_draft(council=riverside, text=text, channels=["x"], scheduled_for=IN_WINDOW)
    assert result.blocked
    assert "applies because the post names “Weir Street”, in the area it covers" in next(
        f.message for f in result.findings if f.rule == "PUB-05"
    )
    # "Mill ward" is named by "Mill" too: a street in the ward counts.
    assert check_draft(council=riverside, text="Mill Lane is closed. " + QUOTE, scheduled_for=IN_WINDOW).blocked


def test_by_election_binds_a_post_naming_its_candidate(riverside, by_election) -> None:
    text = "Thanks to Rachel Obi for opening the food bank."
    result = check_draft(council=riverside, text=text, scheduled_for=IN_WINDOW)
    found = [f for f in result.findings if f.rule == "PUB-04"]
    assert [text[f.start : f.end] for f in found] == ["Rachel Obi"]
    assert "applies because the post names “Rachel Obi”, a candidate in it" in found[0].message


def test_whole_council_election_binds_every_post_and_says_so(riverside, election, by_election, channel) -> None:
    result = check_draft(council=riverside, text=QUOTE, channels=[channel], scheduled_for=IN_WINDOW)
    assert result.blocked and result.election == "Riverside district elections 2026"
    assert "Riverside district elections 2026 covers every post of the council." in next(
        f.message for f in result.findings if f.rule == "PUB-05"
    )
    # Both apply to a post in Mill: one finding a span, the council-wide election's, and both named.
    result = check_draft(council=riverside, text="In Mill: " + QUOTE, scheduled_for=IN_WINDOW)
    assert result.election == "Riverside district elections 2026; Mill ward by-election"
    assert len([f for f in result.findings if f.rule == "PUB-05"]) == 1
    # The by-election's candidate is caught, even though the locals' list does not have her.
    text = "Rachel Obi opened the food bank."
    assert [f.rule for f in check_draft(council=riverside, text=text, scheduled_for=IN_WINDOW).findings] == ["PUB-04"]


@pytest.mark.parametrize(
    ("kind", "wards", "scoped"),
    [
        ("local", "Mill", False),  # a council's own elections bind every post, even by thirds
        ("general", "", False),
        ("devolved", "", False),
        ("by_election", "", True),
        ("mayoral", "", False),
        ("mayoral", "Mill", True),
        ("pcc", "Mill", True),
    ],
)
def test_election_types_and_scope(riverside, kind, wards, scoped) -> None:
    election_save(
        actor=None,
        council=riverside,
        data={
            "title": "Poll",
            "election_type": kind,
            "notice_date": dt.date(2026, 3, 30),
            "poll_date": dt.date(2026, 5, 7),
            "area": "Mill ward" if wards else "",
            "wards": wards,
            "candidates": "",
        },
    )
    assert check_draft(council=riverside, text=QUOTE, scheduled_for=IN_WINDOW).blocked is not scoped
    assert election_windows_for(riverside, IN_WINDOW)[0].scoped is scoped


def test_override_still_lifts_a_by_election_block(riverside, people, by_election) -> None:
    override = emergency_override_record(
        actor=people.comms, council=riverside, draft_ref="publishing.post:9", reason="Flood warning for Mill"
    )
    text = "Flood warning for Mill Lane. " + QUOTE
    result = check_draft(council=riverside, text=text, scheduled_for=IN_WINDOW, override=override)
    assert result.override_applied and not result.blocked
    quote = next(f for f in result.findings if f.rule == "PUB-05")
    assert quote.severity == "info" and "Flood warning for Mill" in quote.message and "names “Mill”" in quote.message


def test_channel_area_recorded_audited_and_cleared(riverside, people, mill_page, hillcrest) -> None:
    area = channel_area_update(
        actor=people.comms, council=riverside, channel=mill_page, wards="Mill\n\nWeir Street\nmill"
    )
    assert area is not None and area.ward_list == ["Mill", "Weir Street"]
    event = AuditEvent.objects.get(action="policy.channel_area_changed")
    assert event.actor == people.comms and event.after["wards"] == ["Mill", "Weir Street"]
    channel_area_update(actor=people.comms, council=riverside, channel=mill_page, wards="Mill\nWeir Street")
    assert AuditEvent.objects.filter(action="policy.channel_area_changed").count() == 1  # no change, no event
    assert channel_area_update(actor=people.comms, council=riverside, channel=mill_page, wards=" ") is None
    assert not ChannelArea.objects.exists()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        channel_area_update(actor=people.comms, council=hillcrest, channel=mill_page, wards="Mill")


def test_campaign_created_after_notice_warned(riverside, election) -> None:
    after = dt.datetime(2026, 3, 25, 10, 0, tzinfo=dt.UTC)
    result = check_draft(
        council=riverside,
        text="Summer reading challenge starts soon.",
        scheduled_for=IN_WINDOW,
        campaign_name="Summer reading",
        campaign_created_at=after,
    )
    found = [f for f in result.findings if f.rule == "PUB-08"]
    assert [(f.severity, f.start, f.end) for f in found] == [("warn", 0, 0)]
    assert (
        "“Summer reading” was set up on 25 March 2026, after the notice of election on 23 March 2026"
        in found[0].message
    )
    assert "covers every post of the council" in found[0].message
    assert not result.blocked


@pytest.mark.parametrize(
    ("created", "warned"),
    [
        (dt.datetime(2026, 3, 22, 23, 59, tzinfo=dt.UTC), False),  # planned the evening before the notice
        (dt.datetime(2026, 3, 23, 0, 0, tzinfo=dt.UTC), True),  # the notice day itself
    ],
)
def test_campaign_planned_before_the_notice_is_fine(riverside, election, created, warned) -> None:
    result = check_draft(
        council=riverside,
        text="Summer reading",
        scheduled_for=IN_WINDOW,
        campaign_name="Summer reading",
        campaign_created_at=created,
    )
    assert ("PUB-08" in rules(result)) is warned


def test_campaign_outside_window_or_other_area_not_warned(riverside, by_election, channel) -> None:
    late = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    assert "PUB-08" not in rules(
        check_draft(
            council=riverside,
            text="Summer reading",
            scheduled_for=OUTSIDE,
            campaign_name="Summer reading",
            campaign_created_at=late,
        )
    )
    assert "PUB-08" not in rules(
        check_draft(
            council=riverside,
            text="Summer reading",
            channels=[channel],
            scheduled_for=IN_WINDOW,
            campaign_name="Summer reading",
            campaign_created_at=late,
        )
    )
    assert "PUB-08" in rules(
        check_draft(
            council=riverside,
            text="Summer reading in Mill",
            scheduled_for=IN_WINDOW,
            campaign_name="Summer reading",
            campaign_created_at=late,
        )
    )
