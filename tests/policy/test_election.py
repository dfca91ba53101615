"""The pre-election period: PUB-03 window, PUB-04/05/06 blocks, PUB-07/09/10 warnings, overrides."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.policy.conftest import IN_WINDOW, OUTSIDE, rules, spans
from townsquare.audit.models import AuditEvent
from townsquare.policy.services import check_draft, election_window_for, emergency_override_record

LONDON = ZoneInfo("Europe/London")
QUOTE = 'Cllr Jones said: "The new leisure centre opens on Monday."'


def test_quote_from_councillor_blocked_inside_window(check, election) -> None:
    result = check(QUOTE, scheduled_for=IN_WINDOW)
    assert result.blocked
    assert "PUB-05" in rules(result)
    assert spans(result, QUOTE, "PUB-04") == ["Cllr Jones"]
    assert result.election == "Riverside district elections 2026"
    assert "LGA, Pre-election period: social media" in next(f.source for f in result.findings if f.rule == "PUB-04")


def test_same_quote_passes_outside_window(check, election) -> None:
    result = check(QUOTE, scheduled_for=OUTSIDE)
    assert not {"PUB-04", "PUB-05"} & set(rules(result))
    assert result.election == ""


def test_candidates_named_and_tagged(check, election) -> None:
    text = "Priya Shah opened the food bank. Thanks @PriyaForRiverside and Tom Baker."
    found = spans(check(text, scheduled_for=IN_WINDOW), text, "PUB-04")
    assert found == ["Priya Shah", "@PriyaForRiverside", "Tom Baker"]


def test_councillors_list_applies_in_window(check, election, riverside) -> None:
    from townsquare.policy.services import word_list_update

    word_list_update(actor=None, council=riverside, kind="councillors", words="Amy Patel\n@cllr_patel")
    text = "Amy Patel visited the library today."
    assert spans(check(text, scheduled_for=IN_WINDOW), text, "PUB-04") == ["Amy Patel"]
    assert "PUB-04" not in rules(check(text, scheduled_for=OUTSIDE))


def test_reshare_of_politician_blocked(check, election) -> None:
    text = "RT @cllr_jones: great turnout at the litter pick"
    assert "PUB-06" in rules(check(text, scheduled_for=IN_WINDOW))
    assert "PUB-06" not in rules(check("RT @RiversideLibraries: story time is back", scheduled_for=IN_WINDOW))


def test_controversial_consultation_and_record_warned(check, election) -> None:
    text = "Have your say on the library closures. Since we took office we have kept our promises delivered."
    result = check(text, scheduled_for=IN_WINDOW)
    by_rule = {f.rule: f.severity for f in result.findings}
    assert by_rule["PUB-07"] == "warn"
    assert by_rule["PUB-09"] == "warn"
    assert by_rule["PUB-10"] == "warn"
    assert not result.blocked


def test_statutory_consultation_not_warned(check, election) -> None:
    text = "The statutory consultation on the licensing policy closes on Friday."
    assert "PUB-09" not in rules(check(text, scheduled_for=IN_WINDOW))


def test_factual_post_passes_in_window(check, election) -> None:
    text = "Polling stations are open from 7am to 10pm on Thursday 7 May. Find yours on our website."
    assert rules(check(text, scheduled_for=IN_WINDOW)) == []


@pytest.mark.parametrize(
    ("when", "inside"),
    [
        # Notice day, 23 March 2026, is in GMT: the window opens at 00:00 UTC.
        (dt.datetime(2026, 3, 22, 23, 59, 59, tzinfo=dt.UTC), False),
        (dt.datetime(2026, 3, 23, 0, 0, tzinfo=dt.UTC), True),
        # Polling day, 7 May 2026, is in BST: close of poll 22:00 BST is 21:00 UTC.
        (dt.datetime(2026, 5, 7, 20, 59, 59, tzinfo=dt.UTC), True),
        (dt.datetime(2026, 5, 7, 21, 0, tzinfo=dt.UTC), False),
        (dt.datetime(2026, 5, 7, 21, 30, tzinfo=LONDON), True),
        (dt.datetime(2026, 5, 7, 22, 0, tzinfo=LONDON), False),
    ],
)
def test_window_boundaries_in_europe_london(riverside, election, when, inside) -> None:
    assert (election_window_for(riverside, when) is not None) is inside
    result = check_draft(council=riverside, text=QUOTE, scheduled_for=when)
    assert ("PUB-05" in rules(result)) is inside


def test_window_boundary_when_notice_day_is_in_bst(riverside) -> None:
    from townsquare.policy.services import election_save

    election_save(
        actor=None,
        council=riverside,
        data={
            "title": "Hill ward by-election",
            "election_type": "by_election",
            "notice_date": dt.date(2026, 9, 28),
            "poll_date": dt.date(2026, 11, 5),
            "area": "Hill ward",
            "wards": "Hill",
            "candidates": "",
        },
    )
    # 28 September is BST: the window opens at 23:00 UTC the evening before.
    assert election_window_for(riverside, dt.datetime(2026, 9, 27, 22, 59, tzinfo=dt.UTC)) is None
    assert election_window_for(riverside, dt.datetime(2026, 9, 27, 23, 0, tzinfo=dt.UTC)) is not None
    # 5 November is GMT: close of poll is 22:00 UTC.
    assert election_window_for(riverside, dt.datetime(2026, 11, 5, 21, 59, tzinfo=dt.UTC)) is not None
    assert election_window_for(riverside, dt.datetime(2026, 11, 5, 22, 0, tzinfo=dt.UTC)) is None


def test_naive_schedule_read_as_london_time(riverside, election) -> None:
    assert election_window_for(riverside, dt.datetime(2026, 5, 7, 21, 59)) is not None
    assert election_window_for(riverside, dt.datetime(2026, 5, 7, 22, 0)) is None


def test_unscheduled_draft_checked_now(riverside, election) -> None:
    from unittest import mock

    with mock.patch("townsquare.policy.services.timezone.now", return_value=IN_WINDOW):
        assert "PUB-05" in rules(check_draft(council=riverside, text=QUOTE))
    with mock.patch("townsquare.policy.services.timezone.now", return_value=OUTSIDE):
        assert "PUB-05" not in rules(check_draft(council=riverside, text=QUOTE))


def test_override_is_audited_and_downgrades_election_findings_only(riverside, people, election) -> None:
    override = emergency_override_record(
        actor=people.comms, council=riverside, draft_ref="publishing.post:7", reason="Flood warning for the river wards"
    )
    event = AuditEvent.objects.get(action="policy.override_recorded")
    assert event.actor == people.comms
    assert event.reason == "Flood warning for the river wards"
    assert event.after["draft_ref"] == "publishing.post:7"
    text = QUOTE + " Vote Labour."
    result = check_draft(council=riverside, text=text, scheduled_for=IN_WINDOW, override=override)
    assert result.override_applied
    severities = {f.rule: f.severity for f in result.findings}
    assert severities["PUB-05"] == "info" and severities["PUB-04"] == "info"
    assert severities["PUB-02"] == "block"  # party politics is never overridden
    assert "Flood warning" in next(f.message for f in result.findings if f.rule == "PUB-05")


def test_override_needs_a_reason(riverside, people) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        emergency_override_record(actor=people.comms, council=riverside, draft_ref="publishing.post:7", reason="  ")
    assert not AuditEvent.objects.filter(action="policy.override_recorded").exists()


def test_another_councils_override_does_nothing(riverside, hillcrest, people, election) -> None:
    override = emergency_override_record(actor=None, council=hillcrest, draft_ref="x:1", reason="Hillcrest storm")
    result = check_draft(council=riverside, text=QUOTE, scheduled_for=IN_WINDOW, override=override)
    assert result.blocked and not result.override_applied
