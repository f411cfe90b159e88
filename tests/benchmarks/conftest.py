"""Benchmarks are not an installed package: tests import them by path."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def load_benchmark(name: str) -> ModuleType:
    """Import benchmarks/NAME.py, or a module of the benchmark package benchmarks/NAME/.

    Args:
        name: The script's name without `.py`, or `package.module` for a benchmark that is a
            package (`static_rules.mutations`).

    Returns:
        The module.
    """
    package, _, module = name.partition(".")
    if not (BENCHMARKS / package).is_dir():
        spec = importlib.util.spec_from_file_location(f"{name}_bench", BENCHMARKS / f"{name}.py")
        loaded = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(loaded)
        return loaded
    # A package goes into sys.modules under its own alias, so that its relative imports and
    # importlib.resources find it.
    alias = f"{package}_bench"
    if alias not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            alias, BENCHMARKS / package / "__init__.py",
            submodule_search_locations=[str(BENCHMARKS / package)],
        )
        loaded = importlib.util.module_from_spec(spec)
        sys.modules[alias] = loaded
        spec.loader.exec_module(loaded)
    return importlib.import_module(f"{alias}.{module}") if module else sys.modules[alias]
