"""DP-01 residents' personal data, DP-04 children named, DP-05 personal data in public replies."""

import pytest

from tests.policy.conftest import rules, spans
from townsquare.policy.services import word_list_update


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Found a wallet near RG1 1AA, please collect.", "RG1 1AA"),
        ("Lost dog seen at SW1A 2AA this morning.", "SW1A 2AA"),
        ("Call Jo on 07700 900123 about the lost cat.", "07700 900123"),
        ("Ring +44 7700 900456 for details.", "+44 7700 900456"),
        ("Mrs Green's number is 01632 960001.", "01632 960001"),
        ("Email jo.bloggs@example.com with the photos.", "jo.bloggs@example.com"),
        ("Her NI number is JM 12 34 56 D.", "JM 12 34 56 D"),
        ("The car AB12 CDE was parked on the verge.", "AB12 CDE"),
        ("Van A123 BCD left rubbish on the verge.", "A123 BCD"),
    ],
)
def test_personal_data_found(check, text, found) -> None:
    result = check(text)
    assert spans(result, text, "DP-01") == [found]
    assert result.blocked


@pytest.mark.parametrize(
    "text",
    [
        "COVID-19 vaccination clinics are open all week.",
        "The A303 and M25 are closed overnight.",
        "Call us on 0300 123 4567 or 0800 123 4567, or email bins@riverside.gov.uk.",
        "Our libraries open at 9am; 2024 figures show 12% more visitors.",
        "Follow @RiversideDC for updates.",
        "Ring 999 in an emergency or 101 for the police.",
    ],
)
def test_ordinary_council_text_not_flagged(check, text) -> None:
    assert not {"DP-01", "DP-04", "DP-05"} & set(rules(check(text)))


def test_councils_own_contact_details_can_be_allowed(check, riverside) -> None:
    text = "Visit us at the Town Hall, RG1 1AA, or call 01632 960000."
    assert len(spans(check(text), text, "DP-01")) == 2
    word_list_update(actor=None, council=riverside, kind="allowed_contacts", words="RG1 1AA\n01632 960000")
    assert "DP-01" not in rules(check(text))


def test_named_child_blocked(check) -> None:
    text = "Well done to Amelia, aged 9, who won our poster competition!"
    result = check(text)
    assert spans(result, text, "DP-04") == ["Amelia"]
    assert result.blocked


@pytest.mark.parametrize(
    "text",
    [
        "Children from Riverside Primary School planted 200 trees.",
        "Pupils at Hillside Primary helped us plant trees.",
        "Grace Park reopens on Saturday after the works.",
        "Thanks to Oliver Street residents for their patience.",
    ],
)
def test_children_without_names_pass(check, text) -> None:
    assert "DP-04" not in rules(check(text))


def test_reply_with_address_blocked_as_dp05(check) -> None:
    text = "Thanks, we'll send a crew to 14 Acacia Avenue tomorrow."
    reply = check(text, is_reply=True)
    assert spans(reply, text, "DP-05") == ["14 Acacia Avenue"]
    assert reply.blocked
    # In an original post a street address is a place, not someone's data.
    assert "DP-05" not in rules(check(text)) and "DP-01" not in rules(check(text))


def test_reply_with_phone_is_dp05(check) -> None:
    text = "We have your number as 07700 900123; we will call you."
    assert rules(check(text, is_reply=True)) == ["DP-05"]
