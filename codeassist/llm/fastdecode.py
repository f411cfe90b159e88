"""A lean greedy decoder for Llama-architecture models on CPU.

For a 135M model, a good part of `transformers.generate`'s decode step is Python: cache
objects, logits processors, stopping criteria, module hooks. This module runs the same
network from the same weights (prepared by `codeassist.llm.fastweights`) with a few dozen
tensor ops per layer: fused projections, RoPE as a complex multiply, grouped-query attention
against a preallocated KV cache. Decoding (greedy, or sampled with a temperature, top-p and
a seed) stops at EOS or a stop string and reports each token's log-probability. The output projection, the largest read per token, ranks the
vocabulary with a 4-bit scan and computes exact logits for the scan's best candidates only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F  # noqa: N812 - the usual alias

from codeassist.llm.fastweights import CANDIDATES, Head, Weights


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
        """Run `ids` (1-D) after what is cached; return the last position's final hidden state (1 × hidden)."""
        w, start, count = self.w, self.length, ids.shape[0]
        end = start + count
        heads, kv, dim = w.heads, w.kv_heads, w.head_dim
        rope = self.rope[start:end, None]
        x = F.embedding(ids, w.embed)
        for index, layer in enumerate(w.layers):
            qkv = layer.qkv(_rms_norm(x, layer.attn_norm, w.eps))
            pairs = qkv[:, : (heads + kv) * dim].float().reshape(count, heads + kv, -1, 2)
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
        return _rms_norm(x[-1:], w.final_norm, w.eps)


@dataclass(frozen=True)
class Sampling:
    """How to sample instead of decoding greedily.

    Attributes:
        temperature: Divides the logits (above 0).
        top_p: Keep the most likely tokens whose probabilities add up to this (nucleus sampling).
        generator: The seeded random source, so that a seed gives the same answer again.
    """

    temperature: float
    top_p: float
    generator: torch.Generator


def _pick(head: Head, hidden: torch.Tensor, penalise: Callable[..., torch.Tensor], scan: bool,
          sampling: Sampling | None = None) -> tuple[int, torch.Tensor]:
    """Return the next token after `hidden` and the (penalised) logits it was picked from.

    Behind a scanning head, the scan's best CANDIDATES get their exact logits and the token is
    the best of them: fp32's token unless the scan ranked it below all of them. Sampling draws
    from those CANDIDATES only (a top-k of 64 below the top-p cut, whose tail a 0.95 nucleus
    of a code model hardly ever reaches).
    """
    if head.scan is None or not scan:
        logits = penalise(head.logits(hidden, scan=False))
        best = logits.topk(CANDIDATES).indices if sampling is not None else None
    else:
        logits = penalise(head.logits(hidden))
        best = logits.topk(CANDIDATES).indices
        logits[best] = penalise(head.exact(hidden, best), best)
    if sampling is not None:
        return int(best[_nucleus(logits[best], sampling)]), logits
    if best is None:
        return int(logits.argmax()), logits
    return int(best[logits[best].argmax()]), logits


def _nucleus(logits: torch.Tensor, sampling: Sampling) -> int:
    """Draw an index into `logits` from the smallest top set holding `top_p` of the probability."""
    probabilities = torch.softmax(logits / sampling.temperature, dim=-1)
    ordered, order = probabilities.sort(descending=True)
    # Keep a token while the mass before it is below top_p: the most likely one always stays.
    keep = (ordered.cumsum(0) - ordered) < sampling.top_p
    kept = ordered * keep
    return int(order[torch.multinomial(kept / kept.sum(), 1, generator=sampling.generator)])


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
           logprobs: bool = False, temperature: float = 0.0, top_p: float = 1.0, seed: int = 0) -> Generated:
    """Decode from a prompt: greedily, or sampled when `temperature` is above 0.

    Args:
        weights: The prepared weights.
        ids: The prompt's token ids.
        max_new_tokens: The cap on new tokens.
        eos: Token ids that end the answer.
        stop: Called with the new tokens after each step; True ends the answer.
        repetition_penalty: transformers' penalty on every token already in the sequence.
        logprobs: Whether to compute each token's log-probability (then every logit is
            computed exactly, without the head's scan).
        temperature: 0 decodes greedily; above 0, tokens are sampled at this temperature.
        top_p: The nucleus kept when sampling.
        seed: The sampling seed (the same seed, prompt and weights give the same answer).

    Returns:
        The new tokens and, when asked, their log-probabilities.
    """
    tokens: list[int] = []
    scores: list[float] = []
    head = weights.lm_head
    scan = not logprobs  # log-probs need every exact logit
    sampling = Sampling(temperature, top_p, torch.Generator().manual_seed(seed)) if temperature > 0 else None

    def penalise(logits: torch.Tensor, ids: torch.Tensor | None = None) -> torch.Tensor:
        if repetition_penalty == 1.0:
            return logits
        penalised = torch.where(logits < 0, logits * repetition_penalty, logits / repetition_penalty)
        return torch.where(seen if ids is None else seen[ids], penalised, logits)

    with torch.inference_mode():
        decoder = Decoder(weights, len(ids) + max_new_tokens)
        seen = torch.zeros(weights.embed.shape[0], dtype=torch.bool)
        if repetition_penalty != 1.0:
            seen[torch.tensor(ids)] = True
        hidden = decoder.forward(torch.tensor(ids))
        for step in range(max_new_tokens):
            token, logits = _pick(head, hidden, penalise, scan, sampling)
            tokens.append(token)
            if logprobs:
                scores.append(float(torch.log_softmax(logits, dim=-1)[token]))
            if token in eos or (stop is not None and stop(tokens)) or step == max_new_tokens - 1:
                break
            seen[token] = True
            hidden = decoder.forward(torch.tensor([token]))
    return Generated(tokens=tokens, logprobs=scores)
