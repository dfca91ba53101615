"""AX-01 alt text, AX-03 hashtags, AX-04 emojis, AX-05 sentence length, AX-06 links, AX-08 fancy letters."""

import pytest

from tests.policy.conftest import rules, spans


@pytest.mark.parametrize(
    ("alt", "severity"),
    [
        ("", "block"),
        ("   ", "block"),
        ("IMG_1234.jpg", "block"),
        ("DSC00042", "block"),
        ("map.png", "block"),
        ("Image of a bin lorry", "warn"),
        ("Photo of the new library", "warn"),
    ],
)
def test_bad_alt_text(check, alt, severity) -> None:
    result = check("New collection calendar out now.", images=[{"alt": alt}])
    found = [f for f in result.findings if f.rule == "AX-01"]
    assert [f.severity for f in found] == [severity]
    assert found[0].image == 1 and (found[0].start, found[0].end) == (0, 0)


def test_good_alt_text_passes(check) -> None:
    result = check(
        "New collection calendar out now.",
        images=[{"alt": "Calendar of bin collection days for December, with changes in red"}],
    )
    assert "AX-01" not in rules(result)


def test_lower_case_hashtag_gets_camel_case_suggestion(check) -> None:
    text = "Christmas collection days change. Check yours online #binday"
    found = [f for f in check(text).findings if f.rule == "AX-03"]
    assert [(text[f.start : f.end], f.suggestion) for f in found] == [("#binday", "#BinDay")]


@pytest.mark.parametrize("tag", ["#BinDay", "#recycling", "#Riverside", "#COVID19", "#zzqxv"])
def test_hashtags_that_need_no_fix(check, tag) -> None:
    assert "AX-03" not in rules(check(f"Collections change this week. {tag}"))


def test_council_name_helps_split_hashtags(check) -> None:
    text = "Bins out on Friday #riversidebins"
    assert [f.suggestion for f in check(text).findings if f.rule == "AX-03"] == ["#RiversideBins"]


def test_hashtag_count_and_position(check) -> None:
    text = "Join #LitterPick this Saturday at the park. #CleanStreets #Volunteers #Riverside"
    found = [(text[f.start : f.end], f.message) for f in check(text).findings if f.rule == "AX-03"]
    assert ("#Volunteers", found[1][1]) in found and "at most 2" in found[1][1]
    assert any(tag == "#LitterPick" and "end of the post" in msg for tag, msg in found)
    assert any(tag == "#Riverside" for tag, _ in found)


def test_emoji_count_repeats_and_line_start(check) -> None:
    text = "🎄 Christmas market 🎉🎉 today ☃️ and 🎅 tomorrow"
    found = [f for f in check(text).findings if f.rule == "AX-04"]
    messages = " ".join(f.message for f in found)
    assert "repeated" in messages and "at most 3" in messages and "start a line" in messages
    assert "AX-04" not in rules(check("Christmas market today 🎄"))


def test_long_sentence_warned(check) -> None:
    long = (
        "Residents who live in the northern wards of the district will have their garden waste collected "
        "on the Saturday after the bank holiday rather than on their usual day this week."
    )
    result = check(long + " Thank you.")
    assert spans(result, long + " Thank you.", "AX-05") == [long]
    assert "AX-05" not in rules(check("Bins are collected on Saturday. Thank you for your patience."))


def test_links_and_click_here(check) -> None:
    text = "Click here https://riverside.gov.uk/bins and https://riverside.gov.uk/tips"
    found = spans(check(text), text, "AX-06")
    assert found == ["Click here", "https://riverside.gov.uk/tips"]
    assert "AX-06" not in rules(check("Check your collection day: https://riverside.gov.uk/bins"))


def test_fancy_unicode_letters_block(check) -> None:
    text = "𝐅𝐑𝐄𝐄 swimming for under 16s"
    result = check(text)
    assert spans(result, text, "AX-08") == ["𝐅𝐑𝐄𝐄"]
    assert result.blocked
    assert "AX-08" not in rules(check("FREE swimming for under 16s – café open"))
