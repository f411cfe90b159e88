"""Settings: defaults ← `[tool.codeassist]` in pyproject.toml ← command-line flags.

Components never read this object; the CLI turns it into plain arguments. Unknown keys
warn, and every problem in the table is reported at once.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Collection
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from codeassist.errors import CodeassistError

FORMATS = ("text", "json", "sarif", "github", "rdjsonl")
SEVERITIES = ("error", "warning", "info")
DEFAULT_MAX_FILE_BYTES = 1_000_000
DEFAULT_LLM_TIMEOUT_S = 120.0  # one answer of a large model on a busy CPU server


@dataclass(frozen=True)
class Settings:
    """Every setting, with its default.

    Attributes:
        select: Rule-id prefixes to enable.
        ignore: Rule-id prefixes to disable; the longest matching prefix wins.
        per_file_ignores: Glob pattern → rule-id prefixes ignored in matching files.
        exclude: Gitignore-style patterns of files never checked, even when named.
        severity: Rule id or prefix → severity that replaces the rule's default.
        format: The default output format.
        max_file_bytes: Larger files are skipped and reported.
        baseline: A baseline file to subtract, relative to the project root.
        llm: Whether `review` also asks the local LLM for CA501 comments (slow; for CI).
        llm_url: An OpenAI-compatible server to ask instead of the local LLM (`--llm-url`).
        llm_model: The server's model to ask (None: the first it lists).
        llm_timeout: Seconds to wait for each of the server's answers.
        source: Where the settings were read from, for messages.
    """

    select: tuple[str, ...] = ("CA",)
    ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    format: str = "text"
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    baseline: str | None = None
    llm: bool = False
    llm_url: str | None = None
    llm_model: str | None = None
    llm_timeout: float = DEFAULT_LLM_TIMEOUT_S
    source: str = "defaults"


_KEYS = {f.name.replace("_", "-"): f.name for f in fields(Settings) if f.name != "source"}


def load(root: Path, config_file: Path | None = None, *, rule_ids: Collection[str] = ()) -> Settings:
    """Read `[tool.codeassist]` from a pyproject.toml.

    Args:
        root: The project root; its pyproject.toml is read when `config_file` is None.
        config_file: An explicit TOML file (a pyproject.toml or a file with the same table).
        rule_ids: Every known rule id; when given, a code that is no id nor a prefix of one
            is one of the table's problems (this layer cannot import the rules itself).

    Returns:
        The settings; defaults when there is no file or no table.

    Raises:
        CodeassistError: When the file cannot be read or the table has invalid values.
    """
    path = config_file or root / "pyproject.toml"
    if not path.is_file():
        if config_file is not None:
            raise CodeassistError(f"config file not found: {path}", "check the --config path")
        return Settings()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CodeassistError(f"cannot read {path}: {exc}", "fix the TOML syntax") from None
    table = document.get("tool", {}).get("codeassist")
    if table is None and config_file is not None and "tool" not in document:
        table = document  # a dedicated file may hold the table at top level
    if table is None:
        return Settings()
    return from_table(table, str(path), rule_ids=rule_ids)


def from_table(table: dict[str, Any], source: str, *, rule_ids: Collection[str] = ()) -> Settings:
    """Validate a `[tool.codeassist]` table.

    Args:
        table: The parsed TOML table.
        source: The file it came from, for messages.
        rule_ids: Every known rule id, to refuse unknown codes (empty: only the CA form is checked).

    Returns:
        The settings.

    Raises:
        CodeassistError: Listing every invalid value at once.
    """
    values: dict[str, Any] = {"source": source}
    problems: list[str] = []
    for key, value in table.items():
        name = _KEYS.get(key) or _KEYS.get(key.replace("_", "-"))
        if name is None:
            print(f"codeassist: warning: unknown key `{key}` in {source} ignored", file=sys.stderr)
            continue
        try:
            values[name] = _convert(name, value, rule_ids)
        except ValueError as exc:
            problems.append(f"`{key}` {exc}")
    if problems:
        raise CodeassistError(
            f"invalid [tool.codeassist] in {source}: " + "; ".join(problems),
            "fix those keys (see README, Configuration)",
        )
    return Settings(**values)


def _codes(value: Any, rule_ids: Collection[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("must be a list of rule-id prefixes such as [\"CA1\"]")
    codes = tuple(v.strip().upper() for v in value)
    bad = [c for c in codes if not c.startswith("CA")]
    if bad:
        raise ValueError(f"has unknown rule prefixes {bad}; rule ids start with CA")
    unknown = [c for c in codes if rule_ids and not any(rule_id.startswith(c) for rule_id in rule_ids)]
    if unknown:
        prefixes = sorted({rule_id[:3] for rule_id in rule_ids})
        raise ValueError(f"has unknown rule codes {unknown}; known prefixes: {', '.join(prefixes)}")
    return codes


def _convert(name: str, value: Any, rule_ids: Collection[str] = ()) -> Any:
    if name in ("select", "ignore"):
        return _codes(value, rule_ids)
    if name == "exclude":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("must be a list of glob patterns")
        return tuple(value)
    if name == "per_file_ignores":
        if not isinstance(value, dict):
            raise ValueError('must be a table of pattern = ["CA1..."]')
        return {pattern: _codes(codes, rule_ids) for pattern, codes in value.items()}
    if name == "severity":
        if not isinstance(value, dict) or any(v not in SEVERITIES for v in value.values()):
            raise ValueError(f"must map rule ids to one of {', '.join(SEVERITIES)}")
        _codes(list(value), rule_ids)
        return {k.upper(): v for k, v in value.items()}
    if name == "format":
        if value not in FORMATS:
            raise ValueError(f"must be one of {', '.join(FORMATS)}")
        return value
    if name == "max_file_bytes":
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ValueError("must be a positive integer")
        return value
    if name == "llm":
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    if name == "baseline":
        if not isinstance(value, str):
            raise ValueError("must be a path")
        return value
    if name in ("llm_url", "llm_model"):
        if not isinstance(value, str) or not value.strip():
            raise ValueError("must be a non-empty string" if name == "llm_model" else "must be a URL such as "
                             '"http://localhost:11434"')
        if name == "llm_url" and not value.strip().startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.strip()
    if name == "llm_timeout":
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
            raise ValueError("must be a positive number of seconds")
        return float(value)
    raise ValueError("is not supported")


def with_overrides(settings: Settings, **overrides: Any) -> Settings:
    """Apply command-line values that were given (None means not given).

    Args:
        settings: Settings from the file.
        **overrides: Field names → values from the command line.

    Returns:
        The merged settings.
    """
    given = {key: value for key, value in overrides.items() if value is not None}
    return replace(settings, **given)
