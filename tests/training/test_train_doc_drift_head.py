"""Drift mining and the fusion-head recipe at tiny sizes: real git, real parser, real encoders."""

from __future__ import annotations

import io
import json
import random
import tarfile
from pathlib import Path

import numpy as np
import pytest
from datasets import Dataset, DatasetDict

from codeassist.heads.doc_drift.explain import explain
from codeassist.heads.doc_drift.features import Example, changed_defaults
from codeassist.heads.doc_drift.head import load_head
from codeassist.heads.doc_drift.score import drift_scores
from codeassist.parsing.parse import parse_source
from training.data.mine_drift import build_history, doc_label, history_examples, mutate

CONFIG = Path(__file__).resolve().parents[2] / "training" / "configs" / "doc_drift_head.toml"
DOC = "Fetch a page.\n\n    Args:\n        url: The address.\n    "


@pytest.mark.parametrize(
    ("old", "new", "label"),
    [
        (DOC, DOC, 0),
        (DOC, DOC.replace("address.", "address"), 0),  # punctuation only
        (DOC, DOC + "\n    >>> fetch('x')\n    'page'\n", 0),  # a doctest example only
        (DOC, DOC.replace("address", "adress"), None),  # typo-sized: ambiguous, dropped
        (DOC, "Fetch a page, retrying twice on errors.\n\n    Args:\n        url: The URL.\n        retries: How often.\n", 1),
        (DOC, None, None),
    ],
)
def test_doc_label(old, new, label):
    assert doc_label(old, new) == label


def test_mutations_are_labelled_by_kind():
    source = ('def fetch(url, timeout=3):\n    """Fetch.\n\n    Args:\n        url: A.\n        timeout: B.\n\n    Returns:\n'
              '        Text.\n\n    Raises:\n        ValueError: On a bad URL.\n    """\n    if not url:\n'
              '        raise ValueError("empty")\n    body = get(url, timeout)\n    return body\n')
    unit = parse_source(source, "python").units[0]
    code = unit.code_without_doc()
    kinds = {kind: (mutated, label) for kind, mutated, label in mutate(unit, code, random.Random(0))}
    assert {k for k, (_, label) in kinds.items() if label == 1} == {"rename-param", "remove-param", "add-param", "drop-return", "drop-raise"}
    assert {k for k, (_, label) in kinds.items() if label == 0} == {"rename-local", "reformat"}
    assert "strict=False" in kinds["add-param"][0] and "return None" in kinds["drop-return"][0]
    assert "raise" not in kinds["drop-raise"][0] and "        pass" in kinds["drop-raise"][0]
    assert all(mutated != code for kind, (mutated, _) in kinds.items() if kind != "reformat")


@pytest.mark.parametrize(("default", "stated", "changed"), [
    ("3", "Defaults to 3.", "timeout=6"),
    ("True", "Defaults to ``True``.", "timeout=False"),
    ("'utf-8'", "(default: ``'utf-8'``)", "timeout='UTF-8'"),
    ("0", "Default is 0.", "timeout=1"),
])
def test_a_documented_default_is_changed_and_the_scorer_is_certain(default, stated, changed):
    source = (f'def fetch(url, timeout: int = {default}):\n    """Fetch.\n\n    Args:\n        url: A.\n'
              f'        timeout: B. {stated}\n    """\n    return get(url, timeout)\n')
    unit = parse_source(source, "python").units[0]
    kinds = {kind: (mutated, label) for kind, mutated, label in mutate(unit, unit.code_without_doc(), random.Random(0))}
    mutated, label = kinds["change-default"]
    assert label == 1 and changed.replace("timeout=", "timeout: int = ") in mutated
    example = Example(unit.doc.text, unit.code_without_doc(), mutated)
    assert changed_defaults(example) and not changed_defaults(example._replace(new_code=example.old_code))
    assert "this change made it" in explain(*example)


def test_no_change_default_mutation_without_a_stated_default_the_code_has():
    source = 'def f(n=5):\n    """F.\n\n    Args:\n        n: How many. Defaults to 7.\n    """\n    return n\n'
    unit = parse_source(source, "python").units[0]
    assert "change-default" not in {kind for kind, _, _ in mutate(unit, unit.code_without_doc(), random.Random(0))}


def _sdist(archives: Path, version: str, module: str) -> None:
    buffer = io.BytesIO(module.encode())
    with tarfile.open(archives / f"tinypkg-{version}.tar.gz", "w:gz") as bundle:
        info = tarfile.TarInfo(f"tinypkg-{version}/tinypkg/core.py")
        info.size = len(buffer.getvalue())
        bundle.addfile(info, buffer)


def test_history_from_two_releases(tmp_path: Path):
    archives, repos = tmp_path / "sdists", tmp_path / "repos"
    archives.mkdir()
    v1 = ('def fetch(url):\n    """Fetch a page."""\n    return get(url)\n\n\n'
          'def size(path):\n    """Return the size of a file."""\n    return stat(path).st_size\n')
    v2 = ('def fetch(url, retries=2):\n    """Fetch a page, retrying on errors."""\n    return retry(get, url, retries)\n\n\n'
          'def size(path):\n    """Return the size of a file."""\n    return os.stat(path).st_size\n')
    _sdist(archives, "1.0", v1)
    _sdist(archives, "1.1", v2)
    repo, tags = build_history("tinypkg", ["1.0", "1.1", "9.9"], archives, repos)
    assert tags == ["1.0", "1.1"]  # a missing sdist is skipped
    examples = {e["qualname"]: e["label"] for e in history_examples("tinypkg", repo, tags)}
    assert examples == {"fetch": 1, "size": 0}


def _drift_rows(units: int) -> Dataset:
    """Three rows per unit: a renamed documented parameter (1), a reformat (0), a history edit (0 or 1)."""
    rows = []
    for index in range(units):
        old = f"def f{index}(url, timeout):\n    return get(url, timeout)\n"
        rows.append({"old_doc": "Fetch.\n\n    Args:\n        url: A.\n        timeout: B.\n", "old_code": old,
                     "new_code": old.replace("timeout", "deadline"), "label": 1, "source": "mutation"})
        rows.append({"old_doc": "Fetch.\n\n    Args:\n        url: A.\n        timeout: B.\n", "old_code": old,
                     "new_code": old.replace("    return", "  return"), "label": 0, "source": "mutation"})
        rows.append({"old_doc": "Return the size.", "old_code": f"def s{index}(p):\n    return stat(p)\n",
                     "new_code": f"def s{index}(p):\n    return os.stat(p)\n", "label": index % 2, "source": "history"})
    columns = {key: [row[key] for row in rows] for key in rows[0]}
    return Dataset.from_dict(columns | {"package": ["p"] * len(rows), "kind": ["k"] * len(rows)})


def test_recipe_trains_three_heads_and_ships_the_best(tmp_path: Path):
    from training.recipes import train_doc_drift_head

    split = _drift_rows(8)
    DatasetDict({"train": split, "dev": split, "test": split}).save_to_disk(str(tmp_path / "data"))
    # The real config, with only paths and sizes overridden: every setting the recipe reads is in the TOML.
    overrides = {"data": tmp_path / "data", "out": tmp_path / "run", "ship": tmp_path / "ship", "mlp_hidden": 8,
                 "max_train": 100, "max_eval": 100, "cross_encoder": ""}
    argv = ["--config", str(CONFIG)]
    argv += [arg for key, value in overrides.items() for arg in ("--set", f"{key}={value}")]
    assert train_doc_drift_head.main(argv) == 0
    metrics = json.loads((tmp_path / "ship" / "metrics.json").read_text())
    assert set(metrics["variants"]) == {"weighted", "linear", "mlp"}
    head = load_head(tmp_path / "ship")
    assert head.kind == metrics["best"] and head.threshold == 0.5
    assert head.command.endswith(f"--set ship={tmp_path / 'ship'} --set mlp_hidden=8 --set max_train=100 "
                                 "--set max_eval=100 --set cross_encoder=")
    card = (tmp_path / "ship" / "MODEL_CARD.md").read_text()
    assert card.startswith("# doc-drift-head") and "$" not in card and f"**{metrics['best']}**" in card
    assert metrics["variants"]["linear"]["test_mutation"]["f1"] == pytest.approx(1.0)
    for variant in ("weighted", "linear", "mlp"):  # every variant is kept in the run directory, same format
        assert load_head(tmp_path / "run" / variant).kind == variant


def test_feature_cache_is_re_encoded_when_an_encoder_changes(tmp_path: Path, monkeypatch):
    from training.recipes import train_doc_drift_head

    rows = list(_drift_rows(1))
    cache = tmp_path / "features-dev.npz"
    first = train_doc_drift_head.features(rows, cache)
    assert np.array_equal(train_doc_drift_head.features(rows, cache), first)  # read back, not re-encoded
    encoded = []
    monkeypatch.setattr(train_doc_drift_head, "trained_on",
                        lambda: {"doc_encoder": "d", "code_encoder": "a new adapter"})
    monkeypatch.setattr(train_doc_drift_head, "feature_rows",
                        lambda examples, *a, **k: encoded.append(len(examples)) or first[: len(examples)])
    train_doc_drift_head.features(rows, cache)
    assert encoded == [len(rows)]


def test_recipe_compares_early_fusion_heads_and_ships_a_late_one(tmp_path: Path, lm):  # noqa: ARG001 - loads the LLM once
    from training.recipes import train_doc_drift_head

    # The late heads train on 24 rows; the LLM reads 4 of them and the 6 rows of dev and of test.
    held_out = _drift_rows(2)
    DatasetDict({"train": _drift_rows(8), "dev": held_out, "test": held_out}).save_to_disk(str(tmp_path / "data"))
    argv = ["--config", str(CONFIG)]
    for key, value in {"data": tmp_path / "data", "out": tmp_path / "run", "ship": tmp_path / "ship", "mlp_hidden": 8,
                       "early_fusion": "true", "early_max_train": 4, "cross_encoder": ""}.items():
        argv += ["--set", f"{key}={value}"]
    assert train_doc_drift_head.main(argv) == 0
    metrics = json.loads((tmp_path / "ship" / "metrics.json").read_text())
    assert set(metrics["variants"]) == {"weighted", "linear", "mlp", "early", "early+edit"}
    assert metrics["best"] in ("weighted", "linear", "mlp")
    assert metrics["variants"]["early+edit"]["test_mutation"]["n"] == 4
    early = tmp_path / "run" / "early+edit"
    assert json.loads((early / "head.json").read_text())["trained_on"]["early_fusion"] == "early-1"
    with pytest.raises(ValueError, match="early-fusion"):
        load_head(early)
    assert (tmp_path / "run" / "early-test.npz").exists()  # the LLM's rows are cached for the next run


def test_recipe_fits_cross_encoder_heads_that_name_their_cross_encoder(tmp_path: Path, monkeypatch):
    import torch

    from codeassist.heads import cross_encoder as cross
    from training.recipes import train_doc_drift_head
    from training.recipes.train_cross_encoder import CrossModel, save_model

    torch.manual_seed(0)
    save_model(CrossModel({"lora_r": 4, "lora_alpha": 8, "lora_dropout": 0.0}), tmp_path / "cross")
    held_out = _drift_rows(2)
    DatasetDict({"train": _drift_rows(6), "dev": held_out, "test": held_out}).save_to_disk(str(tmp_path / "data"))
    argv = ["--config", str(CONFIG)]
    for key, value in {"data": tmp_path / "data", "out": tmp_path / "run", "ship": tmp_path / "ship", "mlp_hidden": 8,
                       "cross_encoder": tmp_path / "cross"}.items():
        argv += ["--set", f"{key}={value}"]
    assert train_doc_drift_head.main(argv) == 0
    metrics = json.loads((tmp_path / "ship" / "metrics.json").read_text())
    assert set(metrics["variants"]) == {"weighted", "linear", "mlp", "cross", "cross+edit", "cross+edit-mlp"}
    assert (tmp_path / "run" / "cross-test.npz").exists()  # its scores are cached for the next run
    head = tmp_path / "run" / "cross+edit"
    recorded = json.loads((head / "head.json").read_text())["trained_on"]
    assert recorded["cross_encoder"] == cross.encoder_id(tmp_path / "cross") and "cross_drop" in recorded["features"]
    with pytest.raises(ValueError, match="cross-encoder"):
        load_head(head)  # not the installed cross-encoder's scores
    monkeypatch.setattr(cross, "shipped_dir", lambda: tmp_path / "cross")
    cross.shipped.cache_clear()
    try:
        loaded = load_head(head)
        example = Example("Fetch.\n\nArgs:\n    url: A.\n", "def f(url):\n    return get(url)\n",
                          "def f(link):\n    return get(link)\n")
        assert 0.0 <= drift_scores([example], head=loaded)[0] <= 1.0  # review computes the cross columns too
    finally:
        cross.shipped.cache_clear()


def test_early_fusion_reads_doc_and_code_in_one_pass(lm):
    from codeassist.heads.doc_drift.early import LAYERS, early_rows, pair_states, width

    doc = "Return the sum of a and b."
    same = pair_states(lm, doc, "def add(a, b):\n    return a + b\n", "python")
    assert same.shape == (len(LAYERS) * lm.model.config.hidden_size + 1,) and np.isfinite(same).all()
    other = pair_states(lm, "Open the file and return its lines.", "def add(a, b):\n    return a + b\n", "python")
    assert not np.allclose(same, other)  # the documentation is read together with the code
    rows = early_rows(lm, [Example(doc, "def add(a, b):\n    return a + b\n", "def add(a, b):\n    return a + b\n")])
    assert rows.shape == (1, width(lm))
    assert np.allclose(rows[0, width(lm) // 2 :], 0.0)  # unchanged code: the reading did not move


def test_recipe_refuses_a_key_its_config_lacks(tmp_path: Path):
    from training.config import ConfigError
    from training.recipes import train_doc_drift_head

    with pytest.raises(ConfigError, match="mlp_hiden"):
        train_doc_drift_head.main(["--config", str(CONFIG), "--set", "mlp_hiden=8"])
