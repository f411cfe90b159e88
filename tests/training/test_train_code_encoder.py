"""The training recipe's single-process path, tiny: real MiniLM, a handful of pairs, 3 steps."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from datasets import Dataset, DatasetDict

from codeassist.encoders.text import MiniLM
from training.config import ConfigError
from training.recipes.train_code_encoder import batch_order, main

CONFIG = Path(__file__).parent.parent.parent / "training" / "configs" / "code_encoder.toml"
PAIRS = [
    ("Add two numbers.", "def add a b { return a b }"),
    ("Read a file and return its text.", "def read path { with open path f { return f read } }"),
    ("Sort the items by key.", "def sort items key { return sorted items key key }"),
    ("Join words with spaces.", "def join words { return join words }"),
    ("Count the lines of a file.", "def count lines path { return len open path readlines }"),
    ("Parse a date string.", "def parse date text { return datetime strptime text }"),
]


def _dataset(path: Path) -> None:
    rows = {"package": ["p"] * len(PAIRS), "language": ["python"] * len(PAIRS), "path": ["m.py"] * len(PAIRS),
            "qualname": [f"f{i}" for i in range(len(PAIRS))], "doc": [d for d, _ in PAIRS],
            "code": [c for _, c in PAIRS], "ast": [c for _, c in PAIRS]}
    split = Dataset.from_dict(rows)
    DatasetDict({"train": split, "dev": split, "test": split}).save_to_disk(str(path))


def _args(tmp_path: Path, steps: int) -> list[str]:
    sets = {"data": str(tmp_path / "pairs"), "output_dir": str(tmp_path / "run"), "max_steps": steps,
            "batch_size": 4, "bank_negatives": 2, "max_tokens": 32, "warmup_steps": 1, "eval_every": 2,
            "dev_pool": 6, "checkpoint_every": 1, "learning_rate": 1e-3}
    return ["--config", str(CONFIG)] + [f"--set={k}={json.dumps(v)}" for k, v in sets.items()]


def test_tiny_run_saves_a_peft_adapter_and_resumes(tmp_path: Path):
    _dataset(tmp_path / "pairs")
    assert main(_args(tmp_path, 2)) == 0
    run = tmp_path / "run"
    assert (run / "adapter" / "adapter_config.json").is_file()
    assert (run / "adapter" / "adapter_model.safetensors").is_file()
    assert (run / "checkpoints" / "step-2" / "progress.json").is_file()
    config = json.loads((run / "adapter" / "adapter_config.json").read_text())
    assert config["base_model_name_or_path"] == "sentence-transformers/all-MiniLM-L6-v2"

    assert main(_args(tmp_path, 3) + ["--resume"]) == 0
    log = [json.loads(line) for line in (run / "train_log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log] == [1, 2, 3]
    assert all(np.isfinite(r["loss"]) for r in log) and "dev_mrr" in log[1]

    # The saved adapter loads with PeftModel.from_pretrained (through MiniLM) and differs from the base.
    tuned = MiniLM(adapter=run / "adapter", max_tokens=32).encode([PAIRS[0][1]])
    base = MiniLM(max_tokens=32).encode([PAIRS[0][1]])
    assert tuned.shape == (1, 384) and not np.allclose(tuned, base)


def test_batch_order_is_deterministic_and_covers_each_epoch():
    first_epoch = [i for step in range(3) for i in batch_order(12, 4, step, seed=1)]
    assert sorted(first_epoch) == list(range(12))
    assert batch_order(12, 4, 5, seed=1) == batch_order(12, 4, 5, seed=1)


def test_an_unknown_set_key_is_refused_before_any_work(tmp_path: Path):
    with pytest.raises(ConfigError, match="unknown key 'max_step'"):
        main(_args(tmp_path, 2) + ["--set", "max_step=3"])
    assert not (tmp_path / "run").exists()
