"""The offensive-text classifier: its scores on council texts, its agreement with the trained model,
the spans it points at, and awkward input."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import pytest

from townsquare.classify import offensive
from townsquare.classify.offensive import (
    DEFAULT_THRESHOLD,
    MAX_CHARS,
    OffensiveModel,
    default_model,
    is_offensive,
    offensive_score,
    offensive_spans,
)

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "classify" / "offensive_val_sample.jsonl"

POLITE = [
    "Thank you for fixing the streetlight on Mill Lane",
    "Lovely to see the new play park open in Hillcrest today!",
    "Is the recycling centre open on bank holiday Monday?",
    "When will the road on Station Road be resurfaced? It's been months.",
    "Great work by the team 👏 https://www.riverside.gov.uk/parks #Riverside",
    "@RiversideDC could you let me know when my garden waste bin will be collected please?",
    "Christmas collection days change. Check your new day at https://www.riverside.gov.uk/bins #binday",
]

ABUSIVE = [
    "You are a useless idiot and a disgrace, shut up",
    "@RiversideDC you lot are fucking useless wankers",
    "Councillor Smith is a lying piece of shit",
    "go to hell you stupid bitch",
    "Shut the fuck up",
    "What a shit council",
]


@pytest.mark.parametrize("text", POLITE)
def test_polite_council_texts_score_low(text: str) -> None:
    assert offensive_score(text) < 0.3
    assert not is_offensive(text)


@pytest.mark.parametrize("text", ABUSIVE)
def test_abusive_texts_score_high(text: str) -> None:
    assert offensive_score(text) > 0.8
    assert is_offensive(text)


def test_threshold_is_a_parameter() -> None:
    text = "Get the f*ck out"
    score = offensive_score(text)
    assert is_offensive(text, threshold=score)
    assert not is_offensive(text, threshold=min(1.0, score + 0.01))


def test_default_threshold_is_the_one_recorded_with_the_model() -> None:
    # Retraining writes the threshold chosen on validation data into the model file; the documented
    # constant must follow it.
    assert default_model().threshold == DEFAULT_THRESHOLD


def test_exported_scorer_gives_scikit_learns_probabilities_on_validation_sample() -> None:
    rows = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 200
    assert {row["label"] for row in rows} == {0, 1}
    gaps = [abs(offensive_score(row["text"]) - row["score"]) for row in rows]
    assert max(gaps) < 1e-5


def reference_score(model: OffensiveModel, text: str) -> float:
    """TF-IDF with sublinear tf and L2 length, from the feature list, as scikit-learn computes it."""
    counts = Counter(f for f in offensive.text_features(text) if f in model.ids)
    if not counts:
        return 0.0
    values = {model.ids[f]: (1 + math.log(c)) * model.idf[model.ids[f]] for f, c in counts.items()}
    length = math.sqrt(sum(v * v for v in values.values()))
    z = model.intercept + sum(v * model.weight[i] / model.idf[i] for i, v in values.items()) / length
    return 1 / (1 + math.exp(-z))


@pytest.mark.parametrize(
    "text",
    [
        "the the the bins the bins",  # one word many times: counts above one everywhere
        "thing things thinking nothing something",  # shared letter sequences between different words
        "idiot idiot idiot idiot!!! @user @user @user",
        "Bin day bin day BIN DAY 🗑️🗑️",
    ],
)
def test_fast_path_matches_the_reference_computation_for_repeated_features(text: str) -> None:
    model = default_model()
    assert model.score(text) == pytest.approx(reference_score(model, text), abs=1e-9)


def test_spans_point_at_the_offensive_words() -> None:
    text = "Councillor Smith is a lying piece of shit"
    spans = offensive_spans(text)
    assert spans[0].text == "shit"
    assert text[spans[0].start : spans[0].end] == "shit"

    text = "@RiversideDC you are a useless idiot, go to hell"
    found = {text[s.start : s.end] for s in offensive_spans(text)}
    assert {"idiot", "hell"} <= found
    assert not found & {"@RiversideDC", "you", "are", "a", "go", "to"}
    weights = [s.weight for s in offensive_spans(text)]
    assert weights == sorted(weights, reverse=True)


def test_spans_keep_the_text_as_written() -> None:
    text = "WHAT A SHIIIIT COUNCIL"
    [span] = offensive_spans(text, limit=1)
    assert (span.start, span.end, span.text) == (7, 14, "SHIIIIT")


def test_spans_of_a_polite_text_are_weak() -> None:
    assert all(s.weight < 1.0 for s in offensive_spans("Thank you for fixing the streetlight on Mill Lane"))


@pytest.mark.parametrize("text", ["", "   \n\t ", "_____"])
def test_empty_text_is_not_offensive(text: str) -> None:
    assert offensive_score(text) == 0.0
    assert not is_offensive(text)
    assert offensive_spans(text) == []


def test_emoji_only_text_is_scored() -> None:
    for text in ["😂😂😂", "👍", "🏳️‍🌈"]:
        score = offensive_score(text)
        assert 0.0 <= score < DEFAULT_THRESHOLD


def test_very_long_text_reads_only_its_start() -> None:
    polite = "Thank you for fixing the streetlight on Mill Lane. " * 1000
    assert len(polite) > MAX_CHARS
    assert offensive_score(polite) < 0.3
    assert offensive_score(polite + " you stupid idiot") == offensive_score(polite)
    assert all(s.end <= MAX_CHARS for s in offensive_spans(polite))
    one_word = "a" * 100_000
    assert 0.0 <= offensive_score(one_word) <= 1.0


def test_text_is_normalised_as_the_training_tweets_were() -> None:
    assert offensive_score("@RiversideDC you idiot") == offensive_score("@user you idiot")
    assert offensive_score("see https://t.co/abc123 now") == offensive_score("see URL now")
    assert offensive_score("YOU IDIOT") == offensive_score("you idiot")
    assert offensive_score("you idiooooot") == offensive_score("you idioot")
    assert offensive_score("don’t be a prat") == offensive_score("don't be a prat")


def test_starred_swear_words_are_one_token() -> None:
    assert [t.norm for t in offensive.tokenise("f*ck off, a$$hole!")] == ["f*ck", "off", ",", "a$$hole", "!"]


def test_scores_of_many_texts_in_order() -> None:
    assert offensive.scores(["Shut the fuck up", "Thank you"]) == [
        offensive_score("Shut the fuck up"),
        offensive_score("Thank you"),
    ]


def test_a_model_file_of_another_format_is_refused() -> None:
    with pytest.raises(ValueError, match="format"):
        OffensiveModel({"format": 99, "intercept": 0, "sublinear_tf": True, "threshold": 0.5, "features": {}})


def test_the_committed_model_is_small() -> None:
    assert offensive.MODEL_PATH.stat().st_size < 3_000_000
