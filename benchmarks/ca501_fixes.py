"""CA501 on real bug fixes: the code before a Debian patch that says it fixes a bug, and after it.

Data: `debian/patches/` of the Python source packages that training/data/mine_commits.py
downloads (`--cache`, every `.debian.tar.xz` there). A patch is kept when its subject (or,
without one, its file name) says it fixes a bug (FIXES: fix/fixed, bug, crash, incorrect,
wrong, regression, exception, `...Error`, broken, leak, overflow, hang, infinite loop,
CVE, vulnerability, security, injection, traversal, bypass, DoS, handle, prevent, escape), or
its body cites one ("Fixes: #12", "Closes-Bug", a CVE id), and nothing in its subject or name
makes it a build, packaging, test, doc, typo, Python-port or dependency-version change
(NOT_A_FIX), nor does the subject start with remove/drop/disable/skip/revert. Of such a patch,
hunks in Python files that are not tests (`test` in a path part, `conftest.py`), `setup.py`
or docs are kept when they remove 1-`--max-removed` lines (at least one of them code, not a
comment) and add 1-`--max-added`; a patch with more than MAX_HUNKS such hunks is a refactor
and is dropped. Identical hunks (a patch carried in two suites) count once; `--n` are sampled.

Each hunk is shown to CA501 twice, as `codeassist review --llm` shows a change
(`hunkview.render_hunk`, at most MAX_VIEW_LINES lines): the BUGGY view is the patch reversed
(context plus the removed lines, marked added, numbered from the old side) and the FIXED view
is the patch (context plus the added lines, numbered from the new side). Both go through the
shipped located review (line head + review adapter, the call `llm_review.real_commits`
makes). A comment on a buggy view (always on one of its added, buggy lines) is a true
positive; a comment on a fixed view is a false positive. Precision = TP / comments (a
reviewer that cannot tell the two sides apart scores 0.5: half the views are buggy), recall =
TP / buggy views, false positives per 1000 added lines shown over both views. The head's
threshold is swept on each view's best-line score, read in a second pass of the line head.

    OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE HF_HUB_OFFLINE=1 python benchmarks/ca501_fixes.py [--n 150]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import NamedTuple

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from codeassist.changes.hunkview import MAX_VIEW_LINES, render_hunk, shown_lines  # noqa: E402
from codeassist.heads.llm_review.comments import MAX_VIEW_CHARS  # noqa: E402
from training.data.mine_commits import _strip_prefix, parse_patch, patches  # noqa: E402

CACHE = "~/.cache/codeassist-data/debian/tarballs"
MAX_HUNKS = 3  # more small hunks in one patch: a refactor or a port, not one fix
THRESHOLDS = (0.3, 0.5, 0.7, 0.8, 0.9)
FIXES = re.compile(
    r"\b(fix(es|ed|ing)?|bug(s|fix)?|crash(es|ed|ing)?|incorrect(ly)?|wrong(ly)?|regressions?|exceptions?|"
    r"\w*error|broken|mistake|leaks?|overflows?|hang(s|ing)?|infinite loop|race|deadlock|cve[- ]?\d+|"
    r"vulnerab\w*|security|injection|traversal|bypass|dos|redos|smuggling|handle|prevent|escape)\b", re.I)
CITES_A_FIX = re.compile(r"\b(fixes|fixed|closes-bug)(-bug)?:?\s*(#|lp\b|bug|cve|https?://|\d)|\bcve-\d{4}-\d+", re.I)
_DEPENDENCIES = (r"python|py|django|numpy|scipy|pandas|sphinx|setuptools|pytest|openssl|pylint|cython|llvm|"
                 r"gcc|qt|pyqt\d?|sqlalchemy|matplotlib|ansible|reproject")
NOT_A_FIX = re.compile(
    r"\b(build\w*|ftbfs|compil\w*|setup\.py|setuptools|cmake|makefile|packag\w*|debian|lintian|interpreter|"
    r"she+bang|multiarch|soabi|arch|architectures?|vendor\w*|bundled|pip|"
    r"docs?|documentation|docstrings?|sphinx|typos?|spelling|misspel\w*|examples?|"
    r"testsuite|xfail|flaky|autopkgtest|"
    r"py3k?|2to3|six|distutils|compat\w*|deprecat\w*|warnings?|port(ed|ing)? to|porting|"
    r"imports?|importing|work(s|ing)? ?around|git|"
    r"reproducib\w*|timestamps?|privacy|whitespace|tabs|indentation)\b"
    rf"|\w*(?<!la)test\w*|\b(new(er)?|latest)\s+({_DEPENDENCIES})\b"
    rf"|\b({_DEPENDENCIES})[\s-]?(>=|<=|==|>|<)?\s*v?\d+(\.\d+)*\b"
    r"|^\s*(remov\w*|drop\w*|disabl\w*|skip\w*|revert\w*|partially revert|do not run|don'?t run)\b", re.I)
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


class Hunk(NamedTuple):
    """One hunk of a unified diff, with its context lines.

    Attributes:
        path: The file's path (the new side's, tree prefix stripped).
        old_start: The old side's number of the hunk's first line.
        new_start: The new side's number of the hunk's first line.
        lines: (marker, text) per line: " " context, "-" removed, "+" added.
    """

    path: str
    old_start: int
    new_start: int
    lines: tuple[tuple[str, str], ...]


class View(NamedTuple):
    """A hunk as CA501 is shown it.

    Attributes:
        kind: "buggy" (the code before the fix) or "fixed".
        path: The file's path.
        text: The rendered view.
        added: The line numbers shown as added.
    """

    kind: str
    path: str
    text: str
    added: frozenset[int]


def says_it_fixes_a_bug(message: str, name: str) -> bool:
    """Whether a patch's message says it fixes a bug in the code, not the build, tests or docs.

    Args:
        message: Its message (mine_commits' `parse_patch`: subject, blank line, body).
        name: Its file name under debian/patches/.

    Returns:
        True for a bug fix.
    """
    subject, _, body = message.partition("\n")
    subject = re.sub(r"^(\[[^\]]*\]\s*)+", "", subject)  # "[4.2.x] Fixed ...": a branch, not a version
    named = re.sub(r"[-_]+", " ", re.sub(r"^\d+[-_]|\.(patch|diff)$", "", PurePosixPath(name).name))
    said = subject or named
    if NOT_A_FIX.search(said) or NOT_A_FIX.search(named):
        return False
    return bool(FIXES.search(said) or FIXES.search(named) or CITES_A_FIX.search(body))


def is_source(path: str) -> bool:
    """Whether a path is a Python file CA501 should review here: not a test, setup.py or docs.

    Args:
        path: A repository-relative path.

    Returns:
        True for library and application code.
    """
    parts = [part.lower() for part in PurePosixPath(path).parts]
    return (path.endswith(".py") and not any("test" in part for part in parts)
            and parts[-1] not in ("conftest.py", "setup.py") and not any(p in ("doc", "docs") for p in parts))


def hunks(text: str) -> list[Hunk]:
    """Read a patch's hunks with their context lines.

    Args:
        text: A patch (format-patch, DEP-3 or plain unified diff).

    Returns:
        The hunks of files that exist on both sides, in order.
    """
    found: list[Hunk] = []
    path: str | None = None
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line.startswith("+++ ") and index > 1 and lines[index - 2].startswith("--- "):
            old, new = (part[4:].split("\t")[0].strip() for part in (lines[index - 2], line))
            path = None if "/dev/null" in (old, new) else _strip_prefix(old, new)
            continue
        header = _HUNK.match(line)
        if not header:
            continue
        old_left, new_left = int(header.group(2) or 1), int(header.group(4) or 1)
        body: list[tuple[str, str]] = []
        while (old_left > 0 or new_left > 0) and index < len(lines):
            line = lines[index]
            index += 1
            if line.startswith("\\"):  # "\ No newline at end of file"
                continue
            marker, code = (line[0], line[1:]) if line[:1] in ("-", "+", " ") else (" ", line)  # "": a stripped " "
            body.append((marker, code))
            old_left -= marker != "+"
            new_left -= marker != "-"
        if path is not None:
            found.append(Hunk(path, int(header.group(1)), int(header.group(3)), tuple(body)))
    return found


def views(hunk: Hunk) -> tuple[View, View]:
    """Show a hunk as CA501 would before and after the fix.

    Args:
        hunk: The fix's hunk.

    Returns:
        The buggy view (the removed lines shown as added, old numbering) and the fixed view
        (the added lines, new numbering), each at most MAX_VIEW_LINES lines.
    """
    shown = []
    for kind, dropped, marker, first in (("buggy", "+", "-", hunk.old_start), ("fixed", "-", "+", hunk.new_start)):
        kept = [(m, code) for m, code in hunk.lines if m != dropped][:MAX_VIEW_LINES]
        added = {number for number, (m, _) in enumerate(kept, first) if m == marker}
        shown.append(View(kind, hunk.path, render_hunk([code for _, code in kept], first, added), frozenset(added)))
    return shown[0], shown[1]


def is_small(hunk: Hunk, *, max_removed: int, max_added: int) -> bool:
    """Whether a hunk is a small change whose removed lines hold code.

    Args:
        hunk: The hunk.
        max_removed: The most removed lines.
        max_added: The most added lines.

    Returns:
        True for 1-max_removed removed lines, one of them code (not blank, not a comment),
        and 1-max_added added lines.
    """
    removed = [code for marker, code in hunk.lines if marker == "-"]
    added = sum(marker == "+" for marker, _ in hunk.lines)
    has_code = any(code.strip() and not code.strip().startswith("#") for code in removed)
    return 1 <= len(removed) <= max_removed and 1 <= added <= max_added and has_code


def fix_hunks(cache: Path, *, max_removed: int, max_added: int) -> tuple[list[tuple[str, Hunk]], Counter]:
    """Collect the small source hunks of the bug-fix patches in the cached tarballs.

    Args:
        cache: The directory of `.debian.tar.xz` files.
        max_removed: The most removed lines per hunk.
        max_added: The most added lines per hunk.

    Returns:
        (package, hunk) pairs, deduplicated, and the counts at each step.
    """
    counts: Counter = Counter()
    kept: dict[tuple, tuple[str, Hunk]] = {}
    packages: set[str] = set()
    for tarball in sorted(cache.glob("*.debian.tar.xz")):
        package = tarball.name.split("_")[0]
        counts["tarballs"] += 1
        packages.add(package)
        for name, text in patches(tarball.read_bytes()):
            counts["patches"] += 1
            message, _ = parse_patch(text)
            if not says_it_fixes_a_bug(message, name):
                continue
            counts["fix_patches"] += 1
            source = [h for h in hunks(text) if is_source(h.path)]
            counts["fix_source_hunks"] += len(source)
            small = [h for h in source if is_small(h, max_removed=max_removed, max_added=max_added)
                     and all(len(view.text) <= MAX_VIEW_CHARS for view in views(h))]  # wider: CA501 skips it
            if not small or len(small) > MAX_HUNKS:
                continue
            counts["small_hunks"] += len(small)
            for hunk in small:
                kept.setdefault(hunk.lines, (package, hunk))  # the same fix carried in two suites
    counts["packages"] = len(packages)
    counts["distinct_hunks"] = len(kept)
    counts["hunk_packages"] = len({package for package, _ in kept.values()})
    return list(kept.values()), counts


def score(outcomes: list[tuple[View, tuple[int, str, str] | None]]) -> dict[str, float]:
    """Precision, recall and false positives per 1000 added lines over buggy and fixed views.

    Args:
        outcomes: (view, kept comment or None) per view.

    Returns:
        The counts and rates.
    """
    true = sum(1 for view, kept in outcomes if kept and view.kind == "buggy" and kept[0] in view.added)
    comments = sum(1 for _, kept in outcomes if kept)
    false = comments - true
    bugs = sum(view.kind == "buggy" for view, _ in outcomes)
    lines = sum(len(view.added) for view, _ in outcomes)
    return {"tp": true, "fp": false, "comments": comments, "buggy_views": bugs,
            "fixed_views": len(outcomes) - bugs, "added_lines": lines,
            "precision": true / comments if comments else 0.0, "recall": true / bugs if bugs else 0.0,
            "fp_per_1000_lines": 1000 * false / max(lines, 1)}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table.

    Args:
        argv: Command-line arguments.

    Returns:
        0; 2 when no hunk was found or no line head is shipped.
    """
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--cache", type=Path, default=Path(CACHE), help="directory of .debian.tar.xz files")
    cli.add_argument("--n", type=int, default=150, help="hunks sampled (each reviewed buggy and fixed)")
    cli.add_argument("--seed", type=int, default=0)
    cli.add_argument("--max-removed", type=int, default=6)
    cli.add_argument("--max-added", type=int, default=6)
    cli.add_argument("--show", type=int, default=30, help="comments printed per view kind")
    args = cli.parse_args(argv)

    found, counts = fix_hunks(args.cache.expanduser(), max_removed=args.max_removed, max_added=args.max_added)
    if not found:
        print(f"no bug-fix hunks under {args.cache}: run training/data/mine_commits.py first", file=sys.stderr)
        return 2
    sample = random.Random(args.seed).sample(found, min(args.n, len(found)))
    counts["sampled"] = len(sample)
    counts["sampled_packages"] = len({package for package, _ in sample})

    import torch

    from codeassist.heads.llm_review.comments import located_review
    from codeassist.heads.llm_review.head import shipped_head
    from codeassist.heads.llm_review.score import score_lines
    from codeassist.llm import generation, models

    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "0")) or torch.get_num_threads())
    lm = models.load(None, "cpu")
    generation.attach_adapter(lm, "review")
    head = shipped_head()
    if head is None:
        print("no line head shipped: CA501's located review cannot run", file=sys.stderr)
        return 2
    review = located_review(lm, head)
    outcomes: list[tuple[View, tuple[int, str, str] | None]] = []
    best: list[tuple[int, float]] = []  # each view's best line and its probability, for the threshold sweep
    seconds = 0.0
    for number, (package, hunk) in enumerate(sample, 1):
        for view in views(hunk):
            started = time.perf_counter()
            kept = review(view.path, view.text, set(view.added))
            seconds += time.perf_counter() - started
            scored = score_lines(lm, head, view.path, view.text, set(view.added))
            outcomes.append((view, kept))
            best.append(scored[0] if scored else (-1, 0.0))
        if number % 10 == 0:
            print(f"{number}/{len(sample)} hunks in {seconds:.0f} s", file=sys.stderr)

    metrics = score(outcomes)
    metrics["seconds_per_view"] = seconds / len(outcomes)
    pairs = Counter((bool(outcomes[i][1]), bool(outcomes[i + 1][1])) for i in range(0, len(outcomes), 2))
    metrics["hunks_buggy_only"], metrics["hunks_fixed_only"] = pairs[(True, False)], pairs[(False, True)]
    metrics["hunks_both"] = pairs[(True, True)]
    print(f"{counts['tarballs']} tarballs ({counts['packages']} source packages), {counts['patches']} patches read; "
          f"{counts['fix_patches']} say they fix a bug, {counts['fix_source_hunks']} of their hunks in source "
          f"Python files, {counts['small_hunks']} small, {counts['distinct_hunks']} distinct "
          f"({counts['hunk_packages']} packages); {counts['sampled']} sampled ({counts['sampled_packages']} packages)")
    precision = f"{metrics['precision']:.2f}" if metrics["comments"] else "– (no comments)"
    print(f"| views | precision | recall | FP / 1000 added lines | comments on buggy (TP) | on fixed (FP) "
          f"| added lines | s / view |\n|---|---|---|---|---|---|---|---|\n"
          f"| {metrics['buggy_views']} buggy + {metrics['fixed_views']} fixed | {precision} | "
          f"{metrics['recall']:.3f} | {metrics['fp_per_1000_lines']:.1f} | {metrics['tp']} | {metrics['fp']} | "
          f"{metrics['added_lines']} | {metrics['seconds_per_view']:.1f} |")
    print(f"hunks commented on the buggy side only: {metrics['hunks_buggy_only']}, fixed side only: "
          f"{metrics['hunks_fixed_only']}, both: {metrics['hunks_both']}")
    sweep = {str(t): {k: round(v, 3) for k, v in score([(view, (line, "", "") if p >= t else None)
                                                         for (view, _), (line, p) in zip(outcomes, best)]).items()
                      if k in ("precision", "recall", "fp_per_1000_lines", "comments")} for t in THRESHOLDS}
    print(f"threshold sweep (shipped {head.threshold:.3f}); precision / recall / FP per 1000 lines / comments: "
          + "; ".join(f"{t}: {m['precision']:.2f}/{m['recall']:.2f}/{m['fp_per_1000_lines']:.0f}/{m['comments']:.0f}"
                      for t, m in sweep.items()))
    for kind in ("buggy", "fixed"):
        said = [(view, kept) for view, kept in outcomes if kept and view.kind == kind][: args.show]
        print(f"\ncomments on {kind} views ({len(said)} shown):")
        for view, (line, comment, suggestion) in said:
            print(f"  {view.path}:{line}: {shown_lines(view.text).get(line, '').strip()}\n      → {comment}"
                  + (f" Suggestion: `{suggestion}`" if suggestion else ""))
    print(json.dumps({"n": args.n, "seed": args.seed, "counts": dict(counts), **metrics, "sweep": sweep}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
