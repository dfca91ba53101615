"""The second pass's sentiment and offensive heads: the sentence encoder's vectors stacked on the linear model.

For each task, a logistic regression over the encoder's numbers (townsquare.classify.encoder: the
mean-pooled, max-pooled and first-token vectors; each head uses the parts it was trained on, the others
weigh zero) gives log-odds, and a second, small logistic regression (the stacker) combines them with
the first pass's linear head's log-odds (townsquare.classify.linear). The stacker was fitted on
out-of-fold log-odds of the training split (five folds: each model scored only tweets it was not
trained on), and the offensive threshold and the sentiment class offsets were chosen the same way,
never on the validation split (``scripts/train_second_pass.py``). Both stages are linear, so the
exported model is the encoder's part folded into one matrix (``coef``, (features, 4)), the linear
head's weights (``linear_mix``: 3 by 3 for sentiment, one number for offensive) and the intercepts.
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
MODEL_FORMAT = 2
SENTIMENTS = ("negative", "neutral", "positive")


class StackedHeads:
    def __init__(self, coef: np.ndarray, intercepts: np.ndarray, linear_mix: np.ndarray, meta: dict[str, Any]) -> None:
        if coef.ndim != 2 or coef.shape[1] != 4 or intercepts.shape != (4,) or linear_mix.shape != (4, 4):
            raise ValueError(
                f"second-pass model shapes {coef.shape}, {intercepts.shape}, {linear_mix.shape}: "
                "expected (n, 4), (4,), (4, 4)"
            )
        self.coef = coef.astype(np.float32)
        self.intercepts = intercepts.astype(np.float64)
        # Rows: the linear head's sentiment log-odds (3) and offensive log-odds; columns: the stacked outputs.
        self.linear_mix = linear_mix.astype(np.float64)
        self.meta = meta
        self.threshold = float(meta["offensive"]["threshold"])
        self._linear_offsets = np.array(meta["sentiment"]["linear_offsets"], dtype=np.float64)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> StackedHeads:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(gzip.decompress(data["meta"].tobytes()).decode("utf-8"))
            if meta.get("format") != MODEL_FORMAT:
                raise ValueError(f"second-pass model format {meta.get('format')!r}, expected {MODEL_FORMAT}")
            return cls(data["coef"], data["intercepts"], data["linear_mix"], meta)

    def _outputs(self, vectors: np.ndarray) -> np.ndarray:
        if vectors.shape[1] != self.coef.shape[0]:
            raise ValueError(f"{vectors.shape[1]} encoder features; the second-pass model reads {self.coef.shape[0]}")
        return vectors.astype(np.float32) @ self.coef + self.intercepts

    def sentiment_logits(self, vectors: np.ndarray, linear_logits: np.ndarray) -> np.ndarray:
        """(texts, 3) log-odds: the stacker's, from the linear head's (as the first pass gives them; its own class
        offsets are removed here) and the encoder head's, with the second pass's class offsets."""
        linear = linear_logits - self._linear_offsets
        return linear @ self.linear_mix[:3, :3] + self._outputs(vectors)[:, :3]

    def offensive_probability(self, vectors: np.ndarray, linear_logit: np.ndarray) -> np.ndarray:
        """(texts,) 0..1: the stacker's, from the linear head's log-odds (0 for a text with no known feature) and
        the encoder head's."""
        return sigmoid(linear_logit * self.linear_mix[3, 3] + self._outputs(vectors)[:, 3])


@cache
def default_stacked() -> StackedHeads:
    return StackedHeads.load()
