"""The one config loader of every recipe, miner and benchmark: the TOML file is the whole config.

Every setting and its default lives in the TOML file (whose header is the exact command that
runs it); the code holds none. Overrides from the command line (`--set key=value`) or from a
test may only change keys the file already has: an unknown key is an error, so a typo never
silently falls back to a value nobody chose. All problems are reported at once.
"""

from __future__ import annotations

import argparse
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


class ConfigError(SystemExit):
    """A config problem: the message names every bad key and the file."""


def load_config(path: Path, overrides: Mapping[str, Any] | None = None, *, paths: Sequence[str] = ()) -> dict[str, Any]:
    """Read a recipe's TOML file and apply overrides to keys it already has.

    Args:
        path: The TOML config.
        overrides: Values that replace the file's (tests, `--set`); unknown keys are an error.
        paths: Keys whose values are paths: `~` is expanded in them.

    Returns:
        The settings, keyed as in the file.

    Raises:
        ConfigError: For an unreadable file, bad TOML, or unknown override keys.
    """
    try:
        config = tomllib.loads(Path(path).read_text("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the config {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(config))
    missing = sorted(key for key in paths if key not in config)
    problems = [f"unknown key {key!r} (not in the file)" for key in unknown]
    problems += [f"missing key {key!r}" for key in missing]
    if problems:
        raise ConfigError(f"{path}: " + "; ".join(problems))
    config.update(overrides)
    for key in paths:
        if isinstance(config[key], str):
            config[key] = str(Path(config[key]).expanduser())
    return config


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
