"""Train the first-pass classifier (sentiment and offensive heads) and export it for numpy scoring.

Usage: nice .venv/bin/python scripts/train_classifier.py [--out PATH]

Reads, from data/classify/ only (test splits are withheld and never read):
- sentiment: semeval2017_sentiment/train.tsv (SemEval 2013-2016 Twitter sentiment, 47,474 tweets) to
  train; tweeteval_sentiment/val_* (2,000 tweets) to choose the setting and the class offsets;
- offensive: tweeteval_offensive/train_* to train, val_* to choose the setting and threshold.

Features: townsquare.classify.offensive's (tokens, their character 4- and 5-grams, pairs of
neighbouring tokens), seen in at least two training texts; each occurrence weighs its idf and the
vector is divided by sqrt(sum of idf squared), which is what townsquare.classify.linear computes at
run time. Heads: logistic regression (liblinear, one against the rest for sentiment, classes
balanced). The sentiment offsets added to each class's log-odds are chosen on validation for the
best macro-averaged recall (the target metric), by a coarse grid.

Writes townsquare/classify/first_pass_model.npz and prints every figure docs/classifiers.md quotes.
Needs scikit-learn and numpy (requirements-dev.txt); seeded, single-threaded.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import html
import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, recall_score
from sklearn.multiclass import OneVsRestClassifier
from sklearn.naive_bayes import MultinomialNB

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from townsquare.classify import linear, offensive  # noqa: E402

DATA = ROOT / "data" / "classify"
SEED = 20170101
SENTIMENT = ["negative", "neutral", "positive"]
OFFSETS = np.round(np.arange(-1.0, 1.01, 0.1), 2)


def read_lines(path: Path) -> list[str]:
    return [html.unescape(line) for line in path.read_text(encoding="utf-8").splitlines()]


def read_labels(path: Path) -> np.ndarray:
    return np.array([int(x) for x in path.read_text(encoding="utf-8").split()])


def sentiment_train() -> tuple[list[str], np.ndarray]:
    with (DATA / "semeval2017_sentiment" / "train.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [html.unescape(r["text"]) for r in rows], np.array([int(r["label"]) for r in rows])


def weighted(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Each occurrence weighs its idf; each row divided by sqrt(sum of idf squared over occurrences)."""
    square = np.asarray(counts @ (idf**2)).ravel()
    scale = np.where(square > 0, 1.0 / np.sqrt(np.where(square > 0, square, 1.0)), 0.0)
    return sparse.diags(scale) @ counts @ sparse.diags(idf)


def best_offsets(labels: np.ndarray, logits: np.ndarray) -> tuple[np.ndarray, float]:
    """Offsets (negative and positive class; neutral fixed at 0) with the best macro recall."""
    best = (np.zeros(3), -1.0)
    for neg, pos in itertools.product(OFFSETS, OFFSETS):
        offsets = np.array([neg, 0.0, pos])
        score = recall_score(labels, (logits + offsets).argmax(1), average="macro")
        if score > best[1] + 1e-12:
            best = (offsets, score)
    return best


def best_threshold(labels: np.ndarray, probabilities: np.ndarray) -> tuple[float, float]:
    best = (0.5, -1.0)
    for hundredths in range(10, 91):
        score = f1_score(labels, probabilities >= hundredths / 100, average="macro")
        if score > best[1] + 1e-12:
            best = (hundredths / 100, score)
    return best


def fit(matrix: sparse.csr_matrix, labels: np.ndarray, c: float) -> LogisticRegression | OneVsRestClassifier:
    """Logistic regression, one class against the rest when there are more than two."""
    model = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", random_state=SEED, max_iter=1000)
    if len(set(labels.tolist())) > 2:
        return OneVsRestClassifier(model).fit(matrix, labels)
    return model.fit(matrix, labels)


def coefficients(model: LogisticRegression | OneVsRestClassifier) -> tuple[np.ndarray, np.ndarray]:
    """(coefficients (outputs, features), intercepts (outputs,))."""
    if isinstance(model, OneVsRestClassifier):
        return (
            np.vstack([m.coef_ for m in model.estimators_]),
            np.concatenate([m.intercept_ for m in model.estimators_]),
        )
    return model.coef_, model.intercept_


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=linear.MODEL_PATH)
    args = parser.parse_args()
    started = time.perf_counter()

    s_texts, s_labels = sentiment_train()
    sv_texts = read_lines(DATA / "tweeteval_sentiment" / "val_text.txt")
    sv_labels = read_labels(DATA / "tweeteval_sentiment" / "val_labels.txt")
    o_texts = read_lines(DATA / "tweeteval_offensive" / "train_text.txt")
    o_labels = read_labels(DATA / "tweeteval_offensive" / "train_labels.txt")
    ov_texts = read_lines(DATA / "tweeteval_offensive" / "val_text.txt")
    ov_labels = read_labels(DATA / "tweeteval_offensive" / "val_labels.txt")
    print(f"sentiment train {len(s_texts)}, val {len(sv_texts)}; offensive train {len(o_texts)}, val {len(ov_texts)}")

    vectoriser = CountVectorizer(analyzer=offensive.text_features, min_df=2, dtype=np.float64)
    counts = vectoriser.fit_transform(s_texts + o_texts).tocsr()
    documents = counts.shape[0]
    frequency = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log((1 + documents) / (1 + frequency)) + 1.0
    features = vectoriser.get_feature_names_out()
    print(f"{len(features):,} features ({time.perf_counter() - started:.0f} s)", flush=True)

    s_matrix = weighted(counts[: len(s_texts)], idf)
    o_matrix = weighted(counts[len(s_texts) :], idf)
    sv_matrix = weighted(vectoriser.transform(sv_texts).tocsr(), idf)
    ov_matrix = weighted(vectoriser.transform(ov_texts).tocsr(), idf)

    chosen_s = None
    for c in (0.5,):  # one fit each keeps a run to minutes on a shared machine
        model = fit(s_matrix, s_labels, c)
        logits = model.decision_function(sv_matrix)
        plain = recall_score(sv_labels, logits.argmax(1), average="macro")
        offsets, tuned = best_offsets(sv_labels, logits)
        print(
            f"  sentiment C={c}: val macro recall {plain:.4f}, {tuned:.4f} with offsets {offsets.tolist()} "
            f"({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        if chosen_s is None or tuned > chosen_s[0]:
            chosen_s = (tuned, c, model, offsets, plain)
    assert chosen_s is not None
    # The second pass adds naive Bayes (per-occurrence mean log-probabilities) to the regression's log-odds.
    s_counts, sv_counts = counts[: len(s_texts)], vectoriser.transform(sv_texts).tocsr()
    nb = MultinomialNB(alpha=0.5).fit(s_counts, s_labels)
    nb_logp = nb.feature_log_prob_ - nb.feature_log_prob_.mean(axis=0, keepdims=True)  # (3, features)
    occurrences = np.maximum(np.asarray(sv_counts.sum(axis=1)).ravel(), 1.0)
    nb_val = np.asarray(sv_counts @ nb_logp.T) / occurrences[:, None]
    lr_val = chosen_s[2].decision_function(sv_matrix)
    best_nb = (0.0, chosen_s[3], chosen_s[0])
    for weight in (0.25, 0.5, 1.0, 1.5, 2.0, 3.0):
        nb_offsets, tuned = best_offsets(sv_labels, lr_val + weight * nb_val)
        print(
            f"  sentiment + naive Bayes x{weight}: val macro recall {tuned:.4f} with offsets {nb_offsets.tolist()}",
            flush=True,
        )
        if tuned > best_nb[2] + 1e-12:
            best_nb = (weight, nb_offsets, tuned)
    chosen_o = None
    for c in (3.0,):  # the offensive model's own search chose 3
        model = fit(o_matrix, o_labels, c)
        probabilities = model.predict_proba(ov_matrix)[:, 1]
        threshold, macro = best_threshold(ov_labels, probabilities)
        print(
            f"  offensive C={c}: val macro-F1 {macro:.4f} at {threshold:.2f} ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        if chosen_o is None or macro > chosen_o[0]:
            chosen_o = (macro, c, model, threshold)
    assert chosen_o is not None

    _, s_c, s_model, offsets, plain = chosen_s
    o_macro, o_c, o_model, o_threshold = chosen_o
    (s_coef, s_intercept), (o_coef, o_intercept) = coefficients(s_model), coefficients(o_model)
    coef = np.vstack([s_coef, o_coef]).T  # (features, 4)
    intercepts = np.concatenate([s_intercept + offsets, o_intercept, np.zeros(4)])
    keep = np.abs(coef).max(axis=1) > 1e-3
    raw = np.hstack([nb_logp.T[keep], np.ones((int(keep.sum()), 1))])  # naive Bayes and the occurrence count
    matrix = np.hstack([coef[keep] * idf[keep, None], raw, (idf[keep] ** 2)[:, None]]).astype(np.float32)
    kept = [str(f) for f in features[keep]]
    outputs = (
        [f"sentiment:{name}" for name in SENTIMENT]
        + ["offensive"]
        + [f"nb:{name}" for name in SENTIMENT]
        + ["occurrences"]
    )
    meta = {
        "format": linear.MODEL_FORMAT,
        "outputs": outputs,
        "offensive_threshold": o_threshold,
        "sentiment": {
            "C": s_c,
            "offsets": offsets.tolist(),
            "val_macro_recall": round(chosen_s[0], 4),
            "val_macro_recall_without_offsets": round(plain, 4),
        },
        "naive_bayes": {
            "weight": best_nb[0],
            "offsets": np.asarray(best_nb[1]).tolist(),
            "val_macro_recall": round(best_nb[2], 4),
        },
        "raw_outputs": [f"nb:{name}" for name in SENTIMENT] + ["occurrences"],
        "offensive": {"C": o_c, "val_macro_f1": round(o_macro, 4)},
        "data": "SemEval 2013-2016 sentiment train (data/classify/semeval2017_sentiment), "
        "TweetEval offensive train (data/classify/tweeteval_offensive)",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        matrix=matrix,
        intercepts=intercepts,
        features=np.frombuffer(gzip.compress("\n".join(kept).encode("utf-8"), mtime=0), dtype=np.uint8),
        meta=np.frombuffer(gzip.compress(json.dumps(meta).encode("utf-8"), mtime=0), dtype=np.uint8),
    )
    print(f"wrote {args.out.relative_to(ROOT)}: {len(kept):,} features, {args.out.stat().st_size / 1e6:.2f} MB")

    # The exported scorer must agree with scikit-learn.
    heads = linear.LinearHeads.load(args.out)
    scored = heads.score(sv_texts)
    exported = scored.logits[:, :3]
    reference = s_model.decision_function(sv_matrix) + offsets
    gap = float(np.max(np.abs(exported[scored.known] - reference[scored.known])))
    print(f"exported sentiment logits vs scikit-learn: largest difference {gap:.2e}")
    recall = recall_score(sv_labels, exported.argmax(1), average="macro")
    o_scored = heads.score(ov_texts)
    o_pred = linear.sigmoid(o_scored.logits[:, 3]) >= o_threshold
    print(
        f"exported: sentiment val macro recall {recall:.4f}; offensive val macro-F1 "
        f"{f1_score(ov_labels, o_pred, average='macro'):.4f} at {o_threshold}"
    )
    print(f"done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
