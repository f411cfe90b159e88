"""Sampled decoding: seeded, reproducible, greedy at temperature 0 or a vanishing nucleus."""

from __future__ import annotations

import pytest
import torch

from codeassist.llm import fastdecode, fastweights, generation

PROMPT = [5, 17, 3, 88, 42, 9, 61]
TOKENS = 24


@pytest.fixture(scope="module")
def weights(tiny):
    """The tiny Llama (conftest), prepared for the fast decoder."""
    return fastweights.Weights(tiny, "fp32")


def _decode(weights: fastweights.Weights, **options: float) -> list[int]:
    return fastdecode.greedy(weights, PROMPT, max_new_tokens=TOKENS, eos=set(), **options).tokens


def test_temperature_zero_is_greedy_and_a_seed_repeats(weights: fastweights.Weights):
    greedy = _decode(weights)
    assert _decode(weights, temperature=0.0, seed=5) == greedy
    sampled = _decode(weights, temperature=1.0, top_p=0.95, seed=1)
    assert _decode(weights, temperature=1.0, top_p=0.95, seed=1) == sampled
    # random weights spread the probability: other seeds give other answers
    assert len({tuple(_decode(weights, temperature=1.0, top_p=0.95, seed=s)) for s in range(4)} | {tuple(greedy)}) > 2


def test_a_vanishing_nucleus_keeps_only_the_best_token(weights: fastweights.Weights):
    assert _decode(weights, temperature=1.5, top_p=1e-9, seed=3) == _decode(weights)


def test_nucleus_draws_only_inside_top_p():
    generator = torch.Generator().manual_seed(0)
    sampling = fastdecode.Sampling(temperature=1.0, top_p=0.7, generator=generator)
    logits = torch.log(torch.tensor([0.05, 0.5, 0.3, 0.15]))
    drawn = {fastdecode._nucleus(logits, sampling) for _ in range(200)}
    assert drawn == {1, 2}  # 0.5 + 0.3 reaches 0.7; 0.15 and 0.05 lie outside


def test_transformers_path_samples_with_the_seed(lm, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001
    monkeypatch.setenv("CODEASSIST_DECODER", "hf")
    ask = "Write a Python function that adds two numbers."

    def answer(seed: int) -> str:
        return generation.chat(lm, ask, max_new_tokens=12, temperature=0.9, top_p=0.95, seed=seed)

    assert answer(1) == answer(1)
    assert generation.chat(lm, ask, max_new_tokens=12) == generation.chat(lm, ask, max_new_tokens=12, seed=9)


def test_fast_path_samples_the_scanned_head_with_the_seed(lm):  # noqa: ANN001
    assert fastweights.supported(lm.model, lm.device) is None  # the default model decodes here
    ask = "Write a Python function that adds two numbers."

    def answer(seed: int) -> str:
        return generation.chat(lm, ask, max_new_tokens=16, temperature=0.9, top_p=0.95, seed=seed)

    assert answer(2) == answer(2)
    assert len({answer(seed) for seed in range(3, 6)} | {generation.chat(lm, ask, max_new_tokens=16)}) > 1
