"""Install cost: `pip install codeassist` beside pydoclint and ruff, and pre-commit's first hook run.

One run builds a wheel from a clean clone of the checkout (the working tree's uncommitted
changes committed on top, in the clone only), then, one after another on the same machine:

- `pip install` of codeassist (core), `codeassist[llm]` (with `torch==2.13.0`, as a user without
  a GPU must pin it), pydoclint and ruff, each into a fresh `python -m venv`, with
  `--no-cache-dir` and the machine's pip configuration (the same index for all): wall time,
  the size of site-packages and of the whole venv, the number of distributions;
- `codeassist models pull encoders` in the core venv, into an empty models directory;
- `pre-commit try-repo CLONE codeassist-review --all-files` on a tiny git repository, with
  pre-commit (from the index) in its own venv, an empty PRE_COMMIT_HOME, an empty virtualenv
  app-data directory, no pip cache and an empty models directory: the first run, hook
  environment built from scratch. Its exit code and last lines are kept.

It prints one table with the targets beside it and writes benchmarks/results/install.json.
`--compare-output` then runs benchmarks/torch_parity.py with the core venv: the learned rules'
findings and CA201's held-out scores without torch beside this environment's (with torch).

Run: .venv/bin/python benchmarks/install.py [--compare-output] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "install.json"
TORCH_PIN = "torch==2.13.0"
# The targets; the pre-commit first run took 254 s before the package went torch-free.
TARGETS = {"core_install_s": 60.0, "core_venv_mb": 300.0, "precommit_first_run_s": 90.0}
PRECOMMIT_BEFORE_S = 254.0
TINY_MODULE = '''"""A tiny module for the hook to review."""


def scale(value, factor=2):
    """Scale a value.

    Args:
        value: The input.
        factor: The multiplier.

    Returns:
        The scaled value.
    """
    return value * factor


def offset(value):
    """Return the value plus one."""
    return value + 1
'''


class Install(NamedTuple):
    """One `pip install` into a fresh venv and what it left on disk."""

    name: str
    command: str
    version: str
    seconds: float
    site_packages_mb: float
    venv_mb: float
    distributions: int
    note: str = ""


class HookRun(NamedTuple):
    """pre-commit's first run of a hook: time to a finished run, exit code, its last lines."""

    command: str
    precommit_version: str
    seconds: float
    exit_code: int
    tail: list[str]


def disk_mb(path: Path) -> float:
    """Return the disk space under `path` in MB (allocated blocks, hard links once, as `du`)."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            info = os.lstat(os.path.join(root, name))
            if (info.st_dev, info.st_ino) not in seen:
                seen.add((info.st_dev, info.st_ino))
                total += info.st_blocks * 512
    return total / 1e6


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess[str]:  # noqa: ANN003 - subprocess.run's
    """Run a command, capture its text output, and fail the benchmark when it fails."""
    done = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}\n{(done.stdout + done.stderr)[-2000:]}")
    return done


def source_clone(destination: Path) -> str:
    """Clone the checkout and commit the working tree's changes in the clone.

    Args:
        destination: Where the clone goes (must not exist).

    Returns:
        The HEAD commit of the checkout, with "+ working tree" when it had uncommitted changes.
    """
    run(["git", "clone", "-q", "--no-hardlinks", str(REPO), str(destination)])
    head = run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"]).stdout.strip()
    changed = run(["git", "-C", str(REPO), "ls-files", "-z", "--modified", "--others", "--exclude-standard"]).stdout
    deleted = run(["git", "-C", str(REPO), "ls-files", "-z", "--deleted"]).stdout
    for name in filter(None, deleted.split("\0")):
        (destination / name).unlink(missing_ok=True)
    for name in filter(None, changed.split("\0")):
        if (REPO / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, destination / name)
    git = ["git", "-C", str(destination), "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    run(git + ["add", "-A"])
    if run(git + ["status", "--porcelain"]).stdout.strip():
        run(git + ["commit", "-q", "-m", "working tree"])
        return f"{head} + working tree"
    return head


def fresh_venv(path: Path, python: str) -> Path:
    """Create a venv with `python -m venv` and return its bin directory."""
    run([python, "-m", "venv", str(path)])
    return path / "bin"


def distribution_version(bin_dir: Path, name: str) -> str:
    """Return an installed distribution's version, read inside the venv."""
    code = f"import importlib.metadata as m; print(m.version({name!r}))"
    return run([str(bin_dir / "python"), "-c", code]).stdout.strip()


def pip_install(venv: Path, python: str, name: str, requirements: list[str], distribution: str,
                note: str = "") -> Install:
    """Time `pip install --no-cache-dir REQUIREMENTS` into a fresh venv and measure the result.

    Args:
        venv: Where the venv goes.
        python: The interpreter that makes it.
        name: The row's name.
        requirements: pip's arguments after `install --no-cache-dir`.
        distribution: Whose version the row states.
        note: Said under the table.

    Returns:
        The measurement.
    """
    bin_dir = fresh_venv(venv, python)
    command = [str(bin_dir / "python"), "-m", "pip", "install", "--no-cache-dir", "--quiet", *requirements]
    start = time.perf_counter()
    run(command)
    seconds = time.perf_counter() - start
    site_packages = next((venv / "lib").glob("python*/site-packages"))
    listed = json.loads(run([str(bin_dir / "python"), "-m", "pip", "list", "--format", "json"]).stdout)
    shown = " ".join(a.split(" @ ")[0] for a in requirements)  # a wheel's direct reference shows as its name
    return Install(name, f"pip install {shown}", distribution_version(bin_dir, distribution), seconds,
                   disk_mb(site_packages), disk_mb(venv), len(listed), note)


def models_pull(bin_dir: Path, models: Path) -> Install:
    """Time `codeassist models pull encoders` into an empty models directory."""
    env = {**os.environ, "CODEASSIST_MODELS_DIR": str(models), "PIP_NO_CACHE_DIR": "1"}
    start = time.perf_counter()
    run([str(bin_dir / "codeassist"), "models", "pull", "encoders"], env=env)
    seconds = time.perf_counter() - start
    version = distribution_version(bin_dir, "codeassist")
    return Install("codeassist models pull encoders", "codeassist models pull encoders", version, seconds,
                   disk_mb(models), disk_mb(models), len(list(models.glob("*.dist-info"))),
                   "weights installed with --no-deps into CODEASSIST_MODELS_DIR; sizes are that directory")


def tiny_repo(root: Path) -> None:
    """A git repository with one commit and a staged change that makes two docstrings stale."""
    git = ["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    root.mkdir()
    run(git + ["init", "-q"])
    (root / "tiny.py").write_text(TINY_MODULE)
    run(git + ["add", "-A"])
    run(git + ["commit", "-q", "-m", "Add scale"])
    # A renamed parameter (CA101, CA102) and a changed body under an unchanged docstring (CA201's
    # case: without pulled models the hook says it skipped CA201 and how to fix that).
    changed = TINY_MODULE.replace("factor=2", "multiplier=2").replace("* factor", "* multiplier")
    (root / "tiny.py").write_text(changed.replace("value + 1", "value - 1"))
    run(git + ["add", "-A"])


def precommit_first_run(work: Path, python: str, clone: Path) -> tuple[Install, HookRun]:
    """Install pre-commit in its own venv, then time its first `try-repo` of codeassist-review.

    Args:
        work: The benchmark's scratch directory.
        python: The interpreter for the venv.
        clone: The clean clone of the checkout (the hook repository).

    Returns:
        pre-commit's own install and the hook's first run.
    """
    installed = pip_install(work / "venvs" / "pre-commit", python, "pre-commit", ["pre-commit"], "pre-commit")
    repo = work / "tiny-repo"
    tiny_repo(repo)
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(work / "pre-commit-home"),
        "VIRTUALENV_OVERRIDE_APP_DATA": str(work / "virtualenv-app-data"),
        "PIP_NO_CACHE_DIR": "1",
        "CODEASSIST_MODELS_DIR": str(work / "no-models"),
        "CODEASSIST_CACHE_DIR": str(work / "hook-cache"),
    }
    command = [str(work / "venvs" / "pre-commit" / "bin" / "pre-commit"), "try-repo", str(clone),
               "codeassist-review", "--all-files"]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    tail = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()][-12:]
    shown = f"pre-commit try-repo <clone> codeassist-review --all-files"
    return installed, HookRun(shown, installed.version, seconds, done.returncode, tail)


def ratio(value: float, base: float) -> str:
    """`value / base` as `1.23x`, or `n/a` without a base."""
    return f"{value / base:.2f}x" if base else "n/a"


def table(installs: list[Install], hook: HookRun | None) -> list[str]:
    """Format the measurements as one table with the targets and the ratios beside them.

    Args:
        installs: The installs, codeassist core first; pydoclint and ruff are the baselines.
        hook: pre-commit's first run of codeassist-review, if it was measured.

    Returns:
        The table's lines (markdown).
    """
    by_name = {i.name: i for i in installs}
    pydoclint, ruff = by_name.get("pydoclint"), by_name.get("ruff")
    lines = [
        "| install (fresh venv, --no-cache-dir) | version | pip install s | site-packages MB | venv MB "
        "| distributions | s vs pydoclint / ruff | venv MB vs pydoclint / ruff | target |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for item in installs:
        target = ""
        if item.name == "codeassist (core)":
            met = item.seconds <= TARGETS["core_install_s"] and item.venv_mb <= TARGETS["core_venv_mb"]
            target = (f"≤ {TARGETS['core_install_s']:.0f} s, ≤ {TARGETS['core_venv_mb']:.0f} MB: "
                      f"{'met' if met else 'not met'}")
        times = " / ".join(ratio(item.seconds, b.seconds if b else 0) for b in (pydoclint, ruff))
        sizes = " / ".join(ratio(item.venv_mb, b.venv_mb if b else 0) for b in (pydoclint, ruff))
        lines.append(f"| `{item.command}` | {item.version} | {item.seconds:.1f} | {item.site_packages_mb:.1f} "
                     f"| {item.venv_mb:.1f} | {item.distributions} | {times} | {sizes} | {target} |")
    if hook is not None:
        met = hook.seconds <= TARGETS["precommit_first_run_s"]
        lines.append(f"| `{hook.command}` (first run, exit {hook.exit_code}) | pre-commit {hook.precommit_version} "
                     f"| {hook.seconds:.1f} | | | | | | ≤ {TARGETS['precommit_first_run_s']:.0f} s: "
                     f"{'met' if met else 'not met'} (before: {PRECOMMIT_BEFORE_S:.0f} s) |")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Measure every install one after another, print the table, save the JSON.

    Args:
        argv: Command-line arguments (default: sys.argv[1:]).

    Returns:
        0.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=str(Path(sys.base_prefix) / "bin" / "python3"),
                        help="the interpreter whose `-m venv` makes the fresh venvs")
    parser.add_argument("--keep", type=Path, help="work here and keep the venvs, instead of a temporary directory")
    parser.add_argument("--compare-output", action="store_true",
                        help="also compare the learned rules' output without torch (core venv) and with it (this one)")
    parser.add_argument("--no-llm", action="store_true", help="skip the codeassist[llm] install (the slowest)")
    args = parser.parse_args(argv)

    scratch = None if args.keep else tempfile.TemporaryDirectory(prefix="codeassist-install-")
    work = args.keep.resolve() if args.keep else Path(scratch.name)
    try:
        clone = work / "source"
        shutil.rmtree(work, ignore_errors=True)  # every install starts from nothing, a kept directory too
        work.mkdir(parents=True)
        revision = source_clone(clone)
        start = time.perf_counter()
        run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-cache-dir", "--quiet", "-w",
             str(work / "dist"), str(clone)])
        wheel_s = time.perf_counter() - start
        wheel = next((work / "dist").glob("codeassist-*.whl"))
        venvs = work / "venvs"
        installs = [pip_install(venvs / "core", args.python, "codeassist (core)",
                                [f"codeassist @ {wheel.as_uri()}"], "codeassist",
                                "from a wheel of the checkout (what `pip install codeassist` takes from an index)")]
        installs.append(models_pull(venvs / "core" / "bin", work / "models"))
        if not args.no_llm:
            installs.append(pip_install(venvs / "llm", args.python, "codeassist[llm]",
                                        [TORCH_PIN, f"codeassist[llm] @ {wheel.as_uri()}"], "torch",
                                        f"the llm extra declares torch>=2.4; {TORCH_PIN} (CPU build) is pinned "
                                        "beside it, as a user without a GPU must, or pip takes a multi-GB CUDA "
                                        "build; the version column is torch's"))
        installs.append(pip_install(venvs / "pydoclint", args.python, "pydoclint", ["pydoclint"], "pydoclint"))
        installs.append(pip_install(venvs / "ruff", args.python, "ruff", ["ruff"], "ruff"))
        precommit, hook = precommit_first_run(work, args.python, clone)
        installs.append(precommit)

        pip_version = distribution_version(venvs / "ruff" / "bin", "pip")
        print(f"install benchmark — {date.today()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"pip {pip_version} (the venvs' own), codeassist {revision}; wheel built in {wheel_s:.1f} s")
        for line in table(installs, hook):
            print(line)
        for item in installs:
            if item.note:
                print(f"- {item.name}: {item.note}")
        print(f"- pre-commit first run: exit {hook.exit_code}; last lines:")
        for line in hook.tail:
            print(f"    {line}")

        document = {
            "date": str(date.today()), "cores": os.cpu_count(), "python": platform.python_version(),
            "pip": pip_version, "codeassist": revision, "wheel_build_s": round(wheel_s, 2),
            "pip_config": run([args.python, "-m", "pip", "config", "list"]).stdout.splitlines(),
            "targets": TARGETS, "precommit_before_s": PRECOMMIT_BEFORE_S,
            "installs": [item._asdict() for item in installs],
            "precommit_first_run": hook._asdict(),
        }
        if args.compare_output:
            sys.path.insert(0, str(REPO / "benchmarks"))
            import torch_parity

            document["torch_parity"] = torch_parity.compare(venvs / "core" / "bin", Path(sys.executable).parent,
                                                            work / "parity", models=work / "models")
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(document, indent=2) + "\n")
        print(f"saved {RESULTS.relative_to(REPO)}")
    finally:
        if scratch is not None:
            scratch.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
