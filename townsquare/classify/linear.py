"""The first pass's linear models: several heads over one feature table, scored a batch at a time with numpy.

Features are the offensive model's (``offensive.token_features`` and ``offensive.pair_feature``): each
token, its character 4- and 5-grams, and each pair of neighbouring tokens. A text's vector holds, for
every occurrence of a known feature, its idf; the vector is divided by its length
``sqrt(sum of idf squared over occurrences)``. ``scripts/train_classifier.py`` trains every head on
exactly that vector, so a head's log-odds are ``intercept + dot / length`` where ``dot`` sums
``idf * coefficient`` over the occurrences.

The exported model is one matrix: a row per feature, a column per head output plus a last column of
idf squared. Each token as written is looked up once and its features' rows summed into a row of
its own (cached), so scoring a batch is one regular-expression pass and a few dictionary lookups per
text, then one gather and one segmented sum over the whole batch in numpy.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from townsquare.classify.offensive import _TOKEN, MAX_CHARS, normalise_token, pair_feature, token_features
from townsquare.classify.offensive import _TOKEN_TEXT as _TOKEN_RE

MODEL_PATH = Path(__file__).resolve().parent / "first_pass_model.npz"
MODEL_FORMAT = 1


@dataclass(frozen=True, slots=True)
class Scored:
    """Per text of a batch: the normalised tokens and each head's outputs (log-odds before the sigmoid/softmax)."""

    tokens: list[list[str]]
    logits: np.ndarray  # (texts, outputs); 0.0 for a text with no known feature; raw outputs are plain sums
    known: np.ndarray  # (texts,) bool: the text had at least one known feature


class LinearHeads:
    """An exported multi-head linear model (see the module docstring)."""

    CACHE_SIZE = 200_000

    def __init__(
        self,
        features: Sequence[str],
        matrix: np.ndarray,
        intercepts: np.ndarray,
        outputs: Sequence[str],
        meta: dict[str, Any],
    ) -> None:
        if matrix.shape != (len(features), len(outputs) + 1):
            raise ValueError(
                f"model matrix {matrix.shape} does not fit {len(features)} features, {len(outputs)} outputs"
            )
        self.outputs = list(outputs)
        self.column = {name: i for i, name in enumerate(self.outputs)}
        self.meta = meta
        self.intercepts = intercepts.astype(np.float64)
        # Outputs summed as they are, not divided by the text's length (naive Bayes, the occurrence count).
        raw = set(meta.get("raw_outputs", ()))
        self._raw = np.array([name in raw for name in self.outputs], dtype=bool)
        # Row 0 is all zeros: the row every text ends with, so a text with no feature still has a segment.
        self._base = np.vstack([np.zeros((1, matrix.shape[1]), dtype=np.float32), matrix.astype(np.float32)])
        self.ids = {feature: i + 1 for i, feature in enumerate(features)}
        self._reset()

    def _reset(self) -> None:
        self._table = np.array(self._base)
        self._used = len(self._base)
        self._tokens: dict[str, tuple[int, str]] = {}  # token as written -> (row in the table, normal form)
        self._pairs: dict[tuple[str, str], int] = {}

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> LinearHeads:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(gzip.decompress(data["meta"].tobytes()).decode("utf-8"))
            if meta.get("format") != MODEL_FORMAT:
                raise ValueError(f"first-pass model format {meta.get('format')!r}, expected {MODEL_FORMAT}")
            features = gzip.decompress(data["features"].tobytes()).decode("utf-8").split("\n")
            return cls(features, data["matrix"], data["intercepts"], meta["outputs"], meta)

    def _token(self, raw: str) -> tuple[int, str]:
        match = _TOKEN.fullmatch(raw)
        kind, norm = normalise_token((match.lastgroup or "sym") if match else "sym", raw)
        rows = [self.ids[f] for f in token_features(kind, norm) if f in self.ids]
        if not rows:
            entry = (0, norm)
        else:
            if self._used == len(self._table):
                self._table = np.vstack([self._table, np.zeros_like(self._table[: max(1024, len(self._table) // 2)])])
            self._table[self._used] = self._base[rows].sum(axis=0)
            entry = (self._used, norm)
            self._used += 1
        self._tokens[raw] = entry
        return entry

    def score(self, texts: Sequence[str]) -> Scored:
        """Score a batch of texts (each read up to MAX_CHARS)."""
        if len(self._tokens) >= self.CACHE_SIZE or len(self._pairs) >= self.CACHE_SIZE:
            self._reset()  # bound the memory of a long-running process; never in the middle of a batch
        rows: list[int] = []
        starts: list[int] = []
        every_norm: list[list[str]] = []
        token_get, pair_get, pair_ids = self._tokens.get, self._pairs.get, self.ids.get
        findall = _TOKEN_RE.findall
        for text in texts:
            starts.append(len(rows))
            entries = [token_get(raw) or self._token(raw) for raw in findall(text[:MAX_CHARS])]
            norms = [norm for _, norm in entries]
            every_norm.append(norms)
            rows.extend(row for row, _ in entries if row)
            for key in pairwise(norms):
                row = pair_get(key)
                if row is None:
                    row = self._pairs[key] = pair_ids(pair_feature(*key), 0)
                if row:
                    rows.append(row)
            rows.append(0)
        if not texts:
            return Scored([], np.zeros((0, len(self.outputs))), np.zeros(0, dtype=bool))
        sums = np.add.reduceat(
            self._table[np.array(rows, dtype=np.intp)], np.array(starts, dtype=np.intp), axis=0, dtype=np.float64
        )
        square = sums[:, -1]
        known = square > 0
        length = np.sqrt(np.where(known, square, 1.0))
        values = np.where(self._raw, sums[:, :-1], sums[:, :-1] / length[:, None])
        logits = np.where(known[:, None], self.intercepts + values, 0.0)
        return Scored(every_norm, logits, known)

    def contributions(self, text: str, column: str) -> list[tuple[str, float]]:
        """Each token's part of one output's log-odds in ``text``, as written, in text order (pairs split evenly)."""
        col = self.column[column]
        raws = _TOKEN_RE.findall(text[:MAX_CHARS])
        entries = [self._tokens.get(raw) or self._token(raw) for raw in raws]
        parts = [float(self._table[row, col]) for row, _ in entries]
        square = sum(float(self._table[row, -1]) for row, _ in entries)
        for n, (a, b) in enumerate(pairwise(entries)):
            row = self.ids.get(pair_feature(a[1], b[1]), 0)
            if row:
                parts[n] += float(self._table[row, col]) / 2
                parts[n + 1] += float(self._table[row, col]) / 2
                square += float(self._table[row, -1])
        if square <= 0:
            return []
        length = square**0.5
        return [(raw, part / length) for raw, part in zip(raws, parts, strict=True)]


@cache
def default_heads() -> LinearHeads:
    """The committed first-pass model, loaded once per process."""
    return LinearHeads.load()


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))
