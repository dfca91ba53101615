"""The category phrases' hyperscan prefilter finds exactly what trying every phrase with re finds."""

from __future__ import annotations

from pathlib import Path

from townsquare.classify import categories as cat

MESSAGES = Path(__file__).resolve().parents[2] / "data" / "classify" / "council_messages" / "messages.tsv"


def _texts() -> list[str]:
    lines = [line for line in MESSAGES.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    texts = [line.split("\t")[4] for line in lines]
    return texts + [t.upper() for t in texts] + [t.title() for t in texts]


def test_the_prefilter_misses_no_phrase() -> None:
    texts = _texts()
    assert len(texts) > 700
    found_any = 0
    for text in texts:
        every = cat.cues_every_phrase(text)
        assert cat.cues(text) == every, text
        assert cat.cue_names(text) == set(every), text
        found_any += bool(every)
    assert found_any > len(texts) // 2  # the comparison is not between empty answers


def test_awkward_text_is_scanned() -> None:
    for text in ["", "\ud800 lone surrogate, FOI request", "a" * 50_000, "😂" * 100]:
        assert cat.cues(text) == cat.cues_every_phrase(text)
    assert "foi_request" in cat.cue_names("\ud800 lone surrogate, freedom of information request")
