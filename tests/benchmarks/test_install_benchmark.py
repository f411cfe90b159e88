"""benchmarks/install.py's table and disk measure, and torch_parity.py's agreement, on fake numbers.

Nothing here installs a package: the benchmark itself does that, one venv after another.
"""

from __future__ import annotations

import pytest

from tests.benchmarks.conftest import load_benchmark

install = load_benchmark("install")
torch_parity = load_benchmark("torch_parity")


def measured(name: str, seconds: float, venv_mb: float) -> object:
    """An Install row with the given time and venv size."""
    return install.Install(name, f"pip install {name}", "1.0", seconds, venv_mb - 1, venv_mb, 3)


def test_table_states_targets_and_ratios() -> None:
    rows = [measured("codeassist (core)", 12.0, 200.0), measured("pydoclint", 2.0, 25.0), measured("ruff", 3.0, 50.0)]
    hook = install.HookRun("pre-commit try-repo <clone> codeassist-review --all-files", "4.7.0", 95.0, 1, [])

    lines = install.table(rows, hook)

    assert lines[0].startswith("| install") and set(lines[1]) <= {"|", "-"}
    core = lines[2]
    assert "| 12.0 |" in core and "6.00x / 4.00x" in core and "8.00x / 4.00x" in core
    assert "≤ 60 s, ≤ 300 MB: met" in core
    assert "1.00x / 0.67x" in lines[3]
    assert "exit 1" in lines[-1] and "≤ 90 s: not met (before: 254 s)" in lines[-1]


def test_table_without_baselines_or_hook() -> None:
    lines = install.table([measured("codeassist (core)", 70.0, 310.0)], None)

    assert len(lines) == 3
    assert "n/a / n/a" in lines[2] and "not met" in lines[2]


def test_disk_mb_counts_hard_links_once(tmp_path) -> None:
    (tmp_path / "a").write_bytes(b"x" * 100_000)
    (tmp_path / "b").hardlink_to(tmp_path / "a")

    assert install.disk_mb(tmp_path) == pytest.approx(0.1, abs=0.01)


@pytest.mark.parametrize(
    ("a", "b", "decimals", "differ"),
    [
        ([0.1, 0.7], [0.1, 0.7], None, 0),
        ([0.1, 0.7], [0.1, 0.7 + 3e-7], 6, 0),
        ([0.1, 0.5], [0.1, 0.4998], 3, 1),
    ],
)
def test_agreement(a: list[float], b: list[float], decimals: int | None, differ: int) -> None:
    result = torch_parity.agreement(a, b)

    assert result["bit_identical"] is (decimals is None)
    assert result["identical_decimals"] == decimals
    assert result["decisions_differ"] == differ
