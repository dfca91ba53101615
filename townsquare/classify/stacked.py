"""The second pass's sentiment and offensive heads: the sentence encoder's vectors stacked on the linear model.

Each head is a logistic regression over the encoder's 768 numbers (townsquare.classify.encoder),
trained on the same tweets as the first pass's linear heads; its log-odds, times a weight, are added to
the linear head's (townsquare.classify.linear), and class offsets (sentiment) or a threshold
(offensive) are applied. The weights, offsets and threshold were chosen on the validation splits by
``scripts/train_second_pass.py``, which writes ``second_pass_model.npz`` (one small matrix).
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from townsquare.classify.linear import sigmoid

MODEL_PATH = Path(__file__).resolve().parent / "second_pass_model.npz"
MODEL_FORMAT = 1
SENTIMENTS = ("negative", "neutral", "positive")


class StackedHeads:
    def __init__(self, coef: np.ndarray, intercepts: np.ndarray, meta: dict[str, Any]) -> None:
        if coef.shape[1] != 4 or intercepts.shape != (4,):
            raise ValueError(f"second-pass model shapes {coef.shape}, {intercepts.shape}: expected (n, 4), (4,)")
        self.coef = coef.astype(np.float32)
        self.intercepts = intercepts.astype(np.float64)
        self.meta = meta
        self.threshold = float(meta["offensive"]["threshold"])
        self._linear_offsets = np.array(meta["sentiment"]["linear_offsets"], dtype=np.float64)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> StackedHeads:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(gzip.decompress(data["meta"].tobytes()).decode("utf-8"))
            if meta.get("format") != MODEL_FORMAT:
                raise ValueError(f"second-pass model format {meta.get('format')!r}, expected {MODEL_FORMAT}")
            return cls(data["coef"], data["intercepts"], meta)

    def _outputs(self, vectors: np.ndarray) -> np.ndarray:
        return vectors.astype(np.float32) @ self.coef + self.intercepts

    def sentiment_logits(self, vectors: np.ndarray, linear_logits: np.ndarray) -> np.ndarray:
        """(texts, 3) log-odds: the linear head's (as the first pass gives them, its own offsets removed) plus the
        encoder head's, weighted, with the second pass's offsets."""
        return linear_logits - self._linear_offsets + self._outputs(vectors)[:, :3]

    def offensive_probability(self, vectors: np.ndarray, linear_logit: np.ndarray) -> np.ndarray:
        """(texts,) 0..1: the linear head's log-odds (0 for a text with no known feature) plus the encoder head's."""
        return sigmoid(linear_logit + self._outputs(vectors)[:, 3])


@cache
def default_stacked() -> StackedHeads:
    return StackedHeads.load()
