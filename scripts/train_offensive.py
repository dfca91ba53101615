"""Train the offensive-text classifier and export it for the pure-Python scorer.

Usage: .venv/bin/python scripts/train_offensive.py [--out PATH] [--no-sample]

Reads TweetEval's offensive train and validation splits from data/classify/tweeteval_offensive/
(the test split is withheld and never read). Fits TF-IDF (townsquare.classify.offensive's own
features, so training and scoring share one tokeniser) and a logistic regression for each of a few
settings, keeps the one with the best validation macro-F1, picks the threshold with the best
validation macro-F1, and writes:

- townsquare/classify/offensive_model.json.gz: per feature its idf and coefficient, the intercept,
  the threshold;
- data/classify/offensive_val_sample.jsonl: 200 validation texts with scikit-learn's probability
  for each, which tests/classify compares the exported scorer with.

It then checks that the exported scorer reproduces scikit-learn's probabilities on every validation
text and prints macro-F1, precision and recall of the offensive class, and the scorer's speed.
Needs scikit-learn and numpy (requirements-dev.txt); single-threaded and seeded, so reruns give the
same file.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import random
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_recall_fscore_support

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from townsquare.classify import offensive  # noqa: E402

DATA = ROOT / "data" / "classify" / "tweeteval_offensive"
SAMPLE = ROOT / "data" / "classify" / "offensive_val_sample.jsonl"
SEED = 20190101
TOLERANCE = 1e-4  # the export rounds each number to 7 significant digits

# The settings tried, in order; the first with the best validation macro-F1 wins. Kept short on
# purpose: a handful of fits, not a search.
SETTINGS: list[dict[str, object]] = [
    {"min_df": 2, "C": 1.0, "class_weight": None},
    {"min_df": 2, "C": 3.0, "class_weight": None},
    {"min_df": 2, "C": 3.0, "class_weight": "balanced"},
    {"min_df": 3, "C": 3.0, "class_weight": "balanced"},
]


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def read_split(name: str) -> tuple[list[str], np.ndarray]:
    # The tweets keep Twitter's HTML escapes ("&amp;"); messages reaching the council do not.
    texts = [html.unescape(line) for line in (DATA / f"{name}_text.txt").read_text(encoding="utf-8").splitlines()]
    labels = np.array([int(x) for x in (DATA / f"{name}_labels.txt").read_text(encoding="utf-8").split()])
    if len(texts) != len(labels):
        raise SystemExit(f"{name}: {len(texts)} texts but {len(labels)} labels")
    return texts, labels


def fit(texts: list[str], labels: np.ndarray, setting: dict[str, object]) -> tuple[TfidfVectorizer, LogisticRegression]:
    vectoriser = TfidfVectorizer(
        analyzer=offensive.text_features,
        min_df=setting["min_df"],
        sublinear_tf=True,
        norm="l2",
        smooth_idf=True,
        dtype=np.float64,
    )
    matrix = vectoriser.fit_transform(texts)
    model = LogisticRegression(
        C=setting["C"], class_weight=setting["class_weight"], solver="liblinear", random_state=SEED, max_iter=1000
    )
    model.fit(matrix, labels)
    return vectoriser, model


def best_threshold(labels: np.ndarray, probabilities: np.ndarray) -> tuple[float, float]:
    """The threshold (in hundredths) with the best macro-F1, the lowest of equals."""
    best = (0.5, -1.0)
    for hundredths in range(10, 91):
        threshold = hundredths / 100
        score = f1_score(labels, probabilities >= threshold, average="macro")
        if score > best[1] + 1e-12:
            best = (threshold, score)
    return best


def export(vectoriser: TfidfVectorizer, model: LogisticRegression, threshold: float, meta: dict[str, object]) -> dict:
    coef = model.coef_[0]
    idf = vectoriser.idf_
    features = {
        term: [float(f"{idf[col]:.7g}"), float(f"{coef[col]:.7g}")]
        for term, col in sorted(vectoriser.vocabulary_.items(), key=lambda item: item[1])
    }
    return {
        "format": offensive.MODEL_FORMAT,
        "intercept": float(f"{model.intercept_[0]:.7g}"),
        "sublinear_tf": True,
        "threshold": threshold,
        "meta": meta,
        "features": features,
    }


def report(name: str, labels: np.ndarray, predicted: np.ndarray) -> None:
    precision, recall, f1, _ = precision_recall_fscore_support(labels, predicted, labels=[1], zero_division=0)
    macro = f1_score(labels, predicted, average="macro")
    print(
        f"{name}: macro-F1 {macro:.4f}; offensive class precision {precision[0]:.4f} recall {recall[0]:.4f} "
        f"F1 {f1[0]:.4f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=offensive.MODEL_PATH)
    parser.add_argument("--no-sample", action="store_true", help="do not rewrite the validation sample")
    args = parser.parse_args()
    random.seed(SEED)
    np.random.seed(SEED)

    train_texts, train_labels = read_split("train")
    val_texts, val_labels = read_split("val")
    print(
        f"train {len(train_texts)} texts ({train_labels.mean():.1%} offensive), "
        f"val {len(val_texts)} ({val_labels.mean():.1%} offensive)"
    )

    best: tuple[float, dict[str, object], TfidfVectorizer, LogisticRegression, np.ndarray] | None = None
    for setting in SETTINGS:
        vectoriser, model = fit(train_texts, train_labels, setting)
        probabilities = model.predict_proba(vectoriser.transform(val_texts))[:, 1]
        threshold, macro = best_threshold(val_labels, probabilities)
        at_half = f1_score(val_labels, probabilities >= 0.5, average="macro")
        print(
            f"  {setting}: {len(vectoriser.vocabulary_):,} features, val macro-F1 {at_half:.4f} at 0.5, "
            f"{macro:.4f} at {threshold:.2f}"
        )
        if best is None or macro > best[0] + 1e-12:
            best = (macro, setting, vectoriser, model, probabilities)
    assert best is not None
    _, setting, vectoriser, model, probabilities = best
    threshold, _ = best_threshold(val_labels, probabilities)
    print(f"chosen: {setting}, threshold {threshold:.2f}")
    report("val at 0.50", val_labels, probabilities >= 0.5)
    report(f"val at {threshold:.2f}", val_labels, probabilities >= threshold)
    for stricter in (0.6, 0.7, 0.8, 0.9):  # for callers that must rarely flag a polite text
        report(f"val at {stricter:.2f}", val_labels, probabilities >= stricter)

    meta = {
        "data": "TweetEval offensive (cardiffnlp/tweeteval 4fbd22cd78421f05b1ecdb4fc5725bc7a7bd8f66), train split",
        "setting": setting,
        "char_ngrams": list(offensive.CHAR_NGRAMS),
        "val_macro_f1": round(float(f1_score(val_labels, probabilities >= threshold, average="macro")), 4),
    }
    exported = export(vectoriser, model, threshold, meta)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(exported, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # mtime=0 so the same model gives the same bytes.
    with open(args.out, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as handle:
        handle.write(payload)
    print(
        f"wrote {shown(args.out)}: {len(exported['features']):,} features, "
        f"{args.out.stat().st_size / 1e6:.2f} MB ({len(payload) / 1e6:.2f} MB unpacked)"
    )
    if threshold != offensive.DEFAULT_THRESHOLD:
        print(f"NOTE: set DEFAULT_THRESHOLD = {threshold} in townsquare/classify/offensive.py")

    # The exported scorer must give scikit-learn's probabilities.
    scorer = offensive.OffensiveModel.load(args.out)
    exported_scores = np.array([scorer.score(text) for text in val_texts])
    known = np.array([bool(offensive.text_features(t)) and vectoriser.transform([t]).nnz > 0 for t in val_texts])
    gap = float(np.max(np.abs(exported_scores[known] - probabilities[known])))
    print(f"exported scorer vs scikit-learn on {known.sum()} val texts: largest difference {gap:.2e}")
    if gap > TOLERANCE:
        raise SystemExit(f"exported scorer differs from scikit-learn by {gap:.2e} (> {TOLERANCE})")

    if not args.no_sample:
        rng = random.Random(SEED)
        picked = sorted(rng.sample(range(len(val_texts)), 200))
        with SAMPLE.open("w", encoding="utf-8") as handle:
            for i in picked:
                handle.write(
                    json.dumps(
                        {"text": val_texts[i], "label": int(val_labels[i]), "score": round(float(probabilities[i]), 7)},
                        ensure_ascii=False,
                    )
                    + "\n"
                )
        print(f"wrote {shown(SAMPLE)}: {len(picked)} val texts with scikit-learn's scores")

    # Speed: first pass meets every word for the first time, later passes find them cached.
    fresh = offensive.OffensiveModel.load(args.out)
    started = time.perf_counter()
    for text in val_texts:
        fresh.score(text)
    cold = len(val_texts) / (time.perf_counter() - started)
    started, rounds = time.perf_counter(), 5
    for _ in range(rounds):
        for text in val_texts:
            fresh.score(text)
    warm = rounds * len(val_texts) / (time.perf_counter() - started)
    print(
        f"speed on val tweets, one core: {cold:,.0f} texts/s first sight ({1e6 / cold:.0f} µs each), "
        f"{warm:,.0f} texts/s words cached ({1e6 / warm:.0f} µs each)"
    )


if __name__ == "__main__":
    main()
