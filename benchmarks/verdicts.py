"""Hand verdicts on sampled findings, kept as a TOML file beside the benchmark that reads them."""

from __future__ import annotations

import tomllib
from importlib import resources

VERDICTS_FILE = "verdicts.toml"


def read_verdicts(package: str) -> dict[str, tuple[str, str]]:
    """Read a benchmark package's `verdicts.toml`.

    Args:
        package: The benchmark package that holds the file (e.g. "benchmarks.precision").

    Returns:
        The verdict key of a finding → ("TP" or "FP", the reason).
    """
    text = resources.files(package).joinpath(VERDICTS_FILE).read_text(encoding="utf-8")
    return {key: (entry["verdict"], entry["reason"]) for key, entry in tomllib.loads(text).items()}
