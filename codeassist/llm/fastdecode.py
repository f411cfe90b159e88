"""A lean greedy decoder for Llama-architecture models on CPU.

For a 135M model, a good part of `transformers.generate`'s decode step is Python: cache
objects, logits processors, stopping criteria, module hooks. This module runs the same
network from the same weights (prepared by `codeassist.llm.fastweights`) with a few dozen
tensor ops per layer: fused projections, RoPE as a complex multiply, grouped-query attention
against a preallocated KV cache. Greedy decoding stops at EOS or a stop string and reports
each token's log-probability.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F  # noqa: N812 - the usual alias

from codeassist.llm.fastweights import Weights


def _rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
    # One fused kernel, bit-identical to LlamaRMSNorm's five ops in fp32.
    return F.rms_norm(x, weight.shape, weight, eps)


class Decoder:
    """Prefill once, then one token at a time against a static KV cache."""

    def __init__(self, weights: Weights, max_length: int) -> None:
        w = self.w = weights
        shape = (len(w.layers), w.kv_heads, max_length, w.head_dim)
        self.keys, self.values = torch.empty(shape), torch.empty(shape)
        self.rope = w.rope(max_length)
        self.length = 0

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """Run `ids` (1-D) after what is cached; return the last position's logits (1-D)."""
        w, start, count = self.w, self.length, ids.shape[0]
        end = start + count
        heads, kv, dim = w.heads, w.kv_heads, w.head_dim
        rope = self.rope[start:end, None]
        x = F.embedding(ids, w.embed)
        for index, layer in enumerate(w.layers):
            qkv = layer.qkv(_rms_norm(x, layer.attn_norm, w.eps))
            pairs = qkv[:, : (heads + kv) * dim].reshape(count, heads + kv, -1, 2)
            qk = torch.view_as_real(torch.view_as_complex(pairs) * rope).flatten(2)
            keys, values = self.keys[index], self.values[index]
            keys[:, start:end] = qk[:, heads:].transpose(0, 1)
            values[:, start:end] = qkv[:, (heads + kv) * dim:].view(count, kv, dim).transpose(0, 1)
            if count == 1:  # decode: the query heads of a group share one K/V head
                q = qk[0, :heads].view(kv, heads // kv, dim)
                scores = torch.softmax(torch.bmm(q, keys[:, :end].transpose(1, 2)), dim=-1)
                attended = torch.bmm(scores, values[:, :end]).view(1, heads * dim)
            else:
                q = qk[:, :heads].transpose(0, 1)[None]
                mask = torch.ones(count, end, dtype=torch.bool).tril(start)
                attended = F.scaled_dot_product_attention(q, keys[None, :, :end], values[None, :, :end],
                                                          attn_mask=mask, scale=1.0, enable_gqa=True)
                attended = attended[0].transpose(0, 1).reshape(count, heads * dim)
            x = x + layer.o(attended)
            gate, up = layer.gate_up(_rms_norm(x, layer.mlp_norm, w.eps)).chunk(2, dim=-1)
            x = x + layer.down(F.silu(gate) * up)
        self.length = end
        return w.lm_head(_rms_norm(x[-1:], w.final_norm, w.eps))[0]


@dataclass(frozen=True)
class Generated:
    """What a greedy decode produced.

    Attributes:
        tokens: The new token ids (the stopping token included, as transformers does).
        logprobs: Each new token's log-probability under the processed logits.
    """

    tokens: list[int]
    logprobs: list[float]


def greedy(weights: Weights, ids: list[int], *, max_new_tokens: int, eos: set[int],
           stop: Callable[[list[int]], bool] | None = None, repetition_penalty: float = 1.0,
           logprobs: bool = False) -> Generated:
    """Decode greedily from a prompt.

    Args:
        weights: The prepared weights.
        ids: The prompt's token ids.
        max_new_tokens: The cap on new tokens.
        eos: Token ids that end the answer.
        stop: Called with the new tokens after each step; True ends the answer.
        repetition_penalty: transformers' penalty on every token already in the sequence.
        logprobs: Whether to compute each token's log-probability.

    Returns:
        The new tokens and, when asked, their log-probabilities.
    """
    tokens: list[int] = []
    scores: list[float] = []
    with torch.inference_mode():
        decoder = Decoder(weights, len(ids) + max_new_tokens)
        seen = torch.zeros(weights.embed.shape[0], dtype=torch.bool)
        if repetition_penalty != 1.0:
            seen[torch.tensor(ids)] = True
        logits = decoder.forward(torch.tensor(ids))
        for step in range(max_new_tokens):
            if repetition_penalty != 1.0:
                penalised = torch.where(logits < 0, logits * repetition_penalty, logits / repetition_penalty)
                logits = torch.where(seen, penalised, logits)
            token = int(logits.argmax())
            tokens.append(token)
            if logprobs:
                scores.append(float(torch.log_softmax(logits, dim=-1)[token]))
            if token in eos or (stop is not None and stop(tokens)) or step == max_new_tokens - 1:
                break
            seen[token] = True
            logits = decoder.forward(torch.tensor([token]))
    return Generated(tokens=tokens, logprobs=scores)
