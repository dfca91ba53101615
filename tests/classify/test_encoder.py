"""The second pass's sentence encoder and stacked heads: shipped in the repository, loaded without the network."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from townsquare.classify import encoder, lexicon, pipeline, profanity, stacked


def test_the_model_and_tokenizer_ship_in_the_repository() -> None:
    package = encoder.DIRECTORY.parent
    assert encoder.MODEL_PATH.parent == package / "encoder"
    assert 15_000_000 < encoder.MODEL_PATH.stat().st_size < 30_000_000  # int8, not the 90 MB original
    assert encoder.TOKENIZER_PATH.is_file()
    assert (package / "encoder" / "NOTICE.md").read_text().count("Apache") >= 1
    assert stacked.MODEL_PATH.parent == package and stacked.MODEL_PATH.stat().st_size < 100_000


def test_loads_and_encodes_with_the_network_off(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("the encoder tried to open a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    model = encoder.SentenceEncoder()
    heads = stacked.StackedHeads.load()
    texts = ["My bin was not collected", "Mae'r biniau heb eu casglu", ""]
    vectors = model.features(texts)
    assert vectors.shape == (3, 3 * encoder.WIDTH) and vectors.dtype == np.float32
    side = heads.side(np.zeros((3, 3)), np.zeros(3), lexicon.lexicon_scores(texts), np.zeros(3))
    assert heads.offensive_probability(vectors, side).shape == (3,)


def test_vectors_mean_what_the_texts_mean() -> None:
    model = encoder.default_encoder()
    texts = [
        "The bins were not collected on our street this week",
        "Nobody came to empty the rubbish bins on my road",
        "Thank you for the lovely concert in the park",
    ]
    mean = model.features(texts)[:, : encoder.WIDTH]
    assert np.allclose(np.linalg.norm(mean, axis=1), 1.0, atol=1e-5)
    similar, unrelated = float(mean[0] @ mean[1]), float(mean[0] @ mean[2])
    assert similar > unrelated + 0.2


def test_a_batch_encodes_each_text_as_alone() -> None:
    model = encoder.default_encoder()
    texts = ["Short", "A much longer message about the potholes on Station Road " * 3, "Diolch yn fawr"]
    together = model.features(texts)
    alone = np.vstack([model.features([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-4)
    assert model.features([]).shape == (0, 3 * encoder.WIDTH)


def test_long_texts_are_cut_to_the_models_length() -> None:
    model = encoder.default_encoder()
    long = "please fix the road " * 500
    assert np.allclose(model.features([long]), model.features([long + " and the bins"]), atol=1e-4)


def test_second_pass_sentiment_and_offensive_come_from_the_stacked_heads() -> None:
    texts = ["Thank you so much, brilliant service from the library team", "You useless fucking idiots"]
    praise, abuse = pipeline.second_pass(texts)
    assert praise.sentiment == "positive" and praise.offensive < 0.3
    assert abuse.sentiment == "negative" and abuse.offensive > 0.8
    assert sum(praise.sentiment_scores) == pytest.approx(1.0, abs=1e-3)


def test_a_model_of_another_shape_is_refused() -> None:
    meta = {"offensive": {"threshold": 0.5}, "sentiment": {"linear_offsets": [0, 0, 0]}}
    side = np.zeros((len(stacked.SIDE), 4))
    with pytest.raises(ValueError, match="expected"):
        stacked.StackedHeads(np.zeros((1152, 3)), np.zeros(4), side, meta)
    with pytest.raises(ValueError, match="expected"):
        stacked.StackedHeads(np.zeros((1152, 4)), np.zeros(4), np.eye(4), meta)
    heads = stacked.StackedHeads(np.zeros((1152, 4)), np.zeros(4), side, meta)
    with pytest.raises(ValueError, match="reads 1152"):
        heads.offensive_probability(np.zeros((2, 768)), np.zeros((2, len(stacked.SIDE))))


def test_the_stacker_combines_the_linear_head_the_lexicon_and_the_encoder_head() -> None:
    meta = {"offensive": {"threshold": 0.5}, "sentiment": {"linear_offsets": [0.5, 0, -0.5]}}
    coef = np.zeros((6, 4))
    coef[0, 3] = 2.0  # the encoder's first number pushes the offensive log-odds
    mix = np.zeros((len(stacked.SIDE), 4))
    mix[:3, :3] = np.eye(3)
    mix[stacked.SIDE.index("linear:offensive"), 3] = 0.5
    mix[stacked.SIDE.index("vader:compound"), 0] = -2.0  # a negative compound score pushes "negative"
    heads = stacked.StackedHeads(coef, np.array([0.0, 0.0, 0.0, -1.0]), mix, meta)
    vectors = np.array([[1.0, 0, 0, 0, 0, 0], [0.0, 0, 0, 0, 0, 0]])
    lexicon_scores = np.array([[0.0, 1.0, 0.0, 0.0], [0.5, 0.5, 0.0, -0.5]])
    mix[stacked.SIDE.index("profanity"), 3] = 1.0
    heads = stacked.StackedHeads(coef, np.array([0.0, 0.0, 0.0, -1.0]), mix, meta)
    side = heads.side(np.array([[1.5, 0, -0.5]] * 2), np.array([4.0, 4.0]), lexicon_scores, np.array([0.0, -1.0]))
    assert side.shape == (2, len(stacked.SIDE))
    expected = 1 / (1 + np.exp(-np.array([0.5 * 4 + 2 - 1, 0.5 * 4 - 1 - 1])))
    assert np.allclose(heads.offensive_probability(vectors, side), expected)
    # The first pass's own class offsets are taken off before the mix.
    assert np.allclose(heads.sentiment_logits(vectors, side), [[1.0, 0, 0], [2.0, 0, 0]])


def test_the_lexicon_scores_wording_people_rated() -> None:
    scores = lexicon.lexicon_scores(["Thank you, brilliant help :)", "This is awful, I hate it", "", "Bin day"])
    assert scores.shape == (4, len(lexicon.NAMES))
    compound = scores[:, lexicon.NAMES.index("compound")]
    assert compound[0] > 0.5 and compound[1] < -0.5 and compound[2] == 0.0 and compound[3] == 0.0


def test_the_profanity_model_ships_and_scores_words_it_knows() -> None:
    assert profanity.MODEL_PATH.parent == encoder.DIRECTORY.parent and profanity.MODEL_PATH.stat().st_size < 300_000
    model = profanity.default_profanity()
    rude, polite, empty, unknown = model.log_odds(
        ["You useless fucking idiots", "Thank you for fixing the road", "", "@@"]
    )
    assert rude > 0 > polite
    assert empty == unknown == model.intercept
    # Repeating a text changes nothing (tf-idf with l2 length); case does not matter.
    assert model.log_odds(["IDIOTS"])[0] == pytest.approx(model.log_odds(["idiots idiots"])[0])


def test_a_profanity_model_of_another_shape_is_refused() -> None:
    with pytest.raises(ValueError, match="2 words"):
        profanity.ProfanityModel(["a", "b"], np.ones(3), np.ones(3), 0.0)
