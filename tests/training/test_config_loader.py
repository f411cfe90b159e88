"""The one config loader of the recipes, miners and benchmarks (training/config.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from training.config import ConfigError, add_config_arguments, load_config, parse_set

CONFIGS = sorted((Path(__file__).parent.parent.parent / "training" / "configs").glob("*.toml"))


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "recipe.toml"
    path.write_text(text)
    return path


def test_overrides_change_keys_the_file_has_and_unknown_keys_are_all_reported(tmp_path: Path):
    path = _config(tmp_path, "max_steps = 10\nlr = 0.1\n")
    assert load_config(path, {"max_steps": 3}) == {"max_steps": 3, "lr": 0.1}
    with pytest.raises(ConfigError) as refused:
        load_config(path, {"max_step": 3, "learning_rate": 1.0})
    assert str(path) in str(refused.value)
    assert "unknown key 'learning_rate'" in str(refused.value) and "unknown key 'max_step'" in str(refused.value)


def test_path_keys_are_expanded_and_must_be_in_the_file(tmp_path: Path):
    path = _config(tmp_path, 'data = "~/pairs"\nseed = 0\n')
    assert load_config(path, paths=("data",))["data"] == str(Path.home() / "pairs")
    assert load_config(path, {"data": "~/other"}, paths=("data",))["data"] == str(Path.home() / "other")
    with pytest.raises(ConfigError, match="missing key 'out'"):
        load_config(path, paths=("data", "out"))


def test_bad_toml_and_a_missing_file_are_one_clear_error(tmp_path: Path):
    with pytest.raises(ConfigError, match=r"recipe\.toml is not valid TOML: .*line 1"):
        load_config(_config(tmp_path, "max_steps = = 3\n"))
    with pytest.raises(ConfigError, match="cannot read the config"):
        load_config(tmp_path / "absent.toml")


def test_set_values_are_toml_and_bare_words_are_strings():
    assert parse_set(["max_steps=3", "lr=1e-3", 'name="x"', "data=/tmp/pairs", "flag=true", "langs=[\"go\"]"]) == {
        "max_steps": 3, "lr": 1e-3, "name": "x", "data": "/tmp/pairs", "flag": True, "langs": ["go"]}
    with pytest.raises(ConfigError, match="expected KEY=VALUE"):
        parse_set(["max_steps"])


def test_the_parser_gets_config_and_repeatable_set():
    parser = argparse.ArgumentParser()
    add_config_arguments(parser)
    args = parser.parse_args(["--config", "a.toml", "--set", "a=1", "--set", "b=2"])
    assert args.config == Path("a.toml") and args.overrides == ["a=1", "b=2"]


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_every_shipped_config_loads_and_starts_with_its_command(path: Path):
    assert load_config(path)
    first = path.read_text("utf-8").splitlines()[0]
    assert first.startswith("# ") and "python -m training." in first and f"--config training/configs/{path.name}" in first


def test_a_users_config_may_not_add_keys_the_shipped_one_lacks(tmp_path: Path):
    path = _config(tmp_path, "seed = 1\nlearning_rat = 0.1\n")
    with pytest.raises(ConfigError, match="learning_rat"):
        load_config(path, shipped="doc_drift_head")


def test_a_users_config_takes_the_shipped_values_for_keys_it_leaves_out(tmp_path: Path):
    shipped = load_config(Path(__file__).parents[2] / "training" / "configs" / "doc_drift_head.toml")
    config = load_config(_config(tmp_path, "seed = 7\n"), shipped="doc_drift_head")
    assert config == {**shipped, "seed": 7}
