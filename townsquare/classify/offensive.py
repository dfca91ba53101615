"""Offensive or abusive text: a trained logistic regression scored in pure Python.

The model is a logistic regression over TF-IDF features (words, pairs of neighbouring words and
character 4- and 5-grams of each word), trained by ``scripts/train_offensive.py`` on TweetEval's
offensive task (OffensEval 2019 tweets, labelled by people) and exported to ``offensive_model.json.gz``
beside this file: per feature its idf and its weight, plus the intercept. Scoring a text is one
regular-expression pass, one cached lookup per word (its feature ids and their sums) and a sort of the
text's feature ids to find the repeated ones, so it needs neither scikit-learn nor numpy, and a short
text costs some tens of microseconds once its words have been seen.

Text is normalised the way the training tweets were: @mentions become ``@user``, links ``url``,
letters lower case, runs of three or more of the same letter cut to two ("soooo" -> "soo").

Public API: ``offensive_score``, ``is_offensive``, ``offensive_spans`` and ``DEFAULT_THRESHOLD``.
Figures and known weaknesses: docs/classifiers.md.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from functools import cache, lru_cache
from itertools import chain, compress, pairwise
from operator import eq, itemgetter
from pathlib import Path
from typing import Any, NamedTuple

MODEL_PATH = Path(__file__).resolve().parent / "offensive_model.json.gz"
MODEL_FORMAT = 1

# Chosen on TweetEval's validation split as the threshold with the best macro-F1 (the training script
# prints it and records it in the model file; a test keeps the two equal).
DEFAULT_THRESHOLD = 0.36

# Only the start of a very long text is read, so one pasted essay cannot stall a policy check or the
# inbox; social media messages are far shorter than this.
MAX_CHARS = 20_000

CHAR_NGRAMS = (4, 5)

# Alternatives are tried in order: links before words (so "www.x" is one token), mentions and
# hashtags before punctuation. Inside a word, * and $ join letters ("f*ck", "a$$hole"), as do apostrophes.
_TOKEN = re.compile(
    r"(?P<url>(?:https?://|www\.)\S+)"
    r"|(?P<mention>@\w+)"
    r"|(?P<tag>#\w+)"
    r"|(?P<word>[^\W_]+(?:['’*$]+[^\W_]+)*)"
    r"|(?P<sym>[^\w\s])"
)
# The same alternatives without names, so findall gives the tokens as written (for the fast path).
_TOKEN_TEXT = re.compile(re.sub(r"\(\?P<\w+>", "(?:", _TOKEN.pattern))
_REPEATS = re.compile(r"(.)\1{2,}")


class Token(NamedTuple):
    start: int
    end: int
    kind: str  # url, mention, tag, word or sym (one punctuation mark or emoji)
    norm: str


class Span(NamedTuple):
    """Characters ``text[start:end]`` pushed the score up by ``weight`` (log-odds)."""

    start: int
    end: int
    text: str
    weight: float


@lru_cache(maxsize=65_536)
def normalise_token(kind: str, raw: str) -> tuple[str, str]:
    """(kind, normalised form) of one token as the regular expression found it."""
    if kind == "url" or (kind == "word" and raw == "URL"):  # TweetEval wrote links as "URL"
        return "url", "url"
    if kind == "mention":
        return kind, "@user"
    if kind in ("word", "tag"):
        return kind, _REPEATS.sub(r"\1\1", raw.lower().replace("’", "'"))
    return kind, raw


def tokenise(text: str) -> list[Token]:
    """The tokens of ``text`` (its first MAX_CHARS characters) with their places in it."""
    tokens = []
    for match in _TOKEN.finditer(text[:MAX_CHARS]):
        kind, norm = normalise_token(match.lastgroup or "sym", match.group())
        tokens.append(Token(match.start(), match.end(), kind, norm))
    return tokens


@lru_cache(maxsize=65_536)
def token_features(kind: str, norm: str) -> tuple[str, ...]:
    """Features of one token on its own: the token, and character n-grams of words and hashtags."""
    features = ["w:" + norm]
    if kind in ("word", "tag"):
        padded = f" {norm.removeprefix('#')} "
        low, high = CHAR_NGRAMS
        for n in range(low, high + 1):
            features.extend("c:" + padded[i : i + n] for i in range(len(padded) - n + 1))
    return tuple(features)


def pair_feature(left: str, right: str) -> str:
    return f"b:{left} {right}"


def text_features(text: str) -> list[str]:
    """Every feature of a text, repeats kept: the analyser the training script gives scikit-learn."""
    tokens = tokenise(text)
    features: list[str] = []
    for token in tokens:
        features.extend(token_features(token.kind, token.norm))
    features.extend(pair_feature(a.norm, b.norm) for a, b in pairwise(tokens))
    return features


class _Entry(NamedTuple):
    """What the model knows of one token as written: its normal form and its features' ids and sums."""

    norm: str
    ids: tuple[int, ...]
    weight: float  # sum of idf * coefficient over the token's features
    square: float  # sum of idf squared over the token's features


_NORM, _IDS, _WEIGHT, _SQUARE = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(3)


class OffensiveModel:
    """An exported model: feature -> (idf, coefficient), the intercept and the tf rule.

    With sublinear tf and L2 length, a text's log-odds are ``intercept + sum(tf(c) * idf * coef) /
    sqrt(sum((tf(c) * idf) ** 2))`` over its features with count ``c``. Each token's sums are cached,
    so a text costs one pass over its tokens plus a correction for the few features seen more than once.
    """

    CACHE_SIZE = 100_000

    def __init__(self, data: dict[str, Any]) -> None:
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"offensive model format {data.get('format')!r}, expected {MODEL_FORMAT}")
        self.intercept = float(data["intercept"])
        self.sublinear_tf = bool(data["sublinear_tf"])
        self.threshold = float(data["threshold"])
        self.meta: dict[str, Any] = data.get("meta", {})
        self.ids: dict[str, int] = {}
        self.idf: list[float] = []
        self.weight: list[float] = []  # idf * coefficient, so scoring multiplies once
        for i, (feature, (idf, coef)) in enumerate(data["features"].items()):
            self.ids[feature] = i
            self.idf.append(float(idf))
            self.weight.append(float(idf) * float(coef))
        # Per model and keyed by the token as written: most tokens of a text have been seen before.
        self._entries: dict[str, _Entry] = {}
        # Word pair (normal forms) -> feature id, or -1 when the pair is not a feature.
        self._pair_ids: dict[tuple[str, str], int] = {}
        # tf of small counts, looked up rather than computed for each repeated feature.
        self._tf_table = [0.0] + [self._tf(count) for count in range(1, 64)]

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> OffensiveModel:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return cls(json.load(handle))

    def _entry(self, raw: str) -> _Entry:
        entry = self._entries.get(raw)
        if entry is None:
            match = _TOKEN.fullmatch(raw)
            kind, norm = normalise_token((match.lastgroup or "sym") if match else "sym", raw)
            ids = tuple(self.ids[f] for f in token_features(kind, norm) if f in self.ids)
            entry = _Entry(norm, ids, sum(self.weight[i] for i in ids), sum(self.idf[i] ** 2 for i in ids))
            if len(self._entries) >= self.CACHE_SIZE:  # bound the memory of a long-running process
                self._entries.clear()
            self._entries[raw] = entry
        return entry

    def _pairs(self, entries: list[_Entry]) -> list[int]:
        """The feature id of each pair of neighbouring tokens, -1 where the pair is not a feature."""
        keys = list(pairwise(map(_NORM, entries)))
        known = self._pair_ids.get
        found = [known(key, -2) for key in keys]  # -2: not looked up yet
        if -2 in found:
            if len(self._pair_ids) >= self.CACHE_SIZE:
                self._pair_ids.clear()
            for n, key in enumerate(keys):
                if found[n] == -2:
                    found[n] = self._pair_ids[key] = self.ids.get(pair_feature(*key), -1)
        return found

    def _tf(self, count: int) -> float:
        return 1.0 + math.log(count) if self.sublinear_tf else float(count)

    def score(self, text: str) -> float:
        """Probability (0..1) that the text is offensive; 0.0 when no feature of it is known to the model."""
        known = self._entries.get  # inline the cache hit: a method call per word costs as much as the rest
        entries = [known(raw) or self._entry(raw) for raw in _TOKEN_TEXT.findall(text[:MAX_CHARS])]
        pairs = [i for i in self._pairs(entries) if i >= 0]
        every = list(chain.from_iterable(map(_IDS, entries)))
        if not every and not pairs:
            # A zero vector would score the intercept alone (the share of offensive tweets in training),
            # which says nothing about this text.
            return 0.0
        weight, idf, tf_table = self.weight, self.idf, self._tf_table
        # Sums as if every feature occurred once, then corrected for those occurring more often.
        dot = sum(map(_WEIGHT, entries)) + sum([weight[i] for i in pairs])
        square = sum(map(_SQUARE, entries)) + sum([idf[i] * idf[i] for i in pairs])
        every.extend(pairs)
        every.sort()
        # A feature seen c times leaves c - 1 equal neighbours in the sorted list.
        for i, extra in Counter(compress(every[1:], map(eq, every, every[1:]))).items():
            count = extra + 1
            tf = tf_table[count] if count < 64 else self._tf(count)
            dot += (tf - count) * weight[i]
            square += (tf * tf - count) * idf[i] ** 2
        return _sigmoid(self.intercept + dot / math.sqrt(square))

    def spans(self, text: str, limit: int = 5, min_weight: float = 0.3, min_share: float = 0.25) -> list[Span]:
        """The tokens pushing the score up most, strongest first.

        A token is kept when it adds at least ``min_weight`` log-odds and at least ``min_share`` of the
        strongest token's, so "a" in "what a shit council" (carried by the pair "a shit") is not
        highlighted beside "shit".

        Each feature's part of the log-odds is split evenly between its occurrences (a repeated word, a
        letter sequence shared by two words); a word pair's part is split between its two words.
        """
        matches = list(_TOKEN_TEXT.finditer(text[:MAX_CHARS]))
        entries = [self._entry(match.group()) for match in matches]
        pairs = self._pairs(entries)
        counts = Counter(chain(chain.from_iterable(e.ids for e in entries), (i for i in pairs if i >= 0)))
        if not counts:
            return []
        length = math.sqrt(sum((self._tf(c) * self.idf[i]) ** 2 for i, c in counts.items()))

        def share(i: int) -> float:
            if i < 0:
                return 0.0
            count = counts[i]
            return self._tf(count) * self.weight[i] / length / count

        found = []
        for n, (match, entry) in enumerate(zip(matches, entries, strict=True)):
            total = sum(share(i) for i in entry.ids)
            total += (share(pairs[n - 1]) if n else 0.0) / 2 + (share(pairs[n]) if n < len(pairs) else 0.0) / 2
            if total >= min_weight:
                found.append(Span(match.start(), match.end(), match.group(), round(total, 4)))
        found.sort(key=lambda span: -span.weight)
        floor = found[0].weight * min_share if found else 0.0
        return [span for span in found if span.weight >= floor][:limit]


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@cache
def default_model() -> OffensiveModel:
    """The committed model, loaded once per process (about 0.2 s)."""
    return OffensiveModel.load()


def offensive_score(text: str) -> float:
    """Probability (0..1) that ``text`` is offensive or abusive; 0.0 for empty text."""
    return default_model().score(text)


def is_offensive(text: str, threshold: float = DEFAULT_THRESHOLD) -> bool:
    """True when the score reaches ``threshold`` (default chosen on validation data for macro-F1)."""
    return offensive_score(text) >= threshold


def offensive_spans(text: str, limit: int = 5) -> list[Span]:
    """Where in ``text`` the offensive words are: character spans of the strongest tokens, strongest first.

    Spans are given whatever the score; a caller highlights them when ``is_offensive`` says so.
    """
    return default_model().spans(text, limit=limit)


def scores(texts: Iterable[str]) -> list[float]:
    """``offensive_score`` of each text, in order."""
    model = default_model()
    return [model.score(text) for text in texts]
