"""A post's title (its first line) is cut at the end of a word, with an ellipsis, never mid-word."""

from __future__ import annotations

from townsquare.publishing.models import Post, shortened

LONG = "What's on at Riverside libraries this week: rhyme time on Tuesday morning, the reading group on Thursday"


def test_a_long_first_line_is_cut_at_a_word_with_an_ellipsis() -> None:
    title = shortened(LONG, 80)
    assert title == "What's on at Riverside libraries this week: rhyme time on Tuesday morning, the…"
    assert len(title) <= 80
    assert shortened("Bins collected as usual on Monday", 80) == "Bins collected as usual on Monday"
    assert shortened("x" * 100, 80) == "x" * 79 + "…"  # one long word is cut where it must be


def test_a_posts_title_is_its_first_line_shortened() -> None:
    assert str(Post(text=f"{LONG}\nSecond line")) == shortened(LONG, 80)
    assert str(Post(text="  ")) == "(no text yet)"
