"""A profanity and toxicity model trained on other data than the tweets: one of the second pass's stacker's inputs.

The weights are those of the PyPI package ``alt-profanity-check`` 1.9.1 (MIT; Victor Zhou, Menelaos
Kotoglou and Dimitrios Mistriotis), a linear SVM over TF-IDF word counts trained on Davidson et al.'s
hate speech and offensive language tweets and the Wikipedia comments of the Toxic Comment
Classification Challenge, exported by ``scripts/export_profanity_model.py`` to ``profanity_model.npz``
(the package's five cross-validated SVMs averaged into one; licence and sources in
``profanity_NOTICE.md``) so that neither scikit-learn nor the package is needed at run time.
``log_odds(texts)`` gives the same numbers as scikit-learn's ``TfidfVectorizer`` and the averaged SVMs
(the export checks it).
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).resolve().parent / "profanity_model.npz"
MAX_CHARS = 20_000
_WORD = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern, on lower-cased text


class ProfanityModel:
    def __init__(self, words: Sequence[str], idf: np.ndarray, coef: np.ndarray, intercept: float) -> None:
        if not (len(words) == len(idf) == len(coef)):
            raise ValueError(f"profanity model: {len(words)} words, {len(idf)} idf, {len(coef)} weights")
        self.index = {word: i for i, word in enumerate(words)}
        self.idf = idf.astype(np.float64)
        self.coef = coef.astype(np.float64)
        self.intercept = float(intercept)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> ProfanityModel:
        with np.load(path, allow_pickle=False) as data:
            words = gzip.decompress(data["words"].tobytes()).decode("utf-8").split("\n")
            return cls(words, data["idf"], data["coef"], float(data["intercept"]))

    def log_odds(self, texts: Sequence[str]) -> np.ndarray:
        """(texts,): the model's decision value of each text (above 0: profane or toxic); the intercept for a
        text with no word it knows."""
        out = np.full(len(texts), self.intercept)
        index, idf, coef = self.index, self.idf, self.coef
        for row, text in enumerate(texts):
            counts = Counter(
                i for word in _WORD.findall((text or "")[:MAX_CHARS].lower()) if (i := index.get(word)) is not None
            )
            if counts:
                ids = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
                weights = np.fromiter(counts.values(), dtype=np.float64, count=len(counts)) * idf[ids]
                out[row] += float(weights @ coef[ids]) / float(np.sqrt(weights @ weights))
        return out


@cache
def default_profanity() -> ProfanityModel:
    return ProfanityModel.load()
