"""Train the second pass's heads over the sentence encoder's vectors, stacked on the first pass's linear model.

Usage: nice .venv/bin/python scripts/train_second_pass.py [--threads 2]

Reads data/classify/ only (test splits are withheld and never read): the same training and validation
tweets as scripts/train_classifier.py; of the 47,474 sentiment training tweets, a seeded sample of
16,000 is encoded. Each text's encoder features (townsquare.classify.encoder: mean-pooled, max-pooled
and first-token all-MiniLM-L6-v2 vectors, 1,152 numbers) are computed once, in batches of 16 sorted by
length, and kept under var/classify/ (not committed), as are the out-of-fold log-odds below.

Every choice is made on the training split by five-fold cross-validation, none on validation:
1. out-of-fold log-odds of the first pass's n-gram model (the same features and settings as
   scripts/train_classifier.py, refitted on four folds, scoring the fifth);
2. out-of-fold log-odds of a logistic regression on the encoder's features (sentiment: mean-pooled
   and first-token parts; offensive: the same; scikit-learn, lbfgs, classes balanced);
3. a stacker, a logistic regression over those log-odds and the VADER lexicon's four scores
   (townsquare.classify.lexicon; 3 + 3 + 4 inputs for sentiment), and for offensive also the
   decision value of a profanity model trained on other data (townsquare.classify.profanity; 1 + 1 +
   4 + 1 inputs; it was not trained on these tweets, so it needs no folds), fitted on
   the out-of-fold log-odds (sentiment: classes balanced, no class offsets); the offensive threshold
   with the best out-of-fold macro-F1.
The encoder heads' out-of-fold log-odds and refitted heads are kept in var/classify/ too, so a rerun
that changes only the stacker takes a minute.
The encoder heads used at run time are refitted on the whole training split; the linear heads are the
committed first pass's. Writes townsquare/classify/second_pass_model.npz, then prints the validation
figures docs/classifiers.md quotes (reported, not used to choose anything).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import itertools
import json
import os
import sys
import time
from pathlib import Path

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402
from sklearn.feature_extraction.text import CountVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score, recall_score  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from train_classifier import DATA, SEED, fit, read_labels, read_lines, sentiment_train, weighted  # noqa: E402

from townsquare.classify import encoder, lexicon, linear, offensive, profanity, stacked  # noqa: E402

CACHE = ROOT / "var" / "classify"
FOLDS = 5
SENTIMENT_SAMPLE = 16_000
SENTIMENT_PARTS = ("mean", "cls")
OFFENSIVE_PARTS = ("mean", "cls")
SENTIMENT_C = 2.0
OFFENSIVE_C = 0.5
OFFSETS = np.round(np.arange(-1.0, 1.01, 0.1), 2)


def vectors(name: str, texts: list[str], threads: int) -> np.ndarray:
    """The encoder's features of ``texts``, from var/classify/ when the same texts and model were encoded before."""
    digest = hashlib.sha256()
    digest.update(encoder.MODEL_PATH.read_bytes()[-65536:])
    digest.update(f"{encoder.MAX_TOKENS} {encoder.PARTS}\n".encode())
    digest.update("\n".join(texts).encode("utf-8"))
    path = CACHE / f"{name}-{digest.hexdigest()[:16]}.npy"
    if path.exists():
        return np.load(path)
    started = time.perf_counter()
    model = encoder.SentenceEncoder(threads=threads)
    parts = []
    for start in range(0, len(texts), 2000):
        parts.append(batched(model, texts[start : start + 2000]))
        done = start + len(parts[-1])
        print(f"  {name}: {done}/{len(texts)} ({done / (time.perf_counter() - started):.0f}/s)", flush=True)
    result = np.vstack(parts) if parts else np.zeros((0, len(encoder.PARTS) * encoder.WIDTH), dtype=np.float32)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, result)
    return result


def batched(model: encoder.SentenceEncoder, texts: list[str], size: int = 16) -> np.ndarray:
    """``model.features`` in batches of ``size`` texts of similar length: about twice as fast for training;
    the vectors differ slightly from one-at-a-time ones (the int8 model scales each run's activations
    together), which the validation figures, computed one at a time at run time, include."""
    width = encoder.WIDTH
    out = np.zeros((len(texts), len(encoder.PARTS) * width), dtype=np.float32)
    encoded = model.tokenizer.encode_batch([text or "" for text in texts])
    lengths = np.array([len(e.ids) for e in encoded])
    order = np.argsort(lengths, kind="stable")
    for start in range(0, len(order), size):
        chosen = order[start : start + size]
        ids = np.zeros((len(chosen), int(lengths[chosen].max())), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, n in enumerate(chosen):
            ids[row, : lengths[n]] = encoded[n].ids
            mask[row, : lengths[n]] = 1
        hidden = model.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        weights = mask[:, :, None].astype(np.float32)
        mean = (hidden * weights).sum(axis=1) / weights.sum(axis=1)
        mean /= np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)
        out[chosen, :width] = mean
        out[chosen, width : 2 * width] = np.where(weights > 0, hidden, -np.inf).max(axis=1)
        out[chosen, 2 * width :] = hidden[:, 0]
    return out


def columns(parts: tuple[str, ...]) -> np.ndarray:
    return np.concatenate([np.arange(encoder.WIDTH) + encoder.WIDTH * encoder.PARTS.index(p) for p in parts])


def ngram_out_of_fold(
    s_texts: list[str], s_labels: np.ndarray, folded: np.ndarray, o_texts: list[str], o_labels: np.ndarray
) -> dict[str, np.ndarray]:
    """Out-of-fold n-gram log-odds: offensive for every training tweet; sentiment for the ``folded`` tweets (five
    folds over them; the other sentiment tweets are in every fold's training data), of which the first
    SENTIMENT_SAMPLE are the encoded ones. Kept in var/classify/."""
    digest = hashlib.sha256(linear.MODEL_PATH.read_bytes()[-65536:])
    digest.update(folded.tobytes())
    path = CACHE / f"ngram-oof-{digest.hexdigest()[:16]}.npz"
    if path.exists():
        with np.load(path) as data:
            return dict(data)
    vectoriser = CountVectorizer(analyzer=offensive.text_features, min_df=2, dtype=np.float64)
    counts = vectoriser.fit_transform(s_texts + o_texts).tocsr()
    idf = np.log((1 + counts.shape[0]) / (1 + np.bincount(counts.indices, minlength=counts.shape[1]))) + 1.0
    s_matrix, o_matrix = weighted(counts[: len(s_texts)], idf), weighted(counts[len(s_texts) :], idf)
    o_fold = np.random.default_rng(SEED).permutation(len(o_texts)) % FOLDS
    o_oof = np.zeros(len(o_texts))
    for k in range(FOLDS):
        model = fit(o_matrix[o_fold != k], o_labels[o_fold != k], 3.0)
        o_oof[o_fold == k] = model.decision_function(o_matrix[o_fold == k])
    s_fold = np.full(len(s_texts), -1)
    s_fold[folded] = np.arange(len(folded)) % FOLDS
    s_oof = np.zeros((len(s_texts), 3))
    for k in range(FOLDS):
        model = fit(s_matrix[s_fold != k], s_labels[s_fold != k], 0.5)
        s_oof[s_fold == k] = model.decision_function(s_matrix[s_fold == k])
        print(f"  n-gram sentiment fold {k + 1}/{FOLDS}", flush=True)
    encoded = folded[:SENTIMENT_SAMPLE]
    result = {"o_oof": o_oof, "o_fold": o_fold, "s_oof": s_oof[encoded], "s_fold": s_fold[encoded]}
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(path, **result)
    return result


def encoder_out_of_fold(
    x: np.ndarray, y: np.ndarray, fold: np.ndarray, c: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(out-of-fold decision values, the coefficients and intercepts of the head refitted on every row); kept in
    var/classify/ by a digest of the inputs."""
    digest = hashlib.sha256(np.ascontiguousarray(x).tobytes())
    digest.update(y.tobytes() + fold.tobytes() + repr(c).encode())
    path = CACHE / f"encoder-oof-{digest.hexdigest()[:16]}.npz"
    if path.exists():
        with np.load(path) as data:
            return data["oof"], data["coef"], data["intercept"]
    out = np.zeros((len(y), 3) if len(set(y.tolist())) > 2 else len(y))
    for k in range(FOLDS):
        out[fold == k] = head(c).fit(x[fold != k], y[fold != k]).decision_function(x[fold == k])
    full = head(c).fit(x, y)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(path, oof=out, coef=full.coef_, intercept=full.intercept_)
    return out, full.coef_, full.intercept_


def head(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=SEED)


def macro_recall_offsets(labels: np.ndarray, logits: np.ndarray) -> tuple[np.ndarray, float]:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="the encoder's threads while encoding the tweets")
    parser.add_argument("--out", type=Path, default=stacked.MODEL_PATH)
    args = parser.parse_args()
    started = time.perf_counter()

    s_texts, s_labels = sentiment_train()
    sv_texts = read_lines(DATA / "tweeteval_sentiment" / "val_text.txt")
    sv_labels = read_labels(DATA / "tweeteval_sentiment" / "val_labels.txt")
    o_texts = read_lines(DATA / "tweeteval_offensive" / "train_text.txt")
    o_labels = read_labels(DATA / "tweeteval_offensive" / "train_labels.txt")
    ov_texts = read_lines(DATA / "tweeteval_offensive" / "val_text.txt")
    ov_labels = read_labels(DATA / "tweeteval_offensive" / "val_labels.txt")
    o = vectors("offensive-train", o_texts, args.threads)
    # A seeded sample of the sentiment tweets: encoding is slow, and the encoder's head gains little from more.
    order = np.random.default_rng(SEED).permutation(len(s_texts))
    sample = np.sort(order[:SENTIMENT_SAMPLE])
    s = vectors("sentiment-train", [s_texts[i] for i in sample], args.threads)
    # The n-gram model's sentiment folds hold out twice as many tweets: the encoded ones and as many more.
    folded = np.concatenate([sample, np.sort(order[SENTIMENT_SAMPLE : 2 * SENTIMENT_SAMPLE])])
    oof = ngram_out_of_fold(s_texts, s_labels, folded, o_texts, o_labels)
    print(f"vectors and out-of-fold n-gram log-odds ready ({time.perf_counter() - started:.0f} s)", flush=True)

    # Sentiment: the stacker over 3 + 3 out-of-fold log-odds and the lexicon's 4 scores, on the training split.
    y = s_labels[sample]
    s_lex = lexicon.lexicon_scores([s_texts[i] for i in sample])
    s_enc, s_head_coef, s_head_intercept = encoder_out_of_fold(
        s[:, columns(SENTIMENT_PARTS)], y, oof["s_fold"], SENTIMENT_C
    )
    s_inputs = np.hstack([oof["s_oof"], s_enc, s_lex])
    s_stack = LogisticRegression(class_weight="balanced", max_iter=2000, random_state=SEED).fit(s_inputs, y)
    s_stacked = s_stack.decision_function(s_inputs)
    s_oof_recall = recall_score(y, s_stacked.argmax(1), average="macro")
    # No class offsets: the stacker's classes are balanced already. Offsets searched on the out-of-fold
    # log-odds ([0.5, 0, 0.1]) gained 0.005 there (0.6971 against 0.6922) but made plain council
    # announcements ("Council offices will be closed on Monday") negative.
    s_offsets, tuned = macro_recall_offsets(y, s_stacked)
    print(f"  (with class offsets {s_offsets.tolist()}, not used: {tuned:.4f})")
    s_offsets = np.zeros(3)
    ngram = recall_score(y, oof["s_oof"].argmax(1), average="macro")
    without = LogisticRegression(class_weight="balanced", max_iter=2000, random_state=SEED)
    without = without.fit(s_inputs[:, :6], y).decision_function(s_inputs[:, :6])
    print(
        f"  sentiment out-of-fold macro recall: n-gram {ngram:.4f}, "
        f"encoder {recall_score(y, s_enc.argmax(1), average='macro'):.4f}, "
        f"stacked without the lexicon {recall_score(y, without.argmax(1), average='macro'):.4f}, "
        f"stacked {s_oof_recall:.4f} (offsets {s_offsets.tolist()})",
        flush=True,
    )
    # Offensive: the same with 1 + 1 log-odds and the lexicon's 4 scores, and the threshold.
    o_lex = lexicon.lexicon_scores(o_texts)
    o_enc, o_head_coef, o_head_intercept = encoder_out_of_fold(
        o[:, columns(OFFENSIVE_PARTS)], o_labels, oof["o_fold"], OFFENSIVE_C
    )
    o_inputs = np.c_[oof["o_oof"], o_enc, o_lex, profanity.default_profanity().log_odds(o_texts)]
    o_stack = LogisticRegression(max_iter=2000, random_state=SEED).fit(o_inputs, o_labels)
    o_threshold, o_oof_f1 = best_threshold(o_labels, o_stack.predict_proba(o_inputs)[:, 1])
    for label, chosen in (("without the lexicon and the profanity model", 2), ("without the profanity model", 6)):
        fewer = LogisticRegression(max_iter=2000, random_state=SEED).fit(o_inputs[:, :chosen], o_labels)
        _, fewer_f1 = best_threshold(o_labels, fewer.predict_proba(o_inputs[:, :chosen])[:, 1])
        print(f"  offensive out-of-fold macro-F1 {label}: {fewer_f1:.4f}")
    print(f"  offensive out-of-fold macro-F1: stacked {o_oof_f1:.4f} at {o_threshold:.2f}", flush=True)

    # Fold the two stages into one linear map: stacker(linear, encoder head(x), lexicon).
    width = len(encoder.PARTS) * encoder.WIDTH
    b_s = s_stack.coef_[:, 3:6].T  # (3, 3): the encoder head's log-odds x outputs
    s_coef = np.zeros((width, 3))
    s_coef[columns(SENTIMENT_PARTS)] = s_head_coef.T @ b_s
    s_intercept = s_head_intercept @ b_s + s_stack.intercept_ + s_offsets
    b_o = float(o_stack.coef_[0, 1])
    o_coef = np.zeros((width, 1))
    o_coef[columns(OFFENSIVE_PARTS), 0] = o_head_coef[0] * b_o
    o_intercept = float(o_head_intercept[0]) * b_o + float(o_stack.intercept_[0])
    lexicon_rows = [stacked.SIDE.index(f"vader:{name}") for name in lexicon.NAMES]
    mix = np.zeros((len(stacked.SIDE), 4))
    mix[:3, :3] = s_stack.coef_[:, :3].T
    mix[lexicon_rows, :3] = s_stack.coef_[:, 6:].T
    a_o = float(o_stack.coef_[0, 0])
    mix[stacked.SIDE.index("linear:offensive"), 3] = a_o
    mix[lexicon_rows, 3] = o_stack.coef_[0, 2:6]
    mix[stacked.SIDE.index("profanity"), 3] = o_stack.coef_[0, 6]
    heads = linear.default_heads()
    meta = {
        "format": stacked.MODEL_FORMAT,
        "encoder_max_tokens": encoder.MAX_TOKENS,
        "sentiment": {
            "C": SENTIMENT_C,
            "parts": list(SENTIMENT_PARTS),
            "offsets": s_offsets.tolist(),
            "oof_macro_recall": round(s_oof_recall, 4),
            "linear_offsets": heads.meta["sentiment"]["offsets"],
        },
        "offensive": {
            "C": OFFENSIVE_C,
            "parts": list(OFFENSIVE_PARTS),
            "threshold": o_threshold,
            "oof_macro_f1": round(o_oof_f1, 4),
            "linear_weight": a_o,
            "encoder_weight": b_o,
        },
        "side": list(stacked.SIDE),
        "data": "SemEval 2013-2016 sentiment train, TweetEval offensive train (data/classify/); five-fold stacking",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        coef=np.hstack([s_coef, o_coef]).astype(np.float32),
        intercepts=np.concatenate([s_intercept, [o_intercept]]).astype(np.float64),
        side_mix=mix,
        meta=np.frombuffer(gzip.compress(json.dumps(meta).encode("utf-8"), mtime=0), dtype=np.uint8),
    )
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")

    # Reported, not chosen on: the exported heads on the validation tweets (vectors batched as in training;
    # scripts/evaluate_classifier.py gives the run-time figures, one text at a time).
    model = stacked.StackedHeads.load(args.out)
    sentiment_columns = [heads.column[f"sentiment:{name}"] for name in stacked.SENTIMENTS]
    sv = vectors("sentiment-val", sv_texts, args.threads)
    ov = vectors("offensive-val", ov_texts, args.threads)
    for name, texts, values in (("sentiment", sv_texts, sv), ("offensive", ov_texts, ov)):
        scored = heads.score(texts)
        side = model.side(
            scored.logits[:, sentiment_columns],
            np.where(scored.known, scored.logits[:, heads.column["offensive"]], 0.0),
            lexicon.lexicon_scores(texts),
            profanity.default_profanity().log_odds(texts),
        )
        if name == "sentiment":
            s_got = model.sentiment_logits(values, side).argmax(1)
        else:
            o_prob = model.offensive_probability(values, side)
    print(f"validation: sentiment macro recall {recall_score(sv_labels, s_got, average='macro'):.4f}")
    print(
        f"validation: offensive macro-F1 {f1_score(ov_labels, o_prob >= o_threshold, average='macro'):.4f} "
        f"at {o_threshold}"
    )
    print(f"done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
