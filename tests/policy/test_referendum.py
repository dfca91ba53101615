"""PUB-13: the referendum period, its issue words, its exemptions, its area, and its records."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from tests.policy.conftest import rules
from townsquare.audit.models import AuditEvent
from townsquare.channels.models import Channel
from townsquare.policy.models import Referendum
from townsquare.policy.services import (
    channel_area_update,
    check_draft,
    emergency_override_record,
    referendum_delete,
    referendum_periods_for,
    referendum_save,
    rule_configure,
    word_list_update,
)

LONDON = ZoneInfo("Europe/London")
POLL = dt.date(2026, 10, 1)  # a Thursday; the period runs from Friday 4 September (BST)
INSIDE = dt.datetime(2026, 9, 20, 9, 0, tzinfo=LONDON)
ARGUMENT = "A directly elected mayor would give Riverside a stronger voice."


@pytest.fixture
def referendum(riverside):
    word_list_update(actor=None, council=riverside, kind="referendum_issue", words="elected mayor\nmayoral model")
    return referendum_save(
        actor=None,
        council=riverside,
        data={
            "question": "Should Riverside District Council have a directly elected mayor?",
            "poll_date": POLL,
            "area": "",
            "wards": "",
        },
    )


def test_issue_words_blocked_in_the_period(riverside, referendum) -> None:
    result = check_draft(council=riverside, text=ARGUMENT, scheduled_for=INSIDE)
    found = [f for f in result.findings if f.rule == "PUB-13"]
    assert [(ARGUMENT[f.start : f.end], f.severity) for f in found] == [("elected mayor", "block")]
    assert "28 days ending with polling day, 1 October 2026" in found[0].message
    assert "covers every post of the council" in found[0].message
    assert found[0].source == "Political Parties, Elections and Referendums Act 2000, s.125"
    assert result.blocked


@pytest.mark.parametrize(
    ("when", "inside"),
    [
        (dt.datetime(2026, 9, 3, 23, 59, tzinfo=LONDON), False),
        (dt.datetime(2026, 9, 4, 0, 0, tzinfo=LONDON), True),  # 28 days ending with 1 October
        (dt.datetime(2026, 10, 1, 23, 59, tzinfo=LONDON), True),  # polling day is the last of them
        (dt.datetime(2026, 10, 2, 0, 0, tzinfo=LONDON), False),
    ],
)
def test_period_boundaries(riverside, referendum, when, inside) -> None:
    assert ("PUB-13" in rules(check_draft(council=riverside, text=ARGUMENT, scheduled_for=when))) is inside
    assert bool(referendum_periods_for(riverside, when)) is inside


def test_poll_information_and_press_notices_are_exempt(riverside, referendum) -> None:
    text = "Polling stations are open 7am to 10pm on 1 October for the elected mayor referendum."
    result = check_draft(council=riverside, text=text, scheduled_for=INSIDE)
    found = [f for f in result.findings if f.rule == "PUB-13"]
    assert [f.severity for f in found] == ["warn"] and not result.blocked
    assert "“Polling stations” reads as information about the poll" in found[0].message


def test_other_posts_pass(riverside, referendum) -> None:
    assert "PUB-13" not in rules(check_draft(council=riverside, text="Bins go out on Tuesday.", scheduled_for=INSIDE))


def test_rule_is_data_switch_severity_and_words(riverside, referendum, people) -> None:
    rule_configure(
        actor=people.comms,
        council=riverside,
        rule="PUB-13",
        enabled=True,
        severity="warn",
        lists={"referendum_issue": "stronger voice", "referendum_exempt": "poll card"},
    )
    result = check_draft(council=riverside, text=ARGUMENT, scheduled_for=INSIDE)
    assert [(ARGUMENT[f.start : f.end], f.severity) for f in result.findings if f.rule == "PUB-13"] == [
        ("stronger voice", "warn")
    ]
    rule_configure(actor=people.comms, council=riverside, rule="PUB-13", enabled=False, severity="block", lists={})
    assert "PUB-13" not in rules(check_draft(council=riverside, text=ARGUMENT, scheduled_for=INSIDE))


def test_emergency_override_does_not_lift_it(riverside, referendum, people) -> None:
    override = emergency_override_record(actor=people.comms, council=riverside, draft_ref="x:1", reason="Storm")
    result = check_draft(council=riverside, text=ARGUMENT, scheduled_for=INSIDE, override=override)
    assert result.blocked and not result.override_applied


def test_neighbourhood_plan_referendum_binds_its_area_only(riverside) -> None:
    word_list_update(actor=None, council=riverside, kind="referendum_issue", words="neighbourhood plan")
    referendum_save(
        actor=None,
        council=riverside,
        data={
            "question": "Do you want Riverside District Council to use the Mill Neighbourhood Plan?",
            "poll_date": POLL,
            "area": "Mill parish",
            "wards": "Mill",
        },
    )
    page = Channel.objects.create(council=riverside, platform="facebook", name="Mill Community", handle="MillCo")
    text = "Read the neighbourhood plan before you vote."
    assert "PUB-13" not in rules(check_draft(council=riverside, text=text, scheduled_for=INSIDE))
    channel_area_update(actor=None, council=riverside, channel=page, wards="Mill")
    result = check_draft(council=riverside, text=text, channels=[page], scheduled_for=INSIDE)
    assert "goes to Mill Community (Facebook), which serves Mill" in next(
        f.message for f in result.findings if f.rule == "PUB-13"
    )
    assert "PUB-13" in rules(check_draft(council=riverside, text="Mill: " + text, scheduled_for=INSIDE))


def test_referendum_saved_changed_removed_and_audited(riverside, people) -> None:
    referendum = referendum_save(
        actor=people.comms,
        council=riverside,
        data={"question": "  Should   the council have a mayor? ", "poll_date": POLL, "area": "", "wards": ""},
    )
    assert referendum.question == "Should the council have a mayor?" and referendum.created_by == people.comms
    assert referendum.period_starts_on == dt.date(2026, 9, 4)
    referendum_save(
        actor=people.comms,
        council=riverside,
        referendum=referendum,
        data={
            "question": "Should the council have a mayor?",
            "poll_date": POLL + dt.timedelta(days=7),
            "area": "",
            "wards": "",
        },
    )
    referendum_delete(actor=people.comms, council=riverside, referendum=referendum)
    assert list(
        AuditEvent.objects.filter(action__startswith="policy.referendum")
        .values_list("action", flat=True)
        .order_by("seq")
    ) == ["policy.referendum_recorded", "policy.referendum_changed", "policy.referendum_removed"]
    assert not Referendum.objects.exists()


def test_referendum_without_question_refused(riverside) -> None:
    with pytest.raises(ValidationError):
        referendum_save(actor=None, council=riverside, data={"question": " ", "poll_date": POLL})
    assert not Referendum.objects.exists() and not AuditEvent.objects.exists()
