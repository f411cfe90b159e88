"""Latency of `codeassist review --staged` beside pydoclint, as processes, cold and warm.

A generated repository gets a staged change of 10 files (~200 documented functions, some
with stale docstrings). Timed, best of --repeat runs each:

- codeassist review --staged, with an empty parse cache (cold) and a filled one (warm);
- codeassist check on the same 10 files (warm), for comparison;
- pydoclint on the same 10 files (Google style, no config);
- codeassist review --staged of a second repository whose change edits the bodies of
  --drift-units documented functions (their docstrings unchanged), so CA201 loads the encoders
  and scores every unit: cold (empty parse and embedding caches) and warm.

Run: .venv/bin/python benchmarks/review_latency.py [--files 10] [--functions 20] [--repeat 5]
    [--drift-units 10]
The targets: codeassist review ≤ 1.5× pydoclint's wall time; with CA201 on a 10-unit change,
≤ 5 s cold and ≤ 2 s warm (issue #13).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
FUNCTION = '''

def {name}(alpha, beta, gamma=None, *args, **kwargs):
    """Combine three inputs into a result for case {index}.

    Args:
        alpha: The first input.
        {second}: The second input.
        gamma: An optional third input.
        *args: Extra positional inputs.
        **kwargs: Extra options.

    Returns:
        The combined value.

    Raises:
        ValueError: When alpha is negative.
    """
    if alpha < 0:
        raise ValueError("alpha must not be negative")
    total = alpha + beta
    for extra in args:
        total += extra
    if gamma is not None:
        total *= gamma
    return total
'''


def git(cwd: Path, *args: str) -> None:
    """Run git quietly with a fixed identity.

    Args:
        cwd: The repository.
        *args: Git arguments.
    """
    subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", *args],
        cwd=cwd, check=True, capture_output=True,
    )


def make_repo(root: Path, files: int, functions: int) -> list[Path]:
    """Create a repository with a committed base and a staged change to `files` files.

    Args:
        root: An empty directory.
        files: How many files the change touches.
        functions: Functions per file.

    Returns:
        The changed files.
    """
    git(root, "init", "-q")
    package = root / "pkg"
    package.mkdir()
    paths = [package / f"module_{number}.py" for number in range(files)]
    for path in paths:
        path.write_text('"""Generated module."""\n')
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    for file_number, path in enumerate(paths):
        body = "".join(
            FUNCTION.format(
                name=f"combine_{file_number}_{index}",
                index=index,
                # Every seventh function documents a parameter that does not exist.
                second="beta" if index % 7 else "betta",
            )
            for index in range(functions)
        )
        path.write_text('"""Generated module."""\n' + body)
    git(root, "add", "-A")
    return paths


DRIFT_UNIT = '''

def fetch_{index}(url, retries={retries}, timeout={timeout}):
    """Fetch a URL for client {index}, retrying failed attempts.

    Tries up to {documented} times and waits 5 seconds between attempts.

    Args:
        url: Where to fetch from.
        retries: How many attempts to make.
        timeout: Seconds to wait for each attempt.

    Returns:
        The response body.
    """
    last = None
    for attempt in range(retries):
        try:
            return download(url, timeout=timeout)
        except OSError as error:
            last = error
            {pause}
    raise ConnectionError(f"gave up on {{url}}") from last
'''


def make_drift_repo(root: Path, units: int) -> None:
    """Create a repository whose staged change edits the bodies of `units` documented functions.

    Half the edits contradict the unchanged docstring (a new default retry count, no pause);
    the other half only rename a local wait. CA201 scores every one of them.

    Args:
        root: An empty directory.
        units: How many functions the change edits.
    """
    git(root, "init", "-q")
    path = root / "client.py"

    def source(changed: bool) -> str:
        parts = ['"""Generated client."""\n\nfrom time import sleep\n\nfrom net import download\n']
        for index in range(units):
            stale = changed and index % 2 == 0
            parts.append(DRIFT_UNIT.format(
                index=index, documented=3, retries=7 if stale else 3, timeout=10,
                pause="pass" if stale else ("sleep(5.0)" if changed else "sleep(5)")))
        return "".join(parts)

    path.write_text(source(False))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    path.write_text(source(True))
    git(root, "add", "-A")


def best_time(command: list[str], cwd: Path, env: dict[str, str], repeat: int, before=None) -> float:
    """Return the best wall time of `repeat` runs of a command.

    Args:
        command: The command line.
        cwd: Where to run it.
        env: Its environment.
        repeat: How many runs.
        before: Called before each run (to empty a cache).

    Returns:
        Seconds.
    """
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()[:300]}")
    return min(times)


def main() -> None:
    """Build the repository, time each tool, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--functions", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--drift-units", type=int, default=10, help="changed documented units for CA201 (0: skip)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory) / "repo"
        root.mkdir()
        cache = Path(directory) / "cache"
        paths = make_repo(root, args.files, args.functions)
        relative = [str(p.relative_to(root)) for p in paths]
        env = {**os.environ, "CODEASSIST_CACHE_DIR": str(cache), "OMP_WAIT_POLICY": "PASSIVE"}
        review = [str(BIN / "codeassist"), "review", "--staged"]
        check = [str(BIN / "codeassist"), "check", *relative]
        pydoclint = [str(BIN / "pydoclint"), "--style=google", "--quiet", *relative]

        def clear() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        rows = []
        baseline = None
        if shutil.which(pydoclint[0]):
            baseline = best_time(pydoclint, root, env, args.repeat)
            rows.append(("pydoclint (10 files)", baseline))
        rows.append(("codeassist review --staged, cold cache", best_time(review, root, env, args.repeat, clear)))
        subprocess.run(review, cwd=root, env=env, capture_output=True, check=False)
        rows.append(("codeassist review --staged, warm cache", best_time(review, root, env, args.repeat)))
        rows.append(("codeassist check (same files), warm", best_time(check, root, env, args.repeat)))
        findings = subprocess.run(review + ["--format", "json"], cwd=root, env=env, capture_output=True, text=True)
        drift_findings = None
        if args.drift_units:
            drift_root = Path(directory) / "drift"
            drift_root.mkdir()
            make_drift_repo(drift_root, args.drift_units)
            label = f"review --staged, {args.drift_units} changed units (CA201)"
            rows.append((f"{label}, cold", best_time(review, drift_root, env, args.repeat, clear)))
            rows.append((f"{label}, warm", best_time(review, drift_root, env, args.repeat)))
            drift_findings = subprocess.run(review + ["--format", "json"], cwd=drift_root, env=env,
                                            capture_output=True, text=True)

    print(f"review latency: {args.files} staged files x {args.functions} functions, best of {args.repeat}")
    print(f"{'tool':<42} {'seconds':>8} {'vs pydoclint':>13}")
    for name, seconds in rows:
        ratio = f"{seconds / baseline:.2f}x" if baseline else "n/a"
        print(f"{name:<42} {seconds:>8.3f} {ratio:>13}")
    import json

    count = len(json.loads(findings.stdout)["findings"]) if findings.stdout else 0
    print(f"codeassist review findings: {count}")
    if drift_findings is not None:
        found = json.loads(drift_findings.stdout)["findings"] if drift_findings.stdout else []
        ca201 = sum(1 for finding in found if finding.get("rule") == "CA201")
        skipped = " (CA201 skipped: " + drift_findings.stderr.strip()[:200] + ")" if "CA201" in drift_findings.stderr else ""
        print(f"CA201 findings on the {args.drift_units}-unit change: {ca201}{skipped}")


if __name__ == "__main__":
    main()
