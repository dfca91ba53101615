"""The published baselines, measured on the validation splits: how far apart validation and test lie.

Usage: .venv/bin/python scripts/validation_baselines.py

The data's README gives each baseline's figure on the withheld TweetEval test sets (sentiment: VADER
0.570, TF-IDF with logistic regression 0.600, all-MiniLM-L6-v2 embeddings with logistic regression
0.646; offensive: TF-IDF 0.727, MiniLM 0.717), and issue 11 gives the offensive model of
``townsquare/classify/offensive.py`` 0.734 at its default threshold. The same baselines, trained on
the same training data (data/classify/), are scored here on the validation splits, so the difference
says how much harder or easier the test set is than validation for models of each kind. Logistic
regression is scikit-learn's default, and also with balanced class weights (the README does not say
which it used). The MiniLM baseline uses the committed int8 encoder's averaged vector. About five
minutes on one core (the encoder reads some 61,000 tweets).
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, recall_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "data" / "classify"

TEST = {  # (task, baseline) -> its figure on the withheld test set
    ("sentiment", "VADER (compound beyond ±0.05)"): 0.570,
    ("sentiment", "TF-IDF + logistic regression"): 0.600,
    ("sentiment", "MiniLM + logistic regression"): 0.646,
    ("offensive", "TF-IDF + logistic regression"): 0.727,
    ("offensive", "MiniLM + logistic regression"): 0.717,
    ("offensive", "offensive.py at its default threshold"): 0.734,
}


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def sentiment_data() -> tuple[list[str], list[int], list[str], list[int]]:
    with (DATA / "semeval2017_sentiment" / "train.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    val = DATA / "tweeteval_sentiment"
    return (
        [row["text"] for row in rows],
        [int(row["label"]) for row in rows],
        lines(val / "val_text.txt"),
        [int(label) for label in lines(val / "val_labels.txt")],
    )


def offensive_data() -> tuple[list[str], list[int], list[str], list[int]]:
    folder = DATA / "tweeteval_offensive"
    return (
        lines(folder / "train_text.txt"),
        [int(label) for label in lines(folder / "train_labels.txt")],
        lines(folder / "val_text.txt"),
        [int(label) for label in lines(folder / "val_labels.txt")],
    )


def minilm(texts: Sequence[str]) -> np.ndarray:
    from townsquare.classify.encoder import WIDTH, default_encoder

    encoder = default_encoder()
    return np.vstack([encoder.features(texts[i : i + 500])[:, :WIDTH] for i in range(0, len(texts), 500)])


def logistic(train: np.ndarray, labels: Sequence[int], val: np.ndarray, balanced: bool) -> np.ndarray:
    model = LogisticRegression(max_iter=3000, class_weight="balanced" if balanced else None)
    return np.asarray(model.fit(train, labels).predict(val))


def report(task: str, name: str, figure: float, balanced: bool | None = None) -> None:
    test = TEST[(task, name)]
    weights = "" if balanced is None else (" (balanced)" if balanced else " (default)")
    print(f"| {task} | {name}{weights} | {figure:.4f} | {test:.3f} | {test - figure:+.3f} |", flush=True)


def main() -> None:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townsquare.settings")
    os.environ.setdefault("TOWNSQUARE_DEMO", "1")
    import django

    django.setup()
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from townsquare.classify.offensive import DEFAULT_THRESHOLD, offensive_score

    print("| Task | Baseline | Validation | Test (published) | Test minus validation |")
    print("|---|---|---|---|---|")
    tasks: list[tuple[str, Callable[..., float], tuple[list[str], list[int], list[str], list[int]]]] = [
        ("sentiment", lambda y, p: recall_score(y, p, average="macro"), sentiment_data()),
        ("offensive", lambda y, p: f1_score(y, p, average="macro"), offensive_data()),
    ]
    for task, metric, (train_text, train_labels, val_text, val_labels) in tasks:
        if task == "sentiment":
            vader = SentimentIntensityAnalyzer()
            compound = [vader.polarity_scores(text)["compound"] for text in val_text]
            guesses = [2 if c >= 0.05 else 0 if c <= -0.05 else 1 for c in compound]
            report(task, "VADER (compound beyond ±0.05)", metric(val_labels, guesses))
        else:
            guesses = [int(offensive_score(text) >= DEFAULT_THRESHOLD) for text in val_text]
            report(task, "offensive.py at its default threshold", metric(val_labels, guesses))
        vectoriser = TfidfVectorizer()
        train_tfidf, val_tfidf = vectoriser.fit_transform(train_text), None
        val_tfidf = vectoriser.transform(val_text)
        train_vectors, val_vectors = minilm(train_text), minilm(val_text)
        for balanced in (False, True):
            report(
                task,
                "TF-IDF + logistic regression",
                metric(val_labels, logistic(train_tfidf, train_labels, val_tfidf, balanced)),
                balanced,
            )
            report(
                task,
                "MiniLM + logistic regression",
                metric(val_labels, logistic(train_vectors, train_labels, val_vectors, balanced)),
                balanced,
            )


if __name__ == "__main__":
    main()
