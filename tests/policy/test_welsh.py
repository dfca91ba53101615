"""PUB-15: councils in Wales publish in Welsh and English together."""

import pytest

from tests.policy.conftest import rules

BILINGUAL = (
    "Bydd casgliadau biniau yn newid yr wythnos hon. Ewch i'n gwefan am fwy o wybodaeth.\n\n"
    "Bin collections change this week. Visit our website for more information."
)
ENGLISH = "Bin collections change this week. Visit our website for more information."
WELSH = "Bydd casgliadau biniau yn newid yr wythnos hon. Ewch i'n gwefan am fwy o wybodaeth."


@pytest.fixture
def wales(riverside):
    riverside.in_wales = True
    riverside.save()
    return riverside


def test_english_only_blocked_in_wales(check, wales) -> None:
    result = check(ENGLISH)
    assert rules(result) == ["PUB-15"]
    assert result.blocked and "no Welsh version" in result.findings[0].message


def test_welsh_only_blocked_in_wales(check, wales) -> None:
    assert "no English version" in check(WELSH).findings[0].message


def test_bilingual_passes(check, wales) -> None:
    assert "PUB-15" not in rules(check(BILINGUAL))
    assert "PUB-15" not in rules(check(ENGLISH.replace(". ", ". / ") + " / " + WELSH))


def test_linked_pair_and_replies_pass(check, wales) -> None:
    assert "PUB-15" not in rules(check(ENGLISH, has_language_pair=True))
    assert "PUB-15" not in rules(check(ENGLISH, is_reply=True))


def test_english_council_not_checked(check) -> None:
    assert "PUB-15" not in rules(check(ENGLISH))
