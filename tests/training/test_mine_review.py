"""Review mining at tiny sizes: real functions, the real parser, the product's hunk view."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from datasets import Dataset, DatasetDict, load_from_disk

from codeassist.heads.llm_review.comments import parse_answer
from codeassist.languages import parser
from training.config import ConfigError
from training.data.mine_review import NO_COMMENT, bug_edits, examples_for, main, mine

CONFIG = Path(__file__).parent.parent.parent / "training" / "configs" / "mine_review.toml"

CODE = '''def window(items, size, step=1, strict=False):
    out = []
    total = len(items)
    if size <= 0 or step < 1:
        raise ValueError("size must be positive")
    for start in range(0, total - size + 1, step):
        chunk = items[start:start + size]
        if strict == True and len(chunk) != size:
            continue
        out.append(tuple(chunk) if strict else list(chunk))
    return out
'''


def _row(code: str, index: int = 0) -> dict:
    return {"package": "pkg", "language": "python", "path": f"pkg/m{index}.py", "qualname": "window", "code": code}


def test_every_bug_kind_fits_a_real_looking_function():
    root = parser("python").parse(CODE.encode()).root_node
    kinds = {edit.kind for edit in bug_edits(root, random.Random(0))}
    assert kinds == {"comparison-operator", "binary-operator", "off-by-one", "swapped-arguments",
                     "wrong-variable", "negated-condition", "wrong-literal"}


@pytest.mark.parametrize("seed", range(12))
def test_mutations_parse_and_the_target_names_the_mutated_line(seed):
    examples = examples_for(_row(CODE), random.Random(seed), max_added=6)
    assert examples
    for example in examples:
        assert not parser("python").parse(example["new_code"].encode()).root_node.has_error
        shown = {int(line.split()[0]): line for line in example["view"].splitlines()}
        assert set(example["added"]) <= set(shown)
        assert all(shown[n].split()[1] == "+" for n in example["added"])
        if example["label"] == 0:
            assert example["answer"] == NO_COMMENT and example["bug_line"] == 0
            assert parse_answer(example["answer"], set(example["added"])) is None
            continue
        old, new = CODE.splitlines(), example["new_code"].splitlines()
        differing = [i for i, (a, b) in enumerate(zip(old, new)) if a != b]
        assert len(old) == len(new) and len(differing) == 1  # exactly one line mutated
        answer = json.loads(example["answer"])
        offset = answer["line"] - differing[0]  # the function's first line number in its "file"
        assert example["bug_line"] == answer["line"] and answer["line"] in example["added"]
        assert answer["suggestion"] == old[differing[0]].strip()
        assert shown[answer["line"]].split(None, 2)[2] == new[answer["line"] - offset].strip()
        line, comment, suggestion = parse_answer(example["answer"], set(example["added"]))
        assert line == answer["line"] and suggestion == answer["suggestion"] and comment


def test_mining_is_deterministic_and_keeps_the_split():
    pairs = {"train": [_row(CODE, i) for i in range(6)], "dev": [_row(CODE.replace("out", "acc"), 9)]}
    first = mine(pairs, {"train": 6, "dev": 1}, seed=3, max_lines=40, max_added=6, progress=lambda _: None)
    second = mine(pairs, {"train": 6, "dev": 1}, seed=3, max_lines=40, max_added=6, progress=lambda _: None)
    assert first == second
    assert {r["path"] for r in first["dev"]} == {"pkg/m9.py"}
    assert {r["label"] for r in first["train"]} == {0, 1}


def test_the_command_mines_with_the_shipped_config_and_set_overrides(tmp_path: Path):
    rows = [{**_row(CODE, i), "doc": "Slide a window.", "ast": ""} for i in range(4)]
    split = Dataset.from_list(rows)
    DatasetDict({"train": split, "dev": split, "test": split}).save_to_disk(str(tmp_path / "pairs"))
    sets = ["--set", f"pairs={tmp_path / 'pairs'}", "--set", "max_train_functions=4",
            "--set", "max_dev_functions=1", "--set", "max_test_functions=1"]
    assert main(["--config", str(CONFIG), *sets, "--out", str(tmp_path / "review")]) == 0
    review = load_from_disk(str(tmp_path / "review"))
    assert len(review["train"]) > len(review["dev"]) > 0


def test_an_unknown_set_key_is_refused_before_any_work(tmp_path: Path):
    with pytest.raises(ConfigError, match="unknown key 'max_functions'"):
        main(["--config", str(CONFIG), "--set", "max_functions=3", "--out", str(tmp_path / "review")])
    assert not (tmp_path / "review").exists()
