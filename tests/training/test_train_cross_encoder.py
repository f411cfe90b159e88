"""The cross-encoder recipe at tiny size: real MiniLM, a handful of pairs and drift rows, 3 steps."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from datasets import Dataset, DatasetDict

from codeassist.heads import cross_encoder as cross
from training.recipes.train_cross_encoder import (
    CrossModel, batch_order, drift_examples, main, probabilities, relevance_examples, save_model,
)

CONFIG = Path(__file__).parent.parent.parent / "training" / "configs" / "cross_encoder.toml"
PAIRS = [
    ("Add two numbers.", "def add(a, b):\n    return a + b"),
    ("Read a file and return its text.", "def read(path):\n    with open(path) as f:\n        return f.read()"),
    ("Sort the items by key.", "def sort(items, key):\n    return sorted(items, key=key)"),
    ("Join words with spaces.", "def join(words):\n    return ' '.join(words)"),
    ("Count the lines of a file.", "def count(path):\n    return len(open(path).readlines())"),
    ("Parse a date string.", "def parse(text):\n    return datetime.strptime(text, '%Y')"),
]


def _pairs(path: Path) -> None:
    rows = {"package": ["p", "p", "p", "q", "q", "q"], "language": ["python"] * 3 + ["go"] * 3,
            "path": ["m.py"] * 6, "qualname": [f"f{i}" for i in range(6)], "doc": [d for d, _ in PAIRS],
            "code": [c for _, c in PAIRS], "ast": [c for _, c in PAIRS]}
    split = Dataset.from_dict(rows)
    DatasetDict({"train": split, "dev": split, "test": split}).save_to_disk(str(path))


def _drift(path: Path) -> None:
    rows = []
    for index in range(4):
        rows.append({"old_doc": "Return the size of a file.", "old_code": f"def s{index}(p):\n    return stat(p).size",
                     "new_code": f"def s{index}(p):\n    return 0", "label": index % 2,
                     "source": "history" if index < 2 else "mutation"})
    split = Dataset.from_list(rows)
    DatasetDict({"train": split, "dev": split, "test": split}).save_to_disk(str(path))


def _args(tmp_path: Path, **extra: object) -> list[str]:
    sets = {"pairs": str(tmp_path / "pairs"), "drift": str(tmp_path / "drift"), "output_dir": str(tmp_path / "run"),
            "ship": str(tmp_path / "ship"), "relevance_per_language": 3, "max_tokens": 48, "batch_size": 4,
            "max_steps": 3, "warmup_steps": 1, "eval_every": 2, "dev_per_language": 3, "rerank_pool": 3,
            "learning_rate": 1e-3} | extra
    return ["--config", str(CONFIG)] + [f"--set={k}={json.dumps(v)}" for k, v in sets.items()]


def test_relevance_examples_pair_each_doc_with_its_code_and_two_negatives(tmp_path: Path):
    _pairs(tmp_path / "pairs")
    from datasets import load_from_disk

    examples = relevance_examples(load_from_disk(str(tmp_path / "pairs"))["train"], per_language=3, seed=0)
    assert examples.labels.count(1) == 6
    for doc, code, label in zip(examples.docs, examples.codes, examples.labels):
        mine = dict(PAIRS)[doc]
        assert (code == mine) == (label == 1)
    assert set(examples.kinds) == {"relevance"}


def test_drift_examples_ask_about_old_and_new_code():
    rows = [{"old_doc": "D.", "old_code": "a", "new_code": "b", "label": 1},
            {"old_doc": "D.", "old_code": "a", "new_code": "c", "label": 0}]
    examples = drift_examples(rows)
    # (D, b) stale → 0; (D, a) consistent → 1, once; (D, c) not stale → 1.
    assert list(zip(examples.codes, examples.labels)) == [("b", 0), ("a", 1), ("c", 1)]


def test_batches_cover_the_steps_and_stay_in_range():
    from training.recipes.train_cross_encoder import Examples

    examples = Examples(["d"] * 10, ["x" * i for i in range(10)], [0] * 10, ["drift"] * 10)
    batches = batch_order(examples, batch_size=4, steps=7, seed=1)
    assert len(batches) == 7 and all(0 < len(b) <= 4 for b in batches)
    assert batches == batch_order(examples, batch_size=4, steps=7, seed=1)
    assert {i for b in batches for i in b} == set(range(10))


def test_tiny_run_ships_a_cross_encoder_that_scores_in_numpy(tmp_path: Path):
    _pairs(tmp_path / "pairs")
    _drift(tmp_path / "drift")
    assert main(_args(tmp_path)) == 0
    ship = tmp_path / "ship"
    for name in ("adapter_config.json", "adapter_model.safetensors", "head.json", "head.safetensors",
                 "metrics.json", "MODEL_CARD.md"):
        assert (ship / name).is_file(), name
    log = [json.loads(line) for line in (tmp_path / "run" / "train_log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log] == [0, 1, 2, 3] and "dev" in log[2]
    assert (tmp_path / "run" / "final" / "head.json").is_file() and (tmp_path / "run" / "best" / "head.json").is_file()
    assert set(log[0]["dev"]) >= {"rerank_mrr", "relevance_auc", "drift_auc_history", "drift_auc_mutation"}
    assert cross.available(ship)
    scores = cross.load(ship).scores([d for d, _ in PAIRS], [c for _, c in PAIRS])
    assert scores.shape == (6,) and np.all((scores >= 0) & (scores <= 1))


def test_numpy_scores_match_the_torch_model(tmp_path: Path):
    config = {"lora_r": 4, "lora_alpha": 8, "lora_dropout": 0.0}
    torch.manual_seed(0)
    model = CrossModel(config)
    with torch.no_grad():  # a LoRA update that is not zero, so the merge is exercised
        for name, parameter in model.named_parameters():
            if "lora_B" in name:
                parameter.normal_(0, 0.02)
    save_model(model, tmp_path / "model")
    from transformers import AutoTokenizer

    from codeassist.encoders.text import model_dir

    docs, codes = [d for d, _ in PAIRS], [c * 20 for _, c in PAIRS]  # long code: truncation must agree too
    expected = probabilities(model, AutoTokenizer.from_pretrained(model_dir()), docs, codes, cross.CROSS_MAX_TOKENS)
    got = cross.load(tmp_path / "model").scores(docs, codes)
    assert np.allclose(got, expected, atol=2e-4)


def test_a_head_for_another_format_is_refused(tmp_path: Path):
    model = CrossModel({"lora_r": 4, "lora_alpha": 8, "lora_dropout": 0.0})
    save_model(model, tmp_path / "model")
    head = json.loads((tmp_path / "model" / "head.json").read_text())
    head["trained_on"]["format"] = "cls-0"
    (tmp_path / "model" / "head.json").write_text(json.dumps(head))
    with pytest.raises(ValueError, match="format"):
        cross.load(tmp_path / "model")


def test_a_saved_model_loads_back_into_torch_with_the_same_scores(tmp_path: Path):
    from transformers import AutoTokenizer

    from codeassist.encoders.text import model_dir
    from training.recipes.train_cross_encoder import load_model

    torch.manual_seed(1)
    model = CrossModel({"lora_r": 4, "lora_alpha": 8, "lora_dropout": 0.0})
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if "lora_B" in name:
                parameter.normal_(0, 0.02)
    save_model(model, tmp_path / "model")
    tokenizer = AutoTokenizer.from_pretrained(model_dir())
    docs, codes = [d for d, _ in PAIRS], [c for _, c in PAIRS]
    before = probabilities(model, tokenizer, docs, codes, 64)
    after = probabilities(load_model(tmp_path / "model"), tokenizer, docs, codes, 64)
    assert np.allclose(before, after, atol=1e-5)
