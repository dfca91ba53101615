"""The first pass's numpy scorer: a small hand-made model scored by hand, batches equal to single texts,
the committed model's size and format."""

from __future__ import annotations

import math

import numpy as np
import pytest

from townsquare.classify.linear import MODEL_PATH, LinearHeads, default_heads


def tiny() -> LinearHeads:
    # features: the word "bad", the word "good", the pair "very bad"; outputs: one normalised head, one raw sum
    features = ["w:bad", "w:good", "b:very bad"]
    idf = np.array([2.0, 1.0, 3.0])
    coef = np.array([[1.5, 0.0], [-1.0, 0.0], [0.5, 0.0]])
    matrix = np.column_stack([coef[:, 0] * idf, [1.0, 1.0, 1.0], idf**2]).astype(np.float32)
    return LinearHeads(features, matrix, np.array([-0.25, 0.0]), ["head", "count"], {"raw_outputs": ["count"]})


def test_scores_follow_the_formula() -> None:
    model = tiny()
    scored = model.score(["very bad, very BAD", "good", "nothing known here", ""])
    # "very bad , very bad": bad twice, "very bad" twice (", very" is not a feature)
    dot = 2 * (2.0 * 1.5) + 2 * (3.0 * 0.5)
    square = 2 * 4.0 + 2 * 9.0
    assert scored.logits[0, 0] == pytest.approx(-0.25 + dot / math.sqrt(square), rel=1e-6)
    assert scored.logits[0, 1] == pytest.approx(4.0)
    assert scored.logits[1, 0] == pytest.approx(-0.25 - 1.0, rel=1e-6)
    assert list(scored.known) == [True, True, False, False]
    assert list(scored.logits[2]) == [0.0, 0.0]
    assert scored.tokens[0] == ["very", "bad", ",", "very", "bad"]


def test_a_batch_scores_each_text_as_alone() -> None:
    model = default_heads()
    texts = ["Thank you so much!", "", "my bin was not collected AGAIN", "😂", "Diolch yn fawr"]
    together = model.score(texts).logits
    alone = np.vstack([model.score([t]).logits for t in texts])
    assert np.allclose(together, alone)


def test_a_text_scores_the_same_with_its_words_seen_and_unseen() -> None:
    model = tiny()
    texts = ["very bad, very BAD", "good very bad stranger", "very very", "bad"]
    first = model.score(texts)  # every token and pair met for the first time
    again = model.score(texts)  # every one from the cache
    assert np.array_equal(first.logits, again.logits)
    assert first.tokens == again.tokens
    mixed = model.score(["brand new words, very bad"])  # some cached, some not
    assert mixed.logits[0, 1] == pytest.approx(2.0)  # "bad" and "very bad": the raw count of known features


def test_the_token_cache_is_bounded(monkeypatch) -> None:
    model = tiny()
    monkeypatch.setattr(LinearHeads, "CACHE_SIZE", 3)
    before = model.score(["bad good bad"]).logits.copy()
    model.score(["one two three four five six"])  # a batch may go past the bound; the next one starts afresh
    assert np.allclose(model.score(["bad good bad"]).logits, before)
    assert len(model._tokens) <= 3


def test_the_committed_model_is_small_and_of_this_format() -> None:
    assert MODEL_PATH.stat().st_size < 8_000_000
    model = default_heads()
    assert {"sentiment:negative", "sentiment:neutral", "sentiment:positive", "offensive"} <= set(model.outputs)
    with pytest.raises(ValueError, match="does not fit"):
        LinearHeads(["w:a"], np.zeros((2, 2), dtype=np.float32), np.zeros(1), ["x"], {})
