"""Measure the classifier on the validation splits: every figure in docs/classifiers.md comes from here.

Usage: .venv/bin/python scripts/evaluate_classifier.py [--split val|train]

- Sentiment: macro-averaged recall on TweetEval sentiment's validation split (2,000 tweets).
- Offensive: macro-F1 on TweetEval offensive's validation split (1,324 tweets) for the first pass's
  head, the offensive model, the policy check's average of the two, and the second pass.
- Council messages (data/classify/council_messages/messages.tsv, every fourth line the validation
  split): recall and precision of each category, false urgent alarms, risk, language and sentiment
  accuracy, and routing, with the Riverside demo's services (built-in words, and the train split's
  messages as the services' examples).
Needs no database (Django's settings only for VAR_DIR), numpy and scikit-learn's metrics.
"""

from __future__ import annotations

import argparse
import html
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score, recall_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from django.conf import settings  # noqa: E402

if not settings.configured:  # the category phrases' compiled database is kept under VAR_DIR; nothing else is read
    settings.configure(VAR_DIR=ROOT / "var")

from townsquare.classify import linear, pipeline  # noqa: E402
from townsquare.classify.categories import CATEGORIES, risk_of  # noqa: E402
from townsquare.classify.offensive import default_model  # noqa: E402
from townsquare.classify.routing import Router, ServiceProfile  # noqa: E402
from townsquare.classify.stacked import default_stacked  # noqa: E402

DATA = ROOT / "data" / "classify"
MESSAGES = DATA / "council_messages" / "messages.tsv"
RIVERSIDE = [
    "Communications",
    "Council Tax",
    "Emergency Planning",
    "Environmental Health",
    "Highways",
    "Housing",
    "Leisure",
    "Libraries",
    "Parking",
    "Planning",
    "Waste and Recycling",
]
URGENT_AND_LEGAL = ("safeguarding", "foi_request", "sar_request", "abuse_threat", "media_enquiry")


def read(name: str) -> tuple[list[str], np.ndarray]:
    texts = [html.unescape(x) for x in (DATA / f"{name}_text.txt").read_text(encoding="utf-8").splitlines()]
    return texts, np.array([int(x) for x in (DATA / f"{name}_labels.txt").read_text(encoding="utf-8").split()])


def council_messages() -> list[dict[str, object]]:
    rows = []
    lines = [x for x in MESSAGES.read_text(encoding="utf-8").splitlines() if x and not x.startswith("#")]
    for n, line in enumerate(lines):
        language, sentiment, categories, service, text, threat = ([*line.split("\t"), ""])[:6]
        chosen = [] if categories == "-" else categories.split(",")
        rows.append(
            {
                "split": "val" if n % 4 == 3 else "train",
                "language": language,
                "sentiment": sentiment,
                "categories": chosen,
                "service": None if service == "-" else service,
                "text": text,
                "risk": risk_of(chosen, threat=threat == "threat"),
            }
        )
    return rows


def public(run: Callable[[Sequence[str]], list[pipeline.Classification]], label: str) -> None:
    texts, labels = read("tweeteval_sentiment/val")
    predicted = [pipeline.SENTIMENTS.index(c.sentiment) for c in run(texts)]
    print(
        f"{label}: sentiment macro recall {recall_score(labels, predicted, average='macro'):.4f} "
        f"(TweetEval sentiment val, {len(texts)})"
    )


def offensive() -> None:
    texts, labels = read("tweeteval_offensive/val")
    heads = linear.default_heads()
    scored = heads.score(texts)
    head = linear.sigmoid(scored.logits[:, heads.column["offensive"]]) * scored.known
    exact = np.array([default_model().score(t) for t in texts])
    both = (head + exact) / 2
    second = np.array([c.offensive for c in pipeline.second_pass(texts)])
    head_t, exact_t = float(heads.meta["offensive_threshold"]), default_model().threshold
    for name, scores, threshold in (
        ("first-pass head", head, head_t),
        ("offensive model", exact, exact_t),
        ("policy check CC-02 (mean of the two)", both, (head_t + exact_t) / 2),
        ("second pass (encoder stacked on the head)", second, default_stacked().threshold),
    ):
        for t in sorted({threshold, 0.5, 0.7}):
            flagged = scores >= t
            precision = (flagged & (labels == 1)).sum() / max(1, flagged.sum())
            print(
                f"offensive {name} at {t:.3f}: macro-F1 {f1_score(labels, flagged, average='macro'):.4f}, "
                f"precision {precision:.3f}"
            )


def council(run: Callable[..., list[pipeline.Classification]], label: str, split: str) -> None:
    rows = council_messages()
    train = [r for r in rows if r["split"] == "train"]
    chosen = [r for r in rows if r["split"] == split]
    profiles = [
        ServiceProfile(i, name, (), [str(r["text"]) for r in train if r["service"] == name])
        for i, name in enumerate(RIVERSIDE)
    ]
    results = run([str(r["text"]) for r in chosen], Router(profiles))
    print(f"{label} on council messages ({split}, {len(chosen)}: {sum(r['language'] == 'cy' for r in chosen)} Welsh):")
    for name in CATEGORIES:
        gold = np.array([name in r["categories"] for r in chosen])  # type: ignore[operator]
        got = np.array([name in c.categories for c in results])
        tp = int((gold & got).sum())
        star = " *" if name in URGENT_AND_LEGAL else ""
        print(
            f"  {name:16} recall {tp}/{gold.sum()} = {tp / max(1, gold.sum()):.2f}, "
            f"precision {tp}/{got.sum()} = {tp / max(1, got.sum()):.2f}{star}"
        )
    gold_u = np.array([any(c in r["categories"] for c in URGENT_AND_LEGAL) for r in chosen])  # type: ignore[operator]
    got_u = np.array([any(c in x.categories for c in URGENT_AND_LEGAL) for x in results])
    print(
        f"  urgent and legal together: recall {(gold_u & got_u).sum()}/{gold_u.sum()} = "
        f"{(gold_u & got_u).sum() / max(1, gold_u.sum()):.2f}"
    )
    urgent_gold = np.array([r["risk"] == "urgent" for r in chosen])
    urgent_got = np.array([c.risk == "urgent" for c in results])
    print(
        f"  urgent: recall {(urgent_gold & urgent_got).sum()}/{urgent_gold.sum()}, false alarms "
        f"{(urgent_got & ~urgent_gold).sum()} of {(~urgent_gold).sum()} not urgent"
    )
    for key in ("risk", "language", "sentiment"):
        right = sum(getattr(c, key) == r[key] for c, r in zip(results, chosen, strict=True))
        print(f"  {key}: {right}/{len(chosen)} = {right / len(chosen):.2f}")
    for language in ("en", "cy"):
        part = [(c, r) for c, r in zip(results, chosen, strict=True) if r["language"] == language]
        right = sum(c.language == language for c, _ in part)
        print(f"  language {language}: {right}/{len(part)} recognised")
    routed = [(c, r) for c, r in zip(results, chosen, strict=True) if r["service"]]
    right = sum(c.service == r["service"] for c, r in routed)
    print(f"  routing, messages for a service: {right}/{len(routed)} = {right / len(routed):.2f}")
    unrouted = [(c, r) for c, r in zip(results, chosen, strict=True) if not r["service"]]
    print(
        f"  routing, messages for no service: {sum(c.service is None for c, _ in unrouted)}/{len(unrouted)} "
        "left unrouted"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--split", choices=["val", "train"], default="val", help="council messages' split")
    args = parser.parse_args()
    public(pipeline.first_pass, "first pass")
    public(pipeline.second_pass, "second pass")
    offensive()
    council(pipeline.first_pass, "first pass", args.split)
    council(pipeline.second_pass, "second pass", args.split)


if __name__ == "__main__":
    main()
