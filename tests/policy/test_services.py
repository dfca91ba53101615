"""Settings services: every change audited in its transaction, and seen by the next check."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from townsquare.audit.models import AuditEvent
from townsquare.policy.models import RuleSetting, WordList
from townsquare.policy.services import (
    check_draft,
    election_delete,
    election_save,
    rule_configure,
    rule_setting_update,
    word_list_update,
)


def test_rule_change_audited_with_before_and_after(riverside, people) -> None:
    rule_setting_update(actor=people.comms, council=riverside, rule="AX-05", enabled=False, severity="info")
    event = AuditEvent.objects.get(action="policy.rule_changed")
    assert event.actor == people.comms and event.council == riverside
    assert event.before == {"rule": "AX-05", "enabled": True, "severity": "warn"}
    assert event.after == {"rule": "AX-05", "enabled": False, "severity": "info"}


def test_unchanged_rule_writes_no_event(riverside, people) -> None:
    rule_setting_update(actor=people.comms, council=riverside, rule="AX-05", enabled=True, severity="warn")
    assert not AuditEvent.objects.filter(action="policy.rule_changed").exists()


def test_bad_rule_or_severity_changes_nothing(riverside, people) -> None:
    with pytest.raises(ValidationError):
        rule_setting_update(actor=people.comms, council=riverside, rule="NOPE-1", enabled=True, severity="warn")
    with pytest.raises(ValidationError):
        rule_setting_update(actor=people.comms, council=riverside, rule="AX-05", enabled=True, severity="panic")
    assert not RuleSetting.objects.exists()


def test_word_list_change_audited_with_added_and_removed(riverside, people) -> None:
    word_list_update(actor=people.admin, council=riverside, kind="profanity", words="crap\nbollocks\nnewword")
    event = AuditEvent.objects.get(action="policy.word_list_changed")
    assert event.after["added"] == ["newword"]
    assert "shit" in event.after["removed"]
    assert WordList.objects.get(council=riverside, kind="profanity").words == "crap\nbollocks\nnewword"


def test_change_reaches_the_next_check_at_once(riverside, people) -> None:
    assert "LOCAL-01" not in [f.rule for f in check_draft(council=riverside, text="The quarry plan").findings]
    word_list_update(actor=people.comms, council=riverside, kind="blocked_words", words="quarry")
    assert "LOCAL-01" in [f.rule for f in check_draft(council=riverside, text="The quarry plan").findings]


def test_councils_do_not_share_settings(riverside, hillcrest, people) -> None:
    word_list_update(actor=people.comms, council=riverside, kind="blocked_words", words="quarry")
    assert not check_draft(council=hillcrest, text="The quarry plan").forces_approval


def test_rule_configure_rejects_other_rules_lists(riverside, people) -> None:
    with pytest.raises(ValidationError):
        rule_configure(
            actor=people.comms, council=riverside, rule="AX-05", enabled=True, severity="warn", lists={"profanity": "x"}
        )
    assert not WordList.objects.exists()


def test_election_recorded_changed_removed_audited(riverside, people) -> None:
    data = {
        "title": "By-election",
        "election_type": "by_election",
        "notice_date": dt.date(2026, 1, 5),
        "poll_date": dt.date(2026, 2, 12),
        "area": "Hill ward",
        "wards": "Hill",
        "candidates": "A Person",
    }
    election = election_save(actor=people.comms, council=riverside, data=data)
    election_save(actor=people.comms, council=riverside, election=election, data={**data, "candidates": "B Person"})
    election_delete(actor=people.comms, council=riverside, election=election)
    actions = list(
        AuditEvent.objects.filter(council=riverside, action__startswith="policy.election")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["policy.election_recorded", "policy.election_changed", "policy.election_removed"]


def test_poll_before_notice_refused(riverside, people) -> None:
    with pytest.raises(ValidationError):
        election_save(
            actor=people.comms,
            council=riverside,
            data={
                "title": "x",
                "election_type": "local",
                "notice_date": dt.date(2026, 5, 1),
                "poll_date": dt.date(2026, 4, 1),
                "area": "",
                "wards": "",
                "candidates": "",
            },
        )
    assert not AuditEvent.objects.filter(action__startswith="policy.").exists()


def test_change_made_by_another_process_is_seen_after_the_cache_period(riverside, settings) -> None:
    from django.db.models import F

    from townsquare.policy.models import RulesRevision

    settings.POLICY_CACHE_SECONDS = 3600
    assert not check_draft(council=riverside, text="The quarry plan").forces_approval
    # Another process writes the list and bumps the version; this process's cache does not know yet.
    WordList.objects.create(council=riverside, kind="blocked_words", words="quarry")
    RulesRevision.objects.get_or_create(council=riverside)
    RulesRevision.objects.filter(council=riverside).update(version=F("version") + 1)
    assert not check_draft(council=riverside, text="The quarry plan").forces_approval
    settings.POLICY_CACHE_SECONDS = 0  # the cache period is over: the version is read again
    assert check_draft(council=riverside, text="The quarry plan").forces_approval
