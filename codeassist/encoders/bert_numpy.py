"""MiniLM (a BERT encoder) in numpy: the encoders without importing torch or transformers.

A hook that embeds a commit message or a few changed units spends seconds importing torch and
transformers and a few milliseconds encoding. This forward pass reads the same safetensors
weights with `safetensors.numpy`, tokenises with the same `tokenizer.json` through
`tokenizers`, merges a peft LoRA adapter into the weights (W + B·A·alpha/r, as peft's
`merge_and_unload` does) and computes the same mean-pooled, L2-normalised vectors as the
transformers model (tests/encoders/test_bert_numpy.py checks them against it).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np

_ERF_P = 0.3275911
_ERF_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)
_SQRT_HALF = math.sqrt(0.5)


def _erf(x: np.ndarray) -> np.ndarray:
    """erf to 1.5e-7 (Abramowitz and Stegun 7.1.26), since numpy has none."""
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + _ERF_P * x)
    a1, a2, a3, a4, a5 = _ERF_A
    poly = ((((a5 * t + a4) * t + a3) * t + a2) * t + a1) * t
    return sign * (1.0 - poly * np.exp(-x * x))


def _gelu(x: np.ndarray) -> np.ndarray:
    # Python floats, not numpy float64 scalars: under NumPy 2's promotion rules those would turn
    # every float32 activation after them into float64 (3x slower, and float64 matmuls).
    return 0.5 * x * (1.0 + _erf(x * _SQRT_HALF))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(-1, keepdims=True)
    return centred / np.sqrt(variance + eps) * weight + bias


def length_batches(texts: list[str], batch_size: int) -> Iterator[list[int]]:
    """Yield indices of texts in batches of similar length.

    Sorting by length keeps padding (wasted work) small in every batch; characters are a good
    enough proxy for word pieces and cost nothing to count.

    Args:
        texts: The inputs.
        batch_size: Indices per batch.

    Yields:
        Index lists, shortest texts first.
    """
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(order), batch_size):
        yield order[start:start + batch_size]


def merge_lora(weights: dict[str, np.ndarray], adapter: Path) -> None:
    """Add a peft LoRA adapter's low-rank updates into BERT weights, in place.

    Args:
        weights: BERT weights by transformers name (`encoder.layer.0.attention.self.query.weight`).
        adapter: A peft adapter directory (adapter_config.json, adapter_model.safetensors).

    Raises:
        ValueError: When the adapter uses a LoRA variant this merge does not implement.
    """
    from safetensors.numpy import load_file

    config = json.loads((adapter / "adapter_config.json").read_text())
    if config.get("use_dora") or config.get("use_rslora") or config.get("rank_pattern") or config.get("alpha_pattern"):
        raise ValueError(f"{adapter}: DoRA, rsLoRA and per-module ranks are not supported by the numpy encoder")
    scale = config["lora_alpha"] / config["r"]
    deltas = load_file(str(adapter / "adapter_model.safetensors"))
    for key, a in deltas.items():
        if ".lora_A." not in key:
            continue
        b = deltas[key.replace(".lora_A.", ".lora_B.")]
        target = key.removeprefix("base_model.model.").replace(".lora_A.weight", ".weight")
        weights[target] = weights[target] + (b @ a) * scale


class NumpyMiniLM:
    """A BERT encoder with mean pooling, computed with numpy.

    Args:
        directory: The model directory (config.json, model.safetensors, tokenizer.json).
        adapter: A peft LoRA adapter to merge, or None.
        max_tokens: Inputs are truncated to this many word pieces.
    """

    def __init__(self, directory: Path, *, adapter: Path | None = None, max_tokens: int = 128) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((directory / "config.json").read_text())
        if config.get("hidden_act") != "gelu" or config.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError(f"{directory}: only BERT with GELU and absolute positions is supported")
        self.heads = config["num_attention_heads"]
        self.layers = config["num_hidden_layers"]
        self.eps = config["layer_norm_eps"]
        self.hidden_size = config["hidden_size"]
        self.max_tokens = max_tokens
        weights = {k.removeprefix("bert."): v.astype(np.float32) for k, v in load_file(str(directory / "model.safetensors")).items()
                   if v.dtype.kind == "f"}
        if adapter is not None:
            merge_lora(weights, adapter)
        # Linear layers keep (out, in) weights; store them transposed once for x @ W.
        self.w = {k: (v.T.copy() if k.endswith(".weight") and v.ndim == 2 and "embeddings" not in k else v)
                  for k, v in weights.items()}
        for i in range(self.layers):  # one matmul for query, key and value
            prefix = f"encoder.layer.{i}.attention.self."
            parts = [prefix + n for n in ("query", "key", "value")]
            self.w[prefix + "qkv.weight"] = np.concatenate([self.w.pop(p + ".weight") for p in parts], 1)
            self.w[prefix + "qkv.bias"] = np.concatenate([self.w.pop(p + ".bias") for p in parts])
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.tokenizer.enable_padding(pad_id=config.get("pad_token_id", 0))

    def encode(self, texts: list[str], *, batch_size: int = 32) -> np.ndarray:
        """Embed texts, batching inputs of similar length together.

        Args:
            texts: The inputs.
            batch_size: Inputs per forward pass.

        Returns:
            float32 rows, L2-normalised, in the order of `texts`.
        """
        out = np.zeros((len(texts), self.hidden_size), dtype=np.float32)
        for ids in length_batches(texts, batch_size):
            pooled = self._pooled(self.tokenizer.encode_batch([texts[i] for i in ids]))
            out[ids] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out

    def pooled_pairs(self, pairs: list[tuple[str, str]], *, batch_size: int = 16) -> np.ndarray:
        """Read text pairs as one sequence each (`[CLS] a [SEP] b [SEP]`) and mean-pool it.

        Truncation takes word pieces from the longer text first, as the tokenizer's training
        counterpart does. The vectors are not normalised: the cross-encoder's head reads them.

        Args:
            pairs: (first, second) texts.
            batch_size: Pairs per forward pass.

        Returns:
            float32 rows in the order of `pairs`.
        """
        out = np.zeros((len(pairs), self.hidden_size), dtype=np.float32)
        for ids in length_batches([a + b for a, b in pairs], batch_size):
            out[ids] = self._pooled(self.tokenizer.encode_batch([pairs[i] for i in ids]))
        return out

    def _pooled(self, encodings: list) -> np.ndarray:
        tokens = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        types = np.array([e.type_ids for e in encodings], dtype=np.int64)
        hidden = self._forward(tokens, types, mask)
        return (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)

    def _forward(self, tokens: np.ndarray, types: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w, eps = self.w, self.eps
        batch, length = tokens.shape
        x = (w["embeddings.word_embeddings.weight"][tokens] + w["embeddings.position_embeddings.weight"][:length]
             + w["embeddings.token_type_embeddings.weight"][types])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
        x = x.reshape(batch * length, self.hidden_size)  # linear layers as one 2-D matmul each
        head_size = self.hidden_size // self.heads
        bias = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            qkv = x @ w[p + "attention.self.qkv.weight"] + w[p + "attention.self.qkv.bias"]
            # numpy's matmul only reaches BLAS for contiguous operands; a strided view takes a slow loop.
            q, k, v = (np.ascontiguousarray(part.reshape(batch, length, self.heads, head_size).transpose(0, 2, 1, 3))
                       for part in np.split(qkv, 3, axis=-1))
            scores = q @ np.ascontiguousarray(k.transpose(0, 1, 3, 2)) / math.sqrt(head_size) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            context = (scores / scores.sum(-1, keepdims=True)) @ v
            context = context.transpose(0, 2, 1, 3).reshape(batch * length, self.hidden_size)
            attended = context @ w[p + "attention.output.dense.weight"] + w[p + "attention.output.dense.bias"]
            x = _layer_norm(attended + x, w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], eps)
            inner = _gelu(x @ w[p + "intermediate.dense.weight"] + w[p + "intermediate.dense.bias"])
            out = inner @ w[p + "output.dense.weight"] + w[p + "output.dense.bias"]
            x = _layer_norm(out + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
        return x.reshape(batch, length, self.hidden_size)
