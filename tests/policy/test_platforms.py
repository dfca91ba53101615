"""PLAT-01..04: length, images, alt text and hashtags against each platform."""

from collections.abc import Iterator
from unittest import mock

import pytest

from tests.policy.conftest import rules
from townsquare.connectors.base import Limits
from townsquare.policy.platforms import grapheme_offsets, rules_for


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
    family = "👨\u200d👩\u200d👧"  # one grapheme, five code points
    text = family * 300
    assert len(grapheme_offsets(text)) == 300
    assert "PLAT-01" not in rules(check(text, channels=["bluesky"]))
    assert "PLAT-01" in rules(check(text + "!", channels=["bluesky"]))


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
