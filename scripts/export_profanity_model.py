"""Export alt-profanity-check's model to townsquare/classify/profanity_model.npz for numpy scoring.

Usage: .venv/bin/python scripts/export_profanity_model.py   (alt-profanity-check is in requirements-dev.txt)

The package (MIT) ships a scikit-learn TfidfVectorizer (word unigrams, English stop words dropped,
l2 length) and a CalibratedClassifierCV of five linear SVMs. The second pass uses their averaged
decision value (the mean of the five SVMs' coefficients and intercepts: one linear model), so the
export keeps each vocabulary word's idf and averaged weight. It then checks that
townsquare.classify.profanity reproduces scikit-learn's numbers on every TweetEval offensive
training and validation tweet and stops if they differ by more than 1e-5.
"""

from __future__ import annotations

import gzip
import json
import sys
from importlib import metadata, resources
from pathlib import Path

import joblib
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from train_classifier import DATA, read_lines  # noqa: E402

from townsquare.classify import profanity  # noqa: E402

TOLERANCE = 1e-5


def main() -> None:
    folder = resources.files("profanity_check") / "data"
    vectoriser = joblib.load(folder / "vectorizer.joblib")
    model = joblib.load(folder / "model.joblib")
    svms = [c.estimator for c in model.calibrated_classifiers_]
    coef = np.mean([svm.coef_[0] for svm in svms], axis=0)
    intercept = float(np.mean([svm.intercept_[0] for svm in svms]))
    words = [str(w) for w in vectoriser.get_feature_names_out()]
    meta = {"source": f"alt-profanity-check {metadata.version('alt-profanity-check')} (MIT)", "svms": len(svms)}
    np.savez_compressed(
        profanity.MODEL_PATH,
        words=np.frombuffer(gzip.compress("\n".join(words).encode("utf-8"), mtime=0), dtype=np.uint8),
        idf=vectoriser.idf_.astype(np.float32),
        coef=coef.astype(np.float32),
        intercept=np.float64(intercept),
        meta=np.frombuffer(gzip.compress(json.dumps(meta).encode("utf-8"), mtime=0), dtype=np.uint8),
    )
    size = profanity.MODEL_PATH.stat().st_size
    print(f"wrote {profanity.MODEL_PATH.relative_to(ROOT)}: {len(words):,} words, {size / 1e3:.0f} kB")
    exported = profanity.ProfanityModel.load()
    texts = []
    for name in ("train", "val"):
        texts += read_lines(DATA / "tweeteval_offensive" / f"{name}_text.txt")
    reference = vectoriser.transform(texts) @ coef + intercept
    gap = float(np.max(np.abs(exported.log_odds(texts) - reference)))
    print(f"exported vs scikit-learn on {len(texts):,} tweets: largest difference {gap:.1e}")
    if gap > TOLERANCE:
        raise SystemExit("the exported scorer does not reproduce scikit-learn")


if __name__ == "__main__":
    main()
