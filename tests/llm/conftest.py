"""Shared parts of the LLM tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import git


@pytest.fixture(scope="module")
def tiny():
    """A 2-layer Llama with grouped-query attention and random weights (seeded)."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=96, hidden_size=64, intermediate_size=96, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
                         tie_word_embeddings=True, bos_token_id=None, eos_token_id=None, pad_token_id=0)
    return LlamaForCausalLM(config).eval()


@pytest.fixture
def change(repo: Path) -> Path:
    """A repository with a staged off-by-one on line 2 of m.py."""
    (repo / "m.py").write_text("def last(items):\n    return items[len(items) - 1]\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "first")
    (repo / "m.py").write_text("def last(items):\n    return items[len(items)]\n")
    git(repo, "add", "-A")
    return repo
