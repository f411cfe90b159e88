"""The CA501 line-head recipe: its threshold choice and metrics, and a tiny run with the real model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from codeassist.changes.hunkview import render_hunk
from codeassist.heads.llm_review.features import LAYERS
from codeassist.heads.llm_review.head import load_head
from tests.conftest import git
from training.recipes.thresholds import rate_threshold
from training.recipes.train_llm_review_head import at_threshold, busy_scores, hunk_tops, threshold_for

# (best line's score, best line is the bug, added lines, hunk is buggy)
TOPS = [(0.95, True, 2, True), (0.9, False, 3, False), (0.8, True, 1, True), (0.6, False, 4, True), (0.3, False, 2, False)]


def test_metrics_count_one_comment_per_hunk() -> None:
    metrics = at_threshold(TOPS, 0.7)
    assert metrics["precision"] == 2 / 3 and metrics["recall"] == 2 / 3
    assert metrics["fp_per_1000_lines"] == 1000 / 12 and metrics["clean_hunks_flagged"] == 0.5


def test_threshold_for_a_precision_takes_the_most_recall() -> None:
    assert threshold_for(TOPS, 0.6) == 0.8  # 2 of 3 comments right
    assert threshold_for(TOPS, 1.0) == 0.95
    assert threshold_for([(0.5, False, 1, False)], 0.5) == float("inf")


def test_rate_threshold_flags_at_most_that_share_of_clean_hunks() -> None:
    clean = [0.9, 0.8, 0.7, 0.2]
    cut = rate_threshold(clean, 0.25)
    assert sum(score >= cut for score in clean) == 1
    assert sum(score >= rate_threshold(clean, 0.0) for score in clean) == 0
    assert rate_threshold(clean, 1.0) == -float("inf")


def test_hunk_tops_and_the_busy_baseline() -> None:
    arrays = {"hunk": np.array([0, 0, 1]), "line": np.array([3, 4, 9]), "y": np.array([0, 1, 0])}
    rows = [{"view": "    3 +     x = 1\n    4 +     y = a[i + 1] - b\n    5       pass"},
            {"view": "    9 +     return"}]
    busy = busy_scores(arrays, rows)
    assert busy.tolist() == [2.0, 6.0, 0.0]  # "=", "1" | "=", "[", "+", "1", "]", "-"
    assert hunk_tops(arrays, busy) == [(6.0, True, 2, True), (0.0, False, 1, False)]


CONFIG = Path(__file__).resolve().parents[2] / "training" / "configs" / "llm_review_head.toml"
CLEAN = ["def last(items):", "    if not items:", "        return None", "    return items[len(items) - 1]"]


def _row(package: str, index: int, buggy: bool) -> dict:
    lines = [line.replace("last", f"last_{index}") for line in CLEAN]
    if buggy:
        lines[3] = lines[3].replace(" - 1]", "]")
    return {"package": package, "path": f"{package}/m{index}.py", "qualname": f"last_{index}",
            "kind": "off-by-one" if buggy else "rename-local", "label": int(buggy),
            "view": render_hunk(lines, 1, {2, 3, 4}), "added": [2, 3, 4], "bug_line": 4 if buggy else 0}


def _history(root: Path, package: str) -> None:
    directory = root / package
    directory.mkdir(parents=True)
    git(directory, "init", "-q")
    (directory / "m.py").write_text("def f(x):\n    return x\n")
    git(directory, "add", "-A")
    git(directory, "commit", "-qm", "1.0")
    (directory / "m.py").write_text("def f(x, y=1):\n    total = x + y\n    return total\n")
    git(directory, "commit", "-qam", "1.1")


def test_recipe_reads_hunks_with_the_model_trains_saves_and_reports(tmp_path: Path, lm) -> None:  # noqa: ANN001
    from datasets import Dataset, DatasetDict

    from training.recipes import train_llm_review_head

    splits = {split: Dataset.from_list([_row(f"{split}{p}", i, buggy) for p in range(2) for i, buggy in
                                        enumerate((True, False, True, False))]) for split in ("train", "dev", "test")}
    DatasetDict(splits).save_to_disk(str(tmp_path / "review"))
    for package in ("r1", "r2", "r3"):
        _history(tmp_path / "history", package)
    overrides = {"data": tmp_path / "review", "cache": tmp_path / "cache", "ship": tmp_path / "ship",
                 "history": tmp_path / "history", "train_per_label": 2, "test_per_label": 1,
                 "benchmark_per_label": 2, "real_per_package": 2, "c_grid": "[0.1]", "precision": 0.5,
                 "max_real_flag_rate": 1.0, "real_packages": '{train = ["r1"], dev = ["r2"], test = ["r3"]}'}
    argv = ["--config", str(CONFIG)] + [a for k, v in overrides.items() for a in ("--set", f"{k}={v}")]
    assert train_llm_review_head.main(argv) == 0

    head = load_head(tmp_path / "ship")
    assert head.trained_on["layers"] == list(LAYERS) and head.mean.shape == head.weights[0].shape
    metrics = json.loads((tmp_path / "ship" / "metrics.json").read_text())
    assert metrics["threshold"] == head.threshold and metrics["c"] == 0.1
    assert metrics["bench60_head"]["hunks"] == 4 <= metrics["test_head"]["hunks"] <= 6  # the benchmark's draw first
    assert metrics["dev_real_head"]["hunks"] >= 1 and metrics["train_real_hunks"] >= 1
    assert set(metrics["test_recall_by_kind"]) == {"off-by-one"}
