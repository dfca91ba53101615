"""PLAT-01..04: length, images, alt text and hashtags against each platform."""

from collections.abc import Iterator
from unittest import mock

import pytest

from tests.policy.conftest import rules
from townsquare.connectors.base import Limits
from townsquare.policy.platforms import grapheme_count, grapheme_offsets, rules_for, x_weighted_length


@pytest.fixture(autouse=True)
def built_in_table() -> Iterator[None]:
    """Test the built-in table, whichever connectors happen to be registered."""
    rules_for.cache_clear()
    with mock.patch("townsquare.connectors.registry.connector_class", side_effect=LookupError):
        yield
    rules_for.cache_clear()


def test_no_channels_means_no_platform_rules(check) -> None:
    result = check("x" * 5000, images=[{"alt": "a" * 3000}] * 12)
    assert not any(r.startswith("PLAT-") for r in rules(result))


def test_x_counts_links_as_23(check) -> None:
    link = "https://riverside.gov.uk/" + "a" * 100
    text = "b" * 250 + " " + link  # 251 + 23 = 274 on X, 376 plain characters
    assert "PLAT-01" not in rules(check(text, channels=["x"]))
    assert "PLAT-01" in rules(check(text, channels=["bluesky"]))  # Bluesky counts every character


def test_too_long_span_starts_at_the_limit(check) -> None:
    text = "a" * 310
    found = [f for f in check(text, channels=["bluesky"]).findings if f.rule == "PLAT-01"]
    assert [(f.start, f.end, f.platform) for f in found] == [(300, 310, "Bluesky")]
    assert "310 of 300" in found[0].message


def test_bluesky_counts_graphemes(check) -> None:
    accented = "e\u0301"  # one grapheme, two code points, three bytes
    text = accented * 300
    assert len(grapheme_offsets(text)) == 300
    assert "PLAT-01" not in rules(check(text, channels=["bluesky"]))
    found = [f for f in check(text + accented, channels=["bluesky"]).findings if f.rule == "PLAT-01"]
    assert [(f.start, f.end) for f in found] == [(600, 602)]
    assert "301 of 300 graphemes" in found[0].message


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("👨\u200d👩\u200d👧", 1),  # a ZWJ family
        ("🇬🇧🇫🇷", 2),  # two flags: regional indicators pair up
        ("👍🏽", 1),  # skin tone
        ("1\ufe0f\u20e3", 1),  # keycap
        ("a\r\nb", 3),  # CR LF is one grapheme
        ("한국어", 3),  # precomposed Hangul syllables
        ("\u1112\u1161\u11ab", 1),  # the same syllable in conjoining jamo
        ("क्षि", 1),  # Devanagari conjunct (Unicode 15.1 rule GB9c)
        ("café – “quotes” £5", 18),  # no joiners: one grapheme per code point
    ],
)
def test_grapheme_clusters_follow_uax29(text, count) -> None:
    assert grapheme_count(text) == count
    assert len(grapheme_offsets(text)) == count


def test_bluesky_byte_cap(check) -> None:
    family = "👨\u200d👩\u200d👧"  # one grapheme, 18 bytes
    found = [f for f in check(family * 200, channels=["bluesky"]).findings if f.rule == "PLAT-01"]
    # 166 families fit in 3,000 bytes; the finding starts at the 167th, a whole grapheme.
    assert [(f.start, f.platform) for f in found] == [(166 * 5, "Bluesky")]
    assert "3,600 of 3,000 bytes" in found[0].message
    assert "PLAT-01" not in rules(check(family * 160, channels=["bluesky"]))


@pytest.mark.parametrize(
    ("text", "weight"),
    [
        ("a" * 280, 280),
        ("日本語", 6),  # CJK weighs 2
        ("’–“”", 4),  # quotes and dashes are in twitter-text's weight-1 ranges
        ("…", 2),  # the ellipsis is not
        ("👨\u200d👩\u200d👧", 2),  # an emoji sequence weighs 2, not 2 per code point
        ("🇬🇧", 2),
        ("1\ufe0f\u20e3", 2),
        ("©\ufe0f", 2),
        ("©", 1),  # without the variation selector it is a Latin-1 letter
        ("e\u0301", 1),  # normalised to é first
        ("See https://www.riverside.gov.uk/bins/collection-days-over-christmas-and-new-year", 27),
        ("Visit riverside.gov.uk/bins.", 6 + 23 + 1),  # a bare domain is a link; the full stop is not
        ("Email bins@riverside.gov.uk", 27),  # an e-mail address is not a link
        ("Doors open at 10.30am", 21),
    ],
)
def test_x_weighted_length_follows_twitter_text(text, weight) -> None:
    assert x_weighted_length(text) == weight


def test_x_limit_and_cut(check) -> None:
    assert "PLAT-01" not in rules(check("日" * 140, channels=["x"]))
    found = [f for f in check("日" * 141, channels=["x"]).findings if f.rule == "PLAT-01"]
    assert [(f.start, f.end) for f in found] == [(140, 141)] and "282 of 280" in found[0].message
    family = "👨\u200d👩\u200d👧"
    assert "PLAT-01" not in rules(check(family * 140, channels=["x"]))
    found = [f for f in check("a" * 279 + family, channels=["x"]).findings if f.rule == "PLAT-01"]
    assert [(f.start, f.end) for f in found] == [(279, 284)]  # the emoji is not split
    quotes = "“Bins”" * 46 + "!!!!"  # 280 with twitter-text's ranges; the old count said 464
    assert "PLAT-01" not in rules(check(quotes, channels=["x"]))


def test_channel_objects_named_in_finding(check, channel) -> None:
    found = [f for f in check("a" * 70000, channels=[channel]).findings if f.rule == "PLAT-01"]
    assert found[0].platform == "Facebook (RiversideBins)"


def test_images_per_platform_and_instagram_needs_one(check) -> None:
    images = [{"alt": "A ramp at the leisure centre entrance"}] * 5
    assert "PLAT-02" in rules(check("Open day", images=images, channels=["x"]))
    assert "PLAT-02" not in rules(check("Open day", images=images, channels=["facebook"]))
    assert "PLAT-02" in rules(check("Open day", channels=["instagram"]))


def test_alt_text_length(check) -> None:
    alt = "A long description of the map. " * 40  # 1,240 characters
    result = check("Map", images=[{"alt": alt}], channels=["x", "mastodon", "facebook"])
    found = {(f.platform, f.severity) for f in result.findings if f.rule == "PLAT-03"}
    assert found == {("X", "warn"), ("Facebook", "info")}


def test_instagram_hashtag_cap(check) -> None:
    text = "Photos " + " ".join(f"#Tag{i}" for i in range(31))
    assert "PLAT-04" in rules(check(text, images=[{"alt": "Sunset over the river"}], channels=["instagram"]))
    assert "PLAT-04" not in rules(check(text, images=[{"alt": "Sunset over the river"}], channels=["facebook"]))


def test_registered_connector_limits_win(check) -> None:
    class Fake:
        limits = Limits(max_chars=100, max_images=1, max_alt_text_chars=50, video=False)

    with mock.patch("townsquare.connectors.registry.connector_class", return_value=Fake):
        assert rules_for("mastodon").max_chars == 100
        assert rules_for("mastodon").link_counts_as == 23  # what Limits does not say comes from the table
        assert "PLAT-01" in rules(check("a" * 150, channels=["mastodon"]))
