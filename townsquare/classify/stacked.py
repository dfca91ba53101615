"""The second pass's sentiment and offensive heads: the sentence encoder's vectors stacked on the linear model.

For each task, a logistic regression over the encoder's numbers (townsquare.classify.encoder: the
mean-pooled, max-pooled and first-token vectors; each head uses the parts it was trained on, the others
weigh zero) gives log-odds, and a second, small logistic regression (the stacker) combines them with
the first pass's linear head's log-odds (townsquare.classify.linear), the VADER lexicon's four
scores (townsquare.classify.lexicon) and, for offensive, a profanity model trained on other data
(townsquare.classify.profanity). The stacker was fitted on out-of-fold log-odds of the training
split (five folds: each model scored only tweets it was not trained on), and the offensive threshold
was chosen the same way, never on the validation split (``scripts/train_second_pass.py``). Both stages
are linear, so the exported model is the encoder's part folded into one matrix (``coef``, (features,
4)), the weights of the other inputs (``side_mix``, (SIDE inputs, 4)) and the intercepts.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from townsquare.classify.lexicon import NAMES as LEXICON_NAMES
from townsquare.classify.linear import sigmoid

MODEL_PATH = Path(__file__).resolve().parent / "second_pass_model.npz"
MODEL_FORMAT = 3
SENTIMENTS = ("negative", "neutral", "positive")
# The stacker's inputs besides the encoder, in this order: the linear heads' log-odds, VADER's scores and the
# profanity model's decision value (townsquare.classify.profanity; offensive only).
SIDE = (
    "linear:negative",
    "linear:neutral",
    "linear:positive",
    "linear:offensive",
    *(f"vader:{name}" for name in LEXICON_NAMES),
    "profanity",
)


class StackedHeads:
    def __init__(self, coef: np.ndarray, intercepts: np.ndarray, side_mix: np.ndarray, meta: dict[str, Any]) -> None:
        side = (len(SIDE), 4)
        if coef.ndim != 2 or coef.shape[1] != 4 or intercepts.shape != (4,) or side_mix.shape != side:
            raise ValueError(
                f"second-pass model shapes {coef.shape}, {intercepts.shape}, {side_mix.shape}: "
                f"expected (n, 4), (4,), {side}"
            )
        self.coef = coef.astype(np.float32)
        self.intercepts = intercepts.astype(np.float64)
        # Rows: the SIDE inputs; columns: the stacked outputs (three sentiment log-odds, the offensive log-odds).
        self.side_mix = side_mix.astype(np.float64)
        self.meta = meta
        self.threshold = float(meta["offensive"]["threshold"])
        self._linear_offsets = np.array(meta["sentiment"]["linear_offsets"], dtype=np.float64)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> StackedHeads:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(gzip.decompress(data["meta"].tobytes()).decode("utf-8"))
            if meta.get("format") != MODEL_FORMAT:
                raise ValueError(f"second-pass model format {meta.get('format')!r}, expected {MODEL_FORMAT}")
            return cls(data["coef"], data["intercepts"], data["side_mix"], meta)

    def _outputs(self, vectors: np.ndarray) -> np.ndarray:
        if vectors.shape[1] != self.coef.shape[0]:
            raise ValueError(f"{vectors.shape[1]} encoder features; the second-pass model reads {self.coef.shape[0]}")
        return vectors.astype(np.float32) @ self.coef + self.intercepts

    def side(
        self, linear_logits: np.ndarray, linear_offensive: np.ndarray, lexicon: np.ndarray, profanity: np.ndarray
    ) -> np.ndarray:
        """(texts, len(SIDE)): the stacker's other inputs, from the linear heads' sentiment log-odds as the first
        pass gives them (their class offsets are taken off here), their offensive log-odds (0 for a text with no
        known feature), the lexicon's scores (townsquare.classify.lexicon) and the profanity model's
        (townsquare.classify.profanity)."""
        return np.hstack([linear_logits - self._linear_offsets, linear_offensive[:, None], lexicon, profanity[:, None]])

    def logits(self, vectors: np.ndarray, side: np.ndarray) -> np.ndarray:
        """(texts, 4): the stacked sentiment log-odds (3) and offensive log-odds."""
        return side @ self.side_mix + self._outputs(vectors)

    def sentiment_logits(self, vectors: np.ndarray, side: np.ndarray) -> np.ndarray:
        """(texts, 3) log-odds of negative, neutral and positive."""
        return self.logits(vectors, side)[:, :3]

    def offensive_probability(self, vectors: np.ndarray, side: np.ndarray) -> np.ndarray:
        """(texts,) 0..1."""
        return sigmoid(self.logits(vectors, side)[:, 3])


@cache
def default_stacked() -> StackedHeads:
    return StackedHeads.load()
