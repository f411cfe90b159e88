"""The CA401 head recipe at tiny sizes: real commits' shape, the real encoder, the real config."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from codeassist.heads.commit_message.features import FEATURES
from codeassist.heads.commit_message.head import load_head

CONFIG = Path(__file__).resolve().parents[2] / "training" / "configs" / "commit_message_head.toml"
TOPICS = ["parse_date", "retry_upload", "render_table", "load_config", "send_mail", "hash_password"]


def _commits(split: int) -> list[dict]:
    rows = []
    for package in range(3):
        for index, topic in enumerate(TOPICS):
            name = f"{topic}_{split}{package}"
            rows.append({"package": f"pkg{split}{package}", "message": f"Fix {name} when the input is empty",
                         "files": [{"path": f"src/{topic}.py", "contexts": [f"def {name}(value):"],
                                    "removed": [f"    return {name}_impl(value)"],
                                    "added": ["    if not value:", "        return None",
                                              f"    return {name}_impl(value)"]}]})
            del index
    return rows


def test_recipe_trains_saves_and_reports(tmp_path: Path):
    from training.recipes import train_commit_message_head

    data = tmp_path / "commits"
    data.mkdir()
    for number, split in enumerate(("train", "dev", "test")):
        (data / f"{split}.jsonl").write_text("".join(json.dumps(row) + "\n" for row in _commits(number)))
    overrides = {"data": data, "out": tmp_path / "run", "ship": tmp_path / "ship", "max_flag_rate": 0.2}
    argv = ["--config", str(CONFIG)] + [a for k, v in overrides.items() for a in ("--set", f"{k}={v}")]
    assert train_commit_message_head.main(argv) == 0

    head = load_head(tmp_path / "ship")
    assert head.trained_on["features"] == list(FEATURES) and head.kind == "logistic"
    metrics = json.loads((tmp_path / "ship" / "metrics.json").read_text())
    assert metrics["threshold"] == head.threshold and metrics["features"] == list(FEATURES)
    assert {"dev/head", "test/head", "test/encoder cosine", "test/lexical overlap"} <= set(metrics["metrics"])
    assert metrics["metrics"]["dev/head"]["real_flag_rate"] <= 0.2
    assert metrics["metrics"]["test/head"]["roc_auc"] > 0.5  # its own diff scores as a match more often than not
    x = np.load(tmp_path / "run" / "test.npz")["x"]
    assert x.shape[1] == len(FEATURES) and head.probabilities(x).shape == (len(x),)


def test_recipe_refuses_a_key_its_config_lacks():
    from training.config import ConfigError
    from training.recipes import train_commit_message_head

    with pytest.raises(ConfigError, match="max_flagrate"):
        train_commit_message_head.main(["--config", str(CONFIG), "--set", "max_flagrate=0.1"])
