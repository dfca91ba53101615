"""A sentiment lexicon's scores for the second pass: VADER (Hutto and Gilbert, 2014), from the PyPI package
``vaderSentiment`` (MIT), whose word and emoji lexicons ship in the package: nothing is downloaded.

VADER scores a text from about 7,500 words, emoticons and emoji rated by people, with rules for
negation, intensifiers ("very"), capitals, exclamation marks and "but". Its four numbers (the shares
of negative, neutral and positive wording, and a compound score from -1 to 1) are four of the second
pass's stacker's inputs (townsquare.classify.stacked): words rated by people carry sentiment the
tweets the other models learned from do not always show.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np

NAMES = ("neg", "neu", "pos", "compound")
MAX_CHARS = 2_000  # VADER's rules are pure Python; a longer text's first part says enough


@cache
def _analyser() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def lexicon_scores(texts: Sequence[str]) -> np.ndarray:
    """(texts, 4): VADER's negative, neutral and positive shares and its compound score of each text."""
    out = np.zeros((len(texts), len(NAMES)), dtype=np.float64)
    analyse = _analyser().polarity_scores
    for row, text in enumerate(texts):
        scores = analyse((text or "")[:MAX_CHARS])
        out[row] = [scores[name] for name in NAMES]
    return out
