"""Review a pull request in CI: fetch the history the merge base needs, run `codeassist review`.

The GitHub Action (`action.yml`) runs this script, and so can any other CI:

    python scripts/ci_review.py --base origin/main --format sarif --output codeassist.sarif

It exits 0 when no finding reaches `--fail-level`, 1 when one does, and 2 when the review
could not run (unknown base, history that cannot be fetched, a codeassist error), so a red
step always means the same thing whatever the format. On GitHub it also writes the outputs
`report` and `findings` to `$GITHUB_OUTPUT`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from codeassist.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, CodeassistError

FORMATS = ("sarif", "github", "rdjsonl")
# Severity ranks; a finding fails the run when its rank reaches the fail level's.
RANKS = {"info": 1, "warning": 2, "error": 3}
FAIL_LEVELS = ("error", "warning", "info", "never")
# How each format spells codeassist's severities.
SARIF_LEVELS = {"note": "info", "warning": "warning", "error": "error"}
RDJSONL_SEVERITIES = {"INFO": "info", "WARNING": "warning", "ERROR": "error"}
GITHUB_COMMANDS = {"notice": "info", "warning": "warning", "error": "error"}
# A finding's workflow command has properties (`::error file=...::`); the overflow notice
# (`::notice::...`) has none and is not a finding.
GITHUB_FINDING = re.compile(r"^::(error|warning|notice) file=")
# Deepen a shallow clone this many commits at a time, doubling, before unshallowing.
FIRST_DEEPEN = 50
DEEPEN_TRIES = 4
SHALLOW_FIX = "check out with actions/checkout `fetch-depth: 0`, or run `git fetch --unshallow`"


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, make the merge base available, review and map the exit code.

    Args:
        argv: The arguments (None: `sys.argv[1:]`).

    Returns:
        0 when no finding reaches the fail level, 1 when one does, 2 on an error.
    """
    args = parse_args(argv)
    try:
        return run(base=args.base, format=args.format, output=args.output, fail_level=args.fail_level,
                   remote=args.remote, fetch=args.fetch, extra=tuple(shlex.split(args.args)))
    except CodeassistError as exc:
        print(f"codeassist-ci: error: {exc}", file=sys.stderr)
        return EXIT_ERROR


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Return the parsed command line.

    Args:
        argv: The arguments (None: `sys.argv[1:]`).

    Returns:
        The namespace, with `output` defaulted from the format.
    """
    parser = argparse.ArgumentParser(prog="ci_review.py", description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the ref or commit the pull request merges into")
    parser.add_argument("--format", choices=FORMATS, default="sarif")
    parser.add_argument("--output", type=Path, default=None,
                        help="the report file (default: codeassist.sarif / codeassist.rdjsonl; "
                             "github: stdout only)")
    parser.add_argument("--fail-level", choices=FAIL_LEVELS, default="warning",
                        help="the lowest severity that fails the run (default: warning)")
    parser.add_argument("--remote", default="origin", help="where missing history is fetched from")
    parser.add_argument("--no-fetch", dest="fetch", action="store_false",
                        help="never fetch; stop with advice when the merge base is missing")
    parser.add_argument("--args", default="", help="more `codeassist review` flags, shell-quoted; write --args=... when they start with -")
    args = parser.parse_args(argv)
    if args.output is None and args.format != "github":
        args.output = Path(f"codeassist.{args.format}")
    return args


def run(*, base: str, format: str, output: Path | None, fail_level: str, remote: str = "origin",
        fetch: bool = True, extra: tuple[str, ...] = ()) -> int:
    """Review the changes since the merge base of `base` and HEAD in the current repository.

    Args:
        base: The ref or commit the pull request merges into.
        format: "sarif", "github" or "rdjsonl".
        output: The report file; None prints it (github only).
        fail_level: "error", "warning", "info" or "never".
        remote: The remote to fetch missing history from.
        fetch: Whether missing history may be fetched.
        extra: More `codeassist review` arguments.

    Returns:
        0 when no finding reaches the fail level, 1 when one does, 2 when codeassist failed.

    Raises:
        CodeassistError: When no base is given or the merge base cannot be made available.
    """
    if not base.strip():
        raise CodeassistError("no base to compare with (this is not a pull_request event)",
                              "pass the base ref or commit, e.g. `base: origin/main`")
    ensure_merge_base(base, remote=remote, fetch=fetch)
    command = [sys.executable, "-m", "codeassist", "review", "--base", base, "--format", format,
               "--exit-zero", *extra]
    if output is not None:
        command += ["--output", str(output)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    sys.stderr.write(done.stderr)
    if done.returncode != EXIT_CLEAN:
        return EXIT_ERROR  # codeassist already said why in one line on stderr
    report = output.read_text(encoding="utf-8") if output is not None else done.stdout
    if format == "github":
        sys.stdout.write(report)  # workflow commands become annotations only on stdout
    severities = finding_severities(format, report)
    failing = [s for s in severities if fail_level != "never" and RANKS[s] >= RANKS[fail_level]]
    set_github_outputs(report=str(output or ""), findings=str(len(severities)), failing=str(len(failing)))
    print(f"codeassist-ci: {len(severities)} findings, {len(failing)} at or above fail level "
          f"{fail_level}", file=sys.stderr)
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def finding_severities(format: str, report: str) -> list[str]:
    """Return the severity ("error", "warning", "info") of every finding in a rendered report.

    Args:
        format: The report's format.
        report: The report's text.

    Returns:
        One severity per finding, in report order.

    Raises:
        CodeassistError: When the report cannot be read in its format.
    """
    try:
        if format == "sarif":
            log = json.loads(report)
            return [SARIF_LEVELS[r.get("level", "warning")] for run in log["runs"] for r in run["results"]]
        if format == "rdjsonl":
            lines = [json.loads(line) for line in report.splitlines() if line.strip()]
            return [RDJSONL_SEVERITIES[d["severity"]] for d in lines]
        return [GITHUB_COMMANDS[m.group(1)] for line in report.splitlines()
                if (m := GITHUB_FINDING.match(line))]
    except (ValueError, KeyError, TypeError) as exc:
        raise CodeassistError(f"the {format} report could not be read ({exc})",
                              "please report it with the report file") from None


def ensure_merge_base(base: str, *, remote: str, fetch: bool) -> None:
    """Make `base` and its merge base with HEAD present, fetching from `remote` if allowed.

    A shallow clone (actions/checkout's default `fetch-depth: 1`) has neither: the base is
    fetched, then both histories are deepened a few times, then unshallowed as a last resort.

    Args:
        base: The ref or commit the pull request merges into.
        remote: The remote to fetch from.
        fetch: Whether fetching is allowed.

    Raises:
        CodeassistError: When the merge base is still missing.
    """
    if has_merge_base(base):
        return
    shallow = is_shallow()
    if not fetch:
        where = "this shallow clone" if shallow else "this clone"
        raise CodeassistError(f"the merge base of {base} and HEAD is not in {where}", SHALLOW_FIX)
    wanted = [fetch_refspec(base, remote), git("rev-parse", "HEAD").stdout.strip()]
    if not resolves(base):
        depth = [f"--depth={FIRST_DEEPEN}"] if shallow else []
        fetch_from(remote, *depth, wanted[0], fix=f"check that {base} names a branch or commit of {remote}")
    depth = FIRST_DEEPEN
    for _ in range(DEEPEN_TRIES):
        if has_merge_base(base) or not is_shallow():
            break
        fetch_from(remote, f"--deepen={depth}", *wanted)
        depth *= 2
    if not has_merge_base(base) and is_shallow():
        fetch_from(remote, "--unshallow", *wanted)
    if not has_merge_base(base):
        raise CodeassistError(f"{base} and HEAD have no common history, even after fetching",
                              "check the base ref, or review a range with `codeassist review --range A..B`")


def fetch_refspec(base: str, remote: str) -> str:
    """Return what to fetch for `base`: a commit as is, `REMOTE/BRANCH` into its tracking ref.

    Args:
        base: The ref or commit.
        remote: The remote's name.

    Returns:
        A refspec for `git fetch REMOTE`.
    """
    prefix = f"{remote}/"
    if base.startswith(prefix):
        branch = base[len(prefix):]
        return f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}"
    return base


def fetch_from(remote: str, *args: str, fix: str = SHALLOW_FIX) -> None:
    """Run `git fetch --no-tags REMOTE ARGS`, printing what it does.

    Args:
        remote: The remote's name.
        *args: Options and refspecs.
        fix: What to tell the user when the fetch fails.

    Raises:
        CodeassistError: When the fetch fails.
    """
    print(f"codeassist-ci: git fetch --no-tags {remote} {' '.join(args)}", file=sys.stderr)
    done = git("fetch", "--no-tags", "--quiet", remote, *args)
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"
        raise CodeassistError(f"could not fetch the history the merge base needs ({reason})", fix)


def has_merge_base(base: str) -> bool:
    """Return whether `base` resolves and has a merge base with HEAD here."""
    return resolves(base) and git("merge-base", base, "HEAD").returncode == 0


def resolves(rev: str) -> bool:
    """Return whether `rev` names a commit present in this repository."""
    return git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").returncode == 0


def is_shallow() -> bool:
    """Return whether the current repository is a shallow clone."""
    return git("rev-parse", "--is-shallow-repository").stdout.strip() == "true"


def git(*args: str) -> subprocess.CompletedProcess[str]:
    """Run git in the current directory and capture its output (never raises on failure)."""
    return subprocess.run(["git", *args], capture_output=True, text=True, check=False)


def set_github_outputs(**values: str) -> None:
    """Append step outputs to `$GITHUB_OUTPUT` when running on GitHub Actions.

    Args:
        **values: Output name → single-line value.
    """
    path = os.environ.get("GITHUB_OUTPUT")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as outputs:
        outputs.writelines(f"{name}={value}\n" for name, value in values.items())


if __name__ == "__main__":
    raise SystemExit(main())
