"""The one config loader of every recipe, miner and benchmark: the TOML file is the whole config.

Every setting and its default lives in the TOML file (whose header is the exact command that
runs it); the code holds none. Overrides from the command line (`--set key=value`) or from a
test may only change keys the file already has: an unknown key is an error, so a typo never
silently falls back to a value nobody chose. A script names its own shipped config
(`shipped=`), so a config file a user writes may leave keys out (the shipped values apply) but
may not add a key the script does not read. All problems are reported at once.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


CONFIGS = Path(__file__).resolve().parent / "configs"


class ConfigError(SystemExit):
    """A config problem: the message names every bad key and the file."""


def load_config(path: Path, overrides: Mapping[str, Any] | None = None, *, paths: Sequence[str] = (),
                shipped: str | None = None) -> dict[str, Any]:
    """Read a recipe's TOML file and apply overrides to keys it already has.

    Args:
        path: The TOML config.
        overrides: Values that replace the file's (tests, `--set`); unknown keys are an error.
        paths: Keys whose values are paths: `~` is expanded in them.
        shipped: The name of the script's own config in training/configs (e.g. "doc_drift_head").
            A config file given instead may set only keys that one has (an unknown key, such
            as a typo, is an error) and takes the shipped values for the keys it leaves out.

    Returns:
        The settings, keyed as in the file.

    Raises:
        ConfigError: For an unreadable file, bad TOML, or unknown keys.
    """
    config = _read(Path(path))
    problems = []
    if shipped is not None and Path(path).resolve() != (CONFIGS / f"{shipped}.toml").resolve():
        base = _read(CONFIGS / f"{shipped}.toml")
        problems += [f"unknown key {key!r} (training/configs/{shipped}.toml has no such key)"
                     for key in sorted(set(config) - set(base))]
        config = {**base, **config}
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(config))
    missing = sorted(key for key in paths if key not in config)
    problems += [f"unknown key {key!r} (not in the file)" for key in unknown]
    problems += [f"missing key {key!r}" for key in missing]
    if problems:
        raise ConfigError(f"{path}: " + "; ".join(problems))
    config.update(overrides)
    for key in paths:
        if isinstance(config[key], str):
            config[key] = str(Path(config[key]).expanduser())
    return config


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the config {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None


def parse_set(items: Sequence[str]) -> dict[str, Any]:
    """Turn `--set key=value` strings into overrides; values are TOML, bare paths are strings.

    Args:
        items: "key=value" strings.

    Returns:
        The overrides.

    Raises:
        ConfigError: For an item without "=".
    """
    overrides: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise ConfigError(f"--set {item!r}: expected KEY=VALUE")
        try:
            overrides[key.strip()] = tomllib.loads(f"v = {value}")["v"]
        except tomllib.TOMLDecodeError:
            overrides[key.strip()] = value  # a bare path or word
    return overrides


def add_config_arguments(parser: argparse.ArgumentParser, default: Path | None = None) -> None:
    """Give a recipe's parser `--config FILE` and `--set KEY=VALUE` (repeatable).

    Args:
        parser: The recipe's argument parser.
        default: The config file used when `--config` is not given (None: required).
    """
    parser.add_argument("--config", type=Path, default=default, required=default is None,
                        help="the TOML config (its first line is the command that runs it)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="overrides",
                        help="override a key the config has (value parsed as TOML), e.g. --set max_steps=10")


def recipe_config(argv: Sequence[str] | None, *, description: str, module: str, shipped: str,
                  paths: Sequence[str] = ()) -> tuple[dict[str, Any], str]:
    """Parse a recipe's `--config`/`--set` arguments, load its config, and say how to rerun it.

    Args:
        argv: Command-line arguments (None: sys.argv[1:]).
        description: The recipe's one-line description for `--help`.
        module: The recipe's module, e.g. "training.recipes.train_doc_drift_head".
        shipped: Its config's name in training/configs (see `load_config`).
        paths: Keys whose values are paths.

    Returns:
        The settings, and the exact command that reproduces the run (for the head and its card).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=description)
    add_config_arguments(parser)
    args = parser.parse_args(argv)
    config = load_config(args.config, parse_set(args.overrides), paths=paths, shipped=shipped)
    return config, shlex.join(["python", "-m", module, *argv])
