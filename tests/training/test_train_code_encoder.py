"""The training recipe's single-process path, tiny: real MiniLM, a handful of pairs, 3 steps."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from safetensors import safe_open
from datasets import Dataset, DatasetDict

from codeassist.encoders.text import MiniLM
from training.config import ConfigError
from training.recipes.code_encoder_batches import Batches, bm25_neighbours
from training.recipes.train_code_encoder import main

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
            "doc_tower": "frozen", "batch_size": 4, "bank_negatives": 2, "max_tokens": 32, "warmup_steps": 1, "eval_every": 2,
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
    assert [r["step"] for r in log] == [0, 1, 2, 3]  # step 0: the raw base's dev MRR
    assert set(log[0]["dev_mrr_by_language"]) == {"python"}
    assert all(np.isfinite(r["loss"]) for r in log[1:]) and "dev_mrr" in log[2]

    # The saved adapter loads with PeftModel.from_pretrained (through MiniLM) and differs from the base.
    tuned = MiniLM(adapter=run / "adapter", max_tokens=32).encode([PAIRS[0][1]])
    base = MiniLM(max_tokens=32).encode([PAIRS[0][1]])
    assert tuned.shape == (1, 384) and not np.allclose(tuned, base)


def _log(run: Path) -> list[dict]:
    return [r for line in (run / "train_log.jsonl").read_text().splitlines() if (r := json.loads(line))["step"]]


@pytest.mark.parametrize("tower", ["frozen", "lora"])
def test_resume_gives_the_same_next_loss_as_an_uninterrupted_run(tmp_path: Path, tower: str):
    _dataset(tmp_path / "pairs")
    # Temperature 1 keeps the loss far from 0, so a different batch, bank or dropout shows.
    sets = [f"--set=doc_tower={json.dumps(tower)}", f"--set=bank_negatives={2 if tower == 'frozen' else 0}",
            "--set=lora_dropout=0.1", "--set=temperature=1.0",
            "--set=checkpoint_every=2", "--set=eval_every=100"]
    whole = _args(tmp_path, 4) + sets + ["--set=output_dir=" + json.dumps(str(tmp_path / "whole"))]
    assert main(whole) == 0
    split = _args(tmp_path, 4) + sets + ["--set=output_dir=" + json.dumps(str(tmp_path / "split"))]
    # Interrupted after step 2 (the schedule still spans 4 steps), then resumed.
    assert main(split + ["--stop-after=2"]) == 0
    assert main(split + ["--resume"]) == 0
    expected, got = _log(tmp_path / "whole"), _log(tmp_path / "split")
    assert [r["step"] for r in got] == [1, 2, 3, 4]
    assert [r["loss"] for r in got] == pytest.approx([r["loss"] for r in expected], abs=1e-5)
    assert min(r["loss"] for r in got) > 0.1 and len({r["loss"] for r in got}) == 4
    # A checkpoint holds the trained (LoRA) weights only, small enough to commit: never the frozen base.
    checkpoint = tmp_path / "split" / "checkpoints" / "step-4"
    for name in ["model.safetensors"] + (["model_1.safetensors"] if tower == "lora" else []):
        with safe_open(str(checkpoint / name), framework="pt") as saved:
            assert saved.keys() and all("lora_" in key for key in saved.keys())
    if tower == "lora":
        assert (tmp_path / "split" / "adapter" / "doc" / "adapter_model.safetensors").is_file()


def test_resume_refuses_a_checkpoint_without_the_trained_weights(tmp_path: Path):
    _dataset(tmp_path / "pairs")
    assert main(_args(tmp_path, 2)) == 0
    (tmp_path / "run" / "checkpoints" / "step-2" / "model.safetensors").unlink()
    with pytest.raises(ConfigError, match="lacks"):
        main(_args(tmp_path, 3) + ["--resume"])


def test_a_trained_doc_tower_with_a_bank_is_a_config_error(tmp_path: Path):
    _dataset(tmp_path / "pairs")
    with pytest.raises(ConfigError, match="bank_negatives"):
        main(_args(tmp_path, 2) + ["--set=doc_tower=\"lora\""])


def _schedule(negatives: str, **kwargs) -> Batches:
    languages = ["go"] * 12 + ["python"] * 4
    packages = [f"g{i % 3}" for i in range(12)] + ["p"] * 4
    return Batches(languages=languages, packages=packages, lengths=list(range(16, 0, -1)), batch_size=4,
                   seed=1, negatives=negatives, **kwargs)


def test_random_batches_cover_an_epoch_bucketed_by_length_and_repeat_by_step():
    schedule = _schedule("random", bucket=4)  # the whole epoch is one bucket
    epoch = [schedule.at(step) for step in range(schedule.steps_per_epoch)]
    assert sorted(i for batch in epoch for i in batch) == list(range(16))
    assert schedule.at(5) == _schedule("random", bucket=4).at(5)
    lengths = list(range(16, 0, -1))
    # Each batch holds four neighbouring lengths; the batches come in shuffled order.
    spans = [sorted(lengths[i] for i in batch) for batch in epoch]
    assert all(span[-1] - span[0] == 3 for span in spans)
    assert [span[0] for span in spans] != sorted(span[0] for span in spans) or schedule.at(4) != schedule.at(0)


def test_languages_are_capped_per_epoch_with_a_fresh_sample():
    schedule = _schedule("random", per_language=4, bucket=1)
    first = {i for step in range(schedule.steps_per_epoch) for i in schedule.at(step)}
    second = {i for step in range(schedule.steps_per_epoch, 2 * schedule.steps_per_epoch) for i in schedule.at(step)}
    assert schedule.steps_per_epoch == 2 and len([i for i in first if i < 12]) == 4
    assert {12, 13, 14, 15} <= first and first != second


def test_package_batches_hold_slices_of_single_packages():
    schedule = _schedule("package", batch_packages=2)
    packages = [f"g{i % 3}" for i in range(12)] + ["p"] * 4
    for step in range(schedule.steps_per_epoch):
        batch = schedule.at(step)
        assert len(batch) == 4
        assert packages[batch[0]] == packages[batch[1]] and packages[batch[2]] == packages[batch[3]]


def test_bm25_neighbours_are_the_lexically_closest_code_of_the_same_package():
    docs = ["Parse a date string.", "Add two numbers.", "Parse a date string.", "Sort items."]
    codes = ["def add a b return a b", "def parse date text strptime", "def sort items", "def parse date"]
    neighbours = bm25_neighbours(docs, codes, ["a", "a", "a", "b"])
    assert neighbours.tolist() == [1, 0, 1, 3]
    schedule = Batches(languages=["py"] * 4, packages=["a", "a", "a", "b"], lengths=[1] * 4, batch_size=2,
                       seed=0, negatives="bm25", neighbours=neighbours)
    for step in range(schedule.steps_per_epoch):
        anchor, second = schedule.at(step)
        assert second == neighbours[anchor] or neighbours[anchor] == anchor


def test_an_unknown_set_key_is_refused_before_any_work(tmp_path: Path):
    with pytest.raises(ConfigError, match="unknown key 'max_step'"):
        main(_args(tmp_path, 2) + ["--set", "max_step=3"])
    assert not (tmp_path / "run").exists()
