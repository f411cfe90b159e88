"""Benchmark the static CA1xx rules beside pydoclint and docsig, in one run.

    .venv/bin/python benchmarks/static_rules.py [--modules 150] [--repeat 3] [--seed 0]

Three parts, all printed (ratios matter, not absolute times: these machines are shared):

(a) speed: each tool as one process over the same ~150 standard-library modules (copied to a
    temporary directory, so every tool sees identical files and no project config); best of
    `--repeat` wall times, and the ratio to pydoclint.
(b) quality on mutations: functions whose docstrings document exactly their parameters in a
    structured style (Google, NumPy, Sphinx) are taken from the standard library and from a
    second, real source (installed packages); each is written out unchanged (a negative case)
    and mutated: a parameter renamed, removed or added in the signature, and the returned
    values dropped when a return value is documented (positive cases). Each tool runs once over
    all case files (pydoclint once per docstring style, since it has no style detection);
    precision, recall per mutation kind and the false-positive rate on originals are printed
    per source.
(c) precision on real code: `codeassist check --select CA1` over the whole standard library;
    findings per rule, and a seeded sample with docstring excerpts written to
    benchmarks/results/stdlib_sample.md together with the verdicts in `VERDICTS` below.
"""

from __future__ import annotations

import argparse
import ast
import collections
import copy
import json
import os
import random
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
STDLIB = Path(sysconfig.get_paths()["stdlib"])
SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"])
SAMPLE_FILE = HERE / "results" / "stdlib_sample.md"

# Directories that hold tests, fixtures in old syntax, or third-party code, never stdlib modules.
NOT_STDLIB = frozenset({"test", "tests", "idle_test", "site-packages", "__pycache__"})
# The speed set also leaves out the two big GUI/legacy-tool packages, as in the brief.
NOT_IN_SPEED_SET = NOT_STDLIB | {"idlelib", "lib2to3"}
SPEED_PACKAGES = (
    "asyncio", "collections", "concurrent", "email", "http", "importlib", "json", "logging",
    "multiprocessing", "sqlite3", "unittest", "urllib", "xml", "xmlrpc", "zoneinfo",
)
# The second source of real functions: installed packages with structured docstrings.
SECOND_SOURCES = ("transformers", "datasets", "pydoclint", "rich")
PER_FILE_CAP = 3  # functions taken from one file of the second source (model files repeat)

KINDS = ("rename", "remove", "add", "drop_return")
ADDED_NAME = "extra_option"
RENAME_SUFFIX = "_renamed"

# Only the parameter/return checks count. pydoclint runs with its type checks off (codeassist
# does not compare types); DOC201 and SIG503 ("return value not documented") and SIG501
# ("cannot tell") are completeness warnings, not contradictions, and no mutation creates them;
# parameter order (DOC104 is switched off, SIG402) is not a contradiction either.
CODEASSIST_CODES = frozenset({"CA101", "CA102", "CA103"})
PYDOCLINT_CODES = frozenset({"DOC101", "DOC102", "DOC103", "DOC104", "DOC105", "DOC202", "DOC203"})
DOCSIG_CODES = frozenset({"SIG201", "SIG202", "SIG203", "SIG403", "SIG404", "SIG502"})
PYDOCLINT_FLAGS = (
    "--quiet", "--show-filenames-in-every-violation-message", "True",
    "--arg-type-hints-in-signature", "False", "--arg-type-hints-in-docstring", "False",
    "--check-return-types", "False", "--check-yield-types", "False",
    "--check-arg-order", "False", "--check-class-attributes", "False",
    "--omit-stars-when-documenting-varargs", "True", "--allow-init-docstring", "True",
    "--skip-checking-raises", "True",
)
# docsig skips private, dunder and __init__ methods by default; the cases include them.
DOCSIG_FLAGS = (
    "--no-ansi", "--check-protected", "--check-protected-class-methods", "--check-dunders",
    "--check-class-constructor", "--check-overridden", "--check-nested",
)
NEUTRAL_PYPROJECT = "[tool.pydoclint]\nquiet = true\n"

# Verdicts on the stdlib sample (Python 3.11.7), read by a person: key → (TP/FP, reason).
# The key is `_verdict_key`: rule, path:line, the names quoted in the message.
VERDICTS: dict[str, tuple[str, str]] = {
    'CA102 cgi.py:199 separator/parse_multipart': (
        'TP', '`separator` was added to the signature; the unindented Arguments list stops at encoding, errors',
    ),
    'CA102 turtle.py:1350 add/TurtleScreen.onclick': (
        'TP', '`add` is in the signature; the Arguments list names only fun and btn',
    ),
    'CA102 turtle.py:3562 add/RawTurtle.onrelease': (
        'TP', '`add` is in the signature; the Arguments list names only fun and btn',
    ),
    'CA102 turtle.py:3587 add/RawTurtle.ondrag': (
        'TP', '`add` is in the signature; the Arguments list names only fun and btn',
    ),
    'CA102 concurrent/futures/_base.py:583 iterables/Executor.map': (
        'TP', '`*iterables` has no Args entry; only fn, timeout and chunksize are listed',
    ),
    'CA102 concurrent/futures/process.py:225 max_tasks/_process_worker': (
        'TP', '`max_tasks` was added to the signature, the Args list stops at initargs',
    ),
    'CA102 concurrent/futures/process.py:813 iterables/ProcessPoolExecutor.map': (
        'TP', '`*iterables` has no Args entry',
    ),
    'CA104 concurrent/futures/process.py:813 ProcessPoolExecutor.map/ValueError': (
        'TP', "`raise ValueError('chunksize must be >= 1.')` in the body; Raises lists TimeoutError and Exception only",
    ),
    'CA102 idlelib/browser.py:74 _htest/ModuleBrowser.__init__': (
        'FP', 'documented as `_htest - bool; ...` (a `name - description` entry the parser does not read)',
    ),
    'CA102 idlelib/browser.py:74 _utest/ModuleBrowser.__init__': (
        'FP', 'documented as `-utest - bool; ...` (same dash form, with a typo in the name)',
    ),
    'CA102 idlelib/replace.py:14 insert_tags/replace': (
        'TP', '`insert_tags` is not in Args (only `text`)',
    ),
    'CA102 idlelib/replace.py:54 insert_tags/ReplaceDialog.open': (
        'TP', '`insert_tags` is not in Args (only `text`)',
    ),
    'CA102 ipaddress.py:57 strict/ip_network': (
        'TP', '`strict` is not in Args (only `address`)',
    ),
    'CA104 ipaddress.py:796 _BaseNetwork.address_exclude/AssertionError': (
        'FP', "`raise AssertionError('Error performing exclusion...')` marks an internal bug, not something callers handle",
    ),
    'CA102 ipaddress.py:982 new_prefix/_BaseNetwork.supernet': (
        'TP', '`new_prefix` appears only inside the Raises text, not in Args',
    ),
    'CA102 ipaddress.py:1475 strict/IPv4Network.__init__': (
        'TP', '`strict` appears only inside the Raises text, not in Args',
    ),
    'CA101 ipaddress.py:1825 ip_str/_BaseV6._explode_shorthand_ip_string': (
        'TP', 'stale: the method takes only self (it reads str(self)), Args still documents ip_str',
    ),
    'CA104 selectors.py:21 _fileobj_to_fd/ValueError': (
        'FP', 'Raises says `ValueError if the object is invalid` (an entry without a colon, not read as ValueError)',
    ),
    'CA102 subprocess.py:749 creationflags/Popen': (
        'FP', 'documented as `startupinfo and creationflags (Windows only)`: an entry without a colon naming two parameters',
    ),
    'CA102 subprocess.py:749 encoding/Popen': (
        'FP', 'documented in the combined entry `encoding and errors: ...`',
    ),
    'CA102 subprocess.py:749 errors/Popen': (
        'FP', 'documented in the combined entry `encoding and errors: ...`',
    ),
    'CA102 subprocess.py:749 extra_groups/Popen': (
        'FP', 'documented as the bare entry `extra_groups (POSIX only)` (no colon)',
    ),
    'CA102 subprocess.py:749 group/Popen': (
        'FP', 'documented as the bare entry `group (POSIX only)` (no colon)',
    ),
    'CA102 subprocess.py:749 pass_fds/Popen': (
        'FP', 'documented as the bare entry `pass_fds (POSIX only)` (no colon)',
    ),
    'CA102 subprocess.py:749 pipesize/Popen': (
        'TP', "`pipesize` is in __init__'s signature and nowhere in the class docstring's Arguments",
    ),
    'CA102 subprocess.py:749 process_group/Popen': (
        'FP', 'documented as the bare entry `process_group (POSIX only)` (no colon)',
    ),
    'CA102 subprocess.py:749 restore_signals/Popen': (
        'FP', 'documented as the bare entry `restore_signals (POSIX only)` (no colon)',
    ),
    'CA102 subprocess.py:749 start_new_session/Popen': (
        'FP', 'documented as the bare entry `start_new_session (POSIX only)` (no colon)',
    ),
    'CA102 subprocess.py:749 startupinfo/Popen': (
        'FP', 'documented as `startupinfo and creationflags (Windows only)`: an entry without a colon naming two parameters',
    ),
    'CA102 subprocess.py:749 stderr/Popen': (
        'FP', 'documented in the combined entry `stdin, stdout and stderr: ...`',
    ),
    'CA102 subprocess.py:749 stdin/Popen': (
        'FP', 'documented in the combined entry `stdin, stdout and stderr: ...`',
    ),
    'CA102 subprocess.py:749 stdout/Popen': (
        'FP', 'documented in the combined entry `stdin, stdout and stderr: ...`',
    ),
    'CA102 subprocess.py:749 umask/Popen': (
        'FP', 'documented as the bare entry `umask (POSIX only)` (no colon)',
    ),
    'CA102 subprocess.py:749 user/Popen': (
        'FP', 'documented as the bare entry `user (POSIX only)` (no colon)',
    ),
    'CA102 traceback.py:261 colno/FrameSummary.__init__': (
        'TP', '`colno` is in no :param: line and not in the class docstring',
    ),
    'CA102 traceback.py:261 end_colno/FrameSummary.__init__': (
        'TP', '`end_colno` is in no :param: line and not in the class docstring',
    ),
    'CA102 traceback.py:261 end_lineno/FrameSummary.__init__': (
        'TP', '`end_lineno` is in no :param: line and not in the class docstring',
    ),
    'CA102 traceback.py:261 filename/FrameSummary.__init__': (
        'TP', "not in __init__'s :param: list (the class docstring describes `filename` only as an :attr:); borderline",
    ),
    'CA102 traceback.py:261 lineno/FrameSummary.__init__': (
        'TP', "not in __init__'s :param: list (the class docstring describes `lineno` only as an :attr:); borderline",
    ),
    'CA102 traceback.py:261 name/FrameSummary.__init__': (
        'TP', "not in __init__'s :param: list (the class docstring describes `name` only as an :attr:); borderline",
    ),
}

_GOOGLE_PARAMS = re.compile(r"^(\s*)(Args|Arguments|Parameters|Params):\s*$")
_GOOGLE_OTHER = re.compile(r"^\s*(Keyword Args|Keyword Arguments|Kwargs|Other Parameters):\s*$")
_GOOGLE_ENTRY = re.compile(r"^\s*(\*{0,2}[A-Za-z_]\w*)\s*(\([^)]*\))?\s*:")
_GOOGLE_RETURNS = re.compile(r"^\s*Returns?:")
_GOOGLE_YIELDS = re.compile(r"^\s*Yields?:")
_NUMPY_ENTRY = re.compile(r"^\s*(\*{0,2}[A-Za-z_]\w*(?:\s*,\s*\*{0,2}[A-Za-z_]\w*)*)\s*(:.*)?$")
_SPHINX_PARAM = re.compile(r":param\s+(?:[^:]*\s)?(\*{0,2}[A-Za-z_]\w*)\s*:")
_SPHINX_RETURNS = re.compile(r":returns?:")
_SPHINX_OTHER = re.compile(r":(keyword|kwarg|yields?)\b")
_DASHES = re.compile(r"^\s*-{3,}\s*$")


class DocParams(NamedTuple):
    """What a docstring documents, as this benchmark reads it (independently of codeassist).

    Attributes:
        style: "google", "numpy" or "sphinx".
        names: Documented parameter names, stars stripped, in order.
        returns: Whether a return value is documented.
    """

    style: str
    names: tuple[str, ...]
    returns: bool


class Target(NamedTuple):
    """A function chosen for mutation.

    Attributes:
        source: "stdlib" or the second source's label.
        origin: Where it came from, `path:line qualname`.
        style: Its docstring style.
        module: A standalone module holding only the function (a method keeps a bare class).
    """

    source: str
    origin: str
    style: str
    module: str


class Case(NamedTuple):
    """One file for the quality benchmark.

    Attributes:
        rel: Path relative to the cases root.
        source: Which source the function came from.
        kind: "original" or a mutation kind.
        origin: The function's origin.
    """

    rel: str
    source: str
    kind: str
    origin: str


class Tool(NamedTuple):
    """A checker run as a process.

    Attributes:
        name: Its display name.
        exe: The executable, or None when it is not installed.
    """

    name: str
    exe: str | None


# --------------------------------------------------------------------------- docstrings


def documented_params(doc: str) -> DocParams | None:
    """Read the parameter section of a docstring in exactly one structured style.

    Args:
        doc: A cleaned docstring (`ast.get_docstring`).

    Returns:
        The style, documented names and whether a return value is documented; None when the
        docstring has no parameter section, mixes styles, has a keyword-arguments or yields
        section, or has a section this reader cannot parse.
    """
    lines = doc.splitlines()
    found = [
        parsed
        for parsed in (_google(lines), _numpy(lines), _sphinx(doc))
        if parsed is not None
    ]
    if len(found) != 1 or not found[0].names:
        return None
    if len(set(found[0].names)) != len(found[0].names):
        return None
    return found[0]


def _google(lines: list[str]) -> DocParams | None:
    starts = [i for i, line in enumerate(lines) if _GOOGLE_PARAMS.match(line)]
    if not starts:
        return None
    if len(starts) > 1 or any(_GOOGLE_OTHER.match(line) or _GOOGLE_YIELDS.match(line) for line in lines):
        return DocParams("google", (), False)  # ambiguous: rejected by the caller
    start = starts[0]
    header_indent = len(lines[start]) - len(lines[start].lstrip())
    names: list[str] = []
    entry_indent = None
    for line in lines[start + 1:]:
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if indent <= header_indent:
            break
        if entry_indent is None:
            entry_indent = indent
        if indent < entry_indent:
            return DocParams("google", (), False)
        if indent == entry_indent:
            match = _GOOGLE_ENTRY.match(line)
            if match is None:
                return DocParams("google", (), False)
            names.append(match.group(1).lstrip("*"))
    returns = any(_GOOGLE_RETURNS.match(line) for line in lines)
    return DocParams("google", tuple(names), returns)


def _numpy_headers(lines: list[str]) -> list[tuple[int, str]]:
    return [
        (i, lines[i].strip())
        for i in range(len(lines) - 1)
        if lines[i].strip() and _DASHES.match(lines[i + 1])
    ]


def _numpy(lines: list[str]) -> DocParams | None:
    headers = _numpy_headers(lines)
    titles = [title for _, title in headers]
    if "Parameters" not in titles:
        return None
    if {"Other Parameters", "Keyword Arguments", "Yields", "Receives"} & set(titles):
        return DocParams("numpy", (), False)
    start = titles.index("Parameters")
    first = headers[start][0] + 2
    end = headers[start + 1][0] if start + 1 < len(headers) else len(lines)
    header_indent = len(lines[headers[start][0]]) - len(lines[headers[start][0]].lstrip())
    names: list[str] = []
    for line in lines[first:end]:
        if not line.strip() or len(line) - len(line.lstrip()) > header_indent:
            continue
        match = _NUMPY_ENTRY.match(line)
        if match is None:
            return DocParams("numpy", (), False)
        names += [name.strip().lstrip("*") for name in match.group(1).split(",")]
    return DocParams("numpy", tuple(names), "Returns" in titles)


def _sphinx(doc: str) -> DocParams | None:
    names = [name.lstrip("*") for name in _SPHINX_PARAM.findall(doc)]
    if not names:
        return None
    if _SPHINX_OTHER.search(doc):
        return DocParams("sphinx", (), False)
    return DocParams("sphinx", tuple(names), bool(_SPHINX_RETURNS.search(doc)))


# --------------------------------------------------------------------------- functions

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def _decorator_names(func: FunctionNode) -> set[str]:
    names = set()
    for deco in func.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        names.add(target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", ""))
    return names


def _has_receiver(func: FunctionNode, in_class: bool) -> bool:
    return in_class and "staticmethod" not in _decorator_names(func)


def signature_names(func: FunctionNode, *, in_class: bool) -> list[str]:
    """Return the parameter names a docstring should document, stars stripped.

    Args:
        func: The function node.
        in_class: Whether it is a method (its first parameter is then the receiver, unless it
            is a staticmethod).

    Returns:
        The names in signature order.
    """
    args = func.args
    positional = [*args.posonlyargs, *args.args]
    if _has_receiver(func, in_class):
        positional = positional[1:]
    names = [a.arg for a in positional]
    if args.vararg is not None:
        names.append(args.vararg.arg)
    names += [a.arg for a in args.kwonlyargs]
    if args.kwarg is not None:
        names.append(args.kwarg.arg)
    return names


def _own_nodes(func: FunctionNode) -> Iterator[ast.AST]:
    """Walk a function body without entering nested functions, lambdas or classes."""
    stack = list(func.body)
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                stack.append(child)


def _returns_value(func: FunctionNode) -> bool:
    nodes = list(_own_nodes(func))
    if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in nodes):
        return False
    return any(
        isinstance(n, ast.Return)
        and n.value is not None
        and not (isinstance(n.value, ast.Constant) and n.value.value is None)
        for n in nodes
    )


def _is_stub(func: FunctionNode) -> bool:
    body = func.body[1:] if ast.get_docstring(func) is not None else func.body
    if not body:
        return True
    if len(body) != 1:
        return False
    only = body[0]
    if isinstance(only, ast.Pass) or (isinstance(only, ast.Expr) and isinstance(only.value, ast.Constant)):
        return True
    return isinstance(only, ast.Raise)


def _eligible(func: FunctionNode, *, in_class: bool) -> DocParams | None:
    doc = ast.get_docstring(func)
    if doc is None or _decorator_names(func) & {"overload", "abstractmethod"} or _is_stub(func):
        return None
    positional = [*func.args.posonlyargs, *func.args.args]
    if _has_receiver(func, in_class) and not positional:
        return None
    parsed = documented_params(doc)
    if parsed is None:
        return None
    if set(parsed.names) != set(signature_names(func, in_class=in_class)):
        return None
    return parsed


def standalone_module(func: FunctionNode, class_name: str | None) -> str:
    """Return a module holding only `func` (inside a bare `class_name:` when it is a method).

    Args:
        func: A function node from a parsed module.
        class_name: The enclosing class, or None for a module-level function.

    Returns:
        The module's source, as `ast.unparse` writes it (comments are lost; docstrings keep
        their text). Nested functions and classes lose their docstrings, so that every
        finding in the file is about `func` itself.
    """
    func = copy.deepcopy(func)
    for node in ast.walk(func):
        if node is not func and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if ast.get_docstring(node, clean=False) is not None:
                node.body = node.body[1:] or [ast.Pass()]
    body: list[ast.stmt] = [func]
    if class_name is not None:
        body = [ast.ClassDef(name=class_name, bases=[], keywords=[], body=[func], decorator_list=[])]
    return ast.unparse(ast.fix_missing_locations(ast.Module(body=body, type_ignores=[]))) + "\n"


def find_targets(path: Path, source: str, label: str) -> list[Target]:
    """Return the module-level functions and methods of one file that qualify for mutation.

    Args:
        path: The file.
        source: Its text.
        label: How it is named in the output (path relative to its source root).

    Returns:
        Targets in file order; an empty list when the file does not parse.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    found = []
    for node in tree.body:
        members: list[tuple[ast.stmt, str | None]] = [(node, None)]
        if isinstance(node, ast.ClassDef):
            members = [(child, node.name) for child in node.body]
        for member, class_name in members:
            if not isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            parsed = _eligible(member, in_class=class_name is not None)
            if parsed is None:
                continue
            qualname = f"{class_name}.{member.name}" if class_name else member.name
            found.append(Target(
                source="", origin=f"{label}:{member.lineno} {qualname}", style=parsed.style,
                module=standalone_module(member, class_name),
            ))
    return found


# --------------------------------------------------------------------------- mutations


def _target_function(tree: ast.Module) -> tuple[FunctionNode, bool]:
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return node, False
        if isinstance(node, ast.ClassDef):
            for child in node.body:
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    return child, True
    raise ValueError("the module holds no function")


def _all_args(func: FunctionNode, in_class: bool) -> list[ast.arg]:
    args = func.args
    positional = [*args.posonlyargs, *args.args]
    if _has_receiver(func, in_class):
        positional = positional[1:]
    stars = [a for a in (args.vararg, args.kwarg) if a is not None]
    return [*positional, *args.kwonlyargs, *stars]


def _rename(func: FunctionNode, in_class: bool, rng: random.Random) -> bool:
    args = _all_args(func, in_class)
    plain = [a for a in args if a is not func.args.vararg and a is not func.args.kwarg]
    chosen = rng.choice(plain or args)
    old, new = chosen.arg, chosen.arg + RENAME_SUFFIX
    chosen.arg = new
    for node in ast.walk(func):
        if isinstance(node, ast.Name) and node.id == old:
            node.id = new
    return True


def _remove(func: FunctionNode, in_class: bool, rng: random.Random) -> bool:
    args = func.args
    plain = [a for a in _all_args(func, in_class) if a is not args.vararg and a is not args.kwarg]
    if not plain:
        return False
    chosen = rng.choice(plain)
    if chosen in args.kwonlyargs:
        index = args.kwonlyargs.index(chosen)
        del args.kwonlyargs[index]
        del args.kw_defaults[index]
        return True
    positional = [*args.posonlyargs, *args.args]
    index = positional.index(chosen)
    first_default = len(positional) - len(args.defaults)
    if index >= first_default:
        del args.defaults[index - first_default]
    if chosen in args.posonlyargs:
        args.posonlyargs.remove(chosen)
    else:
        args.args.remove(chosen)
    return True


def _add(func: FunctionNode, in_class: bool, rng: random.Random) -> bool:
    del in_class, rng  # the same addition for every function
    args = func.args
    taken = {a.arg for a in ast.walk(args) if isinstance(a, ast.arg)}
    name = ADDED_NAME
    while name in taken:
        name += "_"
    if args.vararg is not None or args.kwonlyargs:
        args.kwonlyargs.append(ast.arg(arg=name))
        args.kw_defaults.append(ast.Constant(value=None))
    else:
        args.args.append(ast.arg(arg=name))
        args.defaults.append(ast.Constant(value=None))
    return True


class _DropReturns(ast.NodeTransformer):
    """Turn `return value` into `return` in one function body, not entering nested scopes."""

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        """Leave nested functions alone.

        Args:
            node: A nested function.

        Returns:
            The node, unchanged.
        """
        return node

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]
    visit_Lambda = visit_FunctionDef  # type: ignore[assignment]
    visit_ClassDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Return(self, node: ast.Return) -> ast.Return:
        """Drop the returned value.

        Args:
            node: A return statement.

        Returns:
            A bare return.
        """
        return ast.Return(value=None)


def _drop_return(func: FunctionNode, in_class: bool, rng: random.Random) -> bool:
    del in_class, rng
    doc = ast.get_docstring(func)
    parsed = documented_params(doc) if doc is not None else None
    if parsed is None or not parsed.returns or not _returns_value(func):
        return False
    last = func.body[-1]
    if isinstance(last, ast.Return) and last.value is not None:
        # A trailing `return f(x)` becomes the statement `f(x)`: the work stays, the value goes.
        func.body[-1] = ast.Expr(value=last.value)
    func.body = [_DropReturns().visit(stmt) for stmt in func.body]
    func.returns = None
    return True


MUTATORS: dict[str, Callable[[FunctionNode, bool, random.Random], bool]] = {
    "rename": _rename,
    "remove": _remove,
    "add": _add,
    "drop_return": _drop_return,
}


def mutants(module: str, rng: random.Random) -> dict[str, str]:
    """Return the mutated copies of a standalone function module.

    Args:
        module: A module holding one function, or one class holding the method to mutate
            (`standalone_module` writes these).
        rng: Chooses which parameter a rename or removal touches.

    Returns:
        Mutation kind → module source, for each kind that applies: "rename" (a parameter
        renamed in the signature and body), "remove" (a non-star parameter removed), "add" (a
        parameter with a default added) and "drop_return" (every `return value` made bare and
        the return annotation removed, when a return value is documented and returned).
    """
    result = {}
    for kind, mutate in MUTATORS.items():
        tree = ast.parse(module)
        func, in_class = _target_function(tree)
        if mutate(func, in_class, rng):
            result[kind] = ast.unparse(ast.fix_missing_locations(tree)) + "\n"
    return result


# --------------------------------------------------------------------------- files and tools


def python_files(root: Path, skip_dirs: frozenset[str]) -> list[Path]:
    """Return the .py files under `root`, sorted, never entering `skip_dirs`.

    Args:
        root: A directory.
        skip_dirs: Directory names to prune.

    Returns:
        Sorted file paths.
    """
    found = []
    for current, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in skip_dirs)
        found += [Path(current) / n for n in names if n.endswith(".py")]
    return sorted(found)


def copy_tree(files: list[Path], root: Path, dest: Path) -> list[str]:
    """Copy files into `dest`, keeping their paths relative to `root`.

    Args:
        files: The files.
        root: What their paths are relative to.
        dest: The destination directory.

    Returns:
        The copies' paths relative to the directory above `dest`, i.e. `dest.name/...`.
    """
    copied = []
    for file in files:
        rel = file.relative_to(root)
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)
        copied.append(f"{dest.name}/{rel.as_posix()}")
    return copied


def find_tools() -> list[Tool]:
    """Locate the three checkers, next to this interpreter first.

    Returns:
        codeassist, pydoclint and docsig; `exe` is None for one that is not installed.
    """
    return [
        Tool(name, shutil.which(name, path=str(BIN)) or shutil.which(name))
        for name in ("codeassist", "pydoclint", "docsig")
    ]


def run_tool(argv: list[str], cwd: Path, cache: Path) -> tuple[float, str]:
    """Run a checker as a process.

    Args:
        argv: The command.
        cwd: Where to run it (the temporary root, which holds no config of the project).
        cache: codeassist's parse-cache directory for this run (`CODEASSIST_CACHE_DIR`), so
            the user's cache is neither read nor filled.

    Returns:
        Wall seconds and the combined stdout and stderr.
    """
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "NO_COLOR": "1", "TERM": "dumb",
           "CODEASSIST_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done.stdout + done.stderr


def command(tool: Tool, paths: list[str], *, style: str = "google", json_out: bool = False) -> list[str]:
    """Build a checker's command line for the parameter/return checks.

    Args:
        tool: An installed checker.
        paths: Files or directories, relative to the temporary root.
        style: The docstring style pydoclint should expect.
        json_out: Ask codeassist for JSON.

    Returns:
        The argv.

    Raises:
        ValueError: For an unknown tool.
    """
    assert tool.exe is not None
    if tool.name == "codeassist":
        fmt = ["--format", "json"] if json_out else []
        return [tool.exe, "check", *paths, "--select", "CA1", *fmt]
    if tool.name == "pydoclint":
        return [tool.exe, f"--style={style}", *PYDOCLINT_FLAGS, "--config", "pyproject.toml", *paths]
    if tool.name == "docsig":
        return [tool.exe, *DOCSIG_FLAGS, *paths]
    raise ValueError(f"unknown tool {tool.name}")


def flagged_files(tool: str, output: str) -> dict[str, set[str]]:
    """Parse a checker's output into file → the codes it reported.

    Args:
        tool: "codeassist", "pydoclint" or "docsig".
        output: What the run printed (codeassist: its JSON report).

    Returns:
        Paths as printed (relative to the run's working directory) → codes.
    """
    codes: dict[str, set[str]] = collections.defaultdict(set)
    if tool == "codeassist":
        for finding in json.loads(output[output.index("{"):])["findings"]:
            codes[finding["path"]].add(finding["rule"])
    elif tool == "pydoclint":
        for match in re.finditer(r"^(\S.*?\.py):\d+: (DOC\d+)", output, re.MULTILINE):
            codes[match.group(1)].add(match.group(2))
    else:
        current = None
        for line in output.splitlines():
            header = re.match(r"^(\S.*?\.py):\d+", line)
            if header:
                current = header.group(1)
            elif current is not None and (code := re.match(r"^\s+(SIG\d+)", line)):
                codes[current].add(code.group(1))
    return codes


# --------------------------------------------------------------------------- (a) speed


def speed_modules(count: int, rng: random.Random) -> list[Path]:
    """Choose the standard-library modules for the speed run.

    Args:
        count: How many.
        rng: The seeded chooser.

    Returns:
        The chosen files, sorted.
    """
    candidates = [p for p in STDLIB.glob("*.py")]
    for package in SPEED_PACKAGES:
        candidates += python_files(STDLIB / package, NOT_IN_SPEED_SET)
    candidates = sorted(set(candidates))
    return sorted(rng.sample(candidates, min(count, len(candidates))))


def bench_speed(tools: list[Tool], work: Path, modules: int, repeat: int, rng: random.Random) -> None:
    """Part (a): time each tool over the same modules and print the table.

    Args:
        tools: The checkers.
        work: The temporary root.
        modules: How many modules.
        repeat: Runs per tool; the best counts.
        rng: The seeded chooser.
    """
    chosen = speed_modules(modules, rng)
    files = copy_tree(chosen, STDLIB, work / "speed")
    lines = sum(p.read_text(encoding="utf-8", errors="replace").count("\n") for p in chosen)
    # codeassist keeps an on-disk parse cache; the fair row starts each run with an empty one,
    # the warm row shows what a repeated hook run costs.
    installed = [t for t in tools if t.exe is not None]
    warm_cache = work / "cache-warm"
    if any(t.name == "codeassist" for t in installed):
        run_tool(command(next(t for t in installed if t.name == "codeassist"), files), work, warm_cache)
    best: dict[str, float] = {}
    for attempt in range(repeat):
        for tool in installed:  # interleaved, so a noisy moment hits every tool alike
            runs = [(tool.name, work / f"cache-cold-{attempt}")]
            if tool.name == "codeassist":
                runs.append(("codeassist (warm cache)", warm_cache))
            for label, cache in runs:
                seconds, _ = run_tool(command(tool, files), work, cache)
                best[label] = min(seconds, best.get(label, seconds))
    print(f"\n(a) speed: {len(files)} stdlib modules ({lines:,} lines), one process per tool, "
          f"best of {repeat} wall times")
    print(f"{'tool':<24} {'seconds':>8} {'vs pydoclint':>13}")
    base = best.get("pydoclint")
    for label in ("codeassist", "codeassist (warm cache)", "pydoclint", "docsig"):
        if label not in best:
            if "warm" not in label:
                print(f"{label:<24} {'not installed':>22}")
            continue
        ratio = f"{best[label] / base:.2f}x" if base else "n/a"
        print(f"{label:<24} {best[label]:>8.2f} {ratio:>13}")


# --------------------------------------------------------------------------- (b) mutations


def _targets_from(files: list[Path], root: Path, source: str, per_file: int | None,
                  rng: random.Random) -> Iterator[Target]:
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        found = find_targets(path, text, path.relative_to(root).as_posix())
        if per_file is not None and len(found) > per_file:
            found = rng.sample(found, per_file)
        for target in found:
            yield target._replace(source=source)


def collect_targets(limit: int, rng: random.Random) -> list[Target]:
    """Choose the functions to mutate: qualifying stdlib ones, then the second source.

    Args:
        limit: The most functions in all; the stdlib gives at most half.
        rng: The seeded chooser.

    Returns:
        The targets, deduplicated by text.
    """
    seen: set[str] = set()
    targets: list[Target] = []

    def take(target: Target) -> bool:
        if target.module in seen or len(targets) >= limit:
            return False
        seen.add(target.module)
        targets.append(target)
        return True

    stdlib = list(_targets_from(python_files(STDLIB, NOT_STDLIB), STDLIB, "stdlib", None, rng))
    for target in rng.sample(stdlib, min(len(stdlib), limit // 2)):
        take(target)
    # Round-robin over the second source's packages, each read in a seeded file order, so no
    # package (transformers is large) crowds out the others and only what is needed is parsed.
    streams = {}
    for package in SECOND_SOURCES:
        root = SITE_PACKAGES / package
        if root.is_dir():
            files = python_files(root, frozenset({"tests", "test", "__pycache__"}))
            rng.shuffle(files)
            streams[package] = _targets_from(files, SITE_PACKAGES, "packages", PER_FILE_CAP, rng)
    while streams and len(targets) < limit:
        for package in list(streams):
            target = next(streams[package], None)
            if target is None:
                del streams[package]
            else:
                take(target)
    return targets


def write_cases(targets: list[Target], cases: Path, seed: int) -> list[Case]:
    """Write each target unchanged and mutated, one file per case, grouped by style.

    Args:
        targets: The chosen functions.
        cases: The directory for the cases (`<style>/<n>_<kind>.py` under it).
        seed: Seeds each function's own chooser, so a case does not depend on the others.

    Returns:
        The cases.
    """
    written = []
    for number, target in enumerate(targets):
        rng = random.Random(f"{seed}:{target.origin}")
        variants = {"original": target.module, **mutants(target.module, rng)}
        for kind, text in variants.items():
            rel = f"{target.style}/{target.source}_{number:04d}_{kind}.py"
            (cases / rel).parent.mkdir(parents=True, exist_ok=True)
            (cases / rel).write_text(text, encoding="utf-8")
            written.append(Case(f"{cases.name}/{rel}", target.source, kind, target.origin))
    return written


def run_quality_tools(tools: list[Tool], work: Path, cases: Path) -> dict[str, dict[str, set[str]] | None]:
    """Run each checker over all case files and return what it flagged.

    Args:
        tools: The checkers.
        work: The temporary root (the working directory).
        cases: The cases directory, with one subdirectory per style.

    Returns:
        Tool name → (case path relative to `work` → counted codes), or None if not installed.
    """
    counted = {"codeassist": CODEASSIST_CODES, "pydoclint": PYDOCLINT_CODES, "docsig": DOCSIG_CODES}
    results: dict[str, dict[str, set[str]] | None] = {}
    styles = sorted(p.name for p in cases.iterdir() if p.is_dir())
    cache = work / "cache-quality"
    for tool in tools:
        if tool.exe is None:
            results[tool.name] = None
            continue
        if tool.name == "pydoclint":
            raw: dict[str, set[str]] = {}
            for style in styles:  # no style detection in pydoclint: one run per style
                _, out = run_tool(command(tool, [f"{cases.name}/{style}"], style=style), work, cache)
                raw.update(flagged_files(tool.name, out))
        else:
            _, out = run_tool(command(tool, [cases.name], json_out=True), work, cache)
            raw = flagged_files(tool.name, out)
        results[tool.name] = {
            os.path.normpath(path): codes & counted[tool.name]
            for path, codes in raw.items()
            if codes & counted[tool.name]
        }
    return results


def _ratio(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator:.2f}" if denominator else "-"


def quality_table(cases: list[Case], results: dict[str, dict[str, set[str]] | None]) -> list[str]:
    """Format precision, recall (overall and per kind) and FP rate per tool and source.

    Args:
        cases: All cases.
        results: What each tool flagged.

    Returns:
        The table's lines.
    """
    header = (f"{'source':<9} {'tool':<11} {'precision':>9} {'recall':>7} {'FP rate':>13} "
              + " ".join(f"{k:>11}" for k in KINDS))
    lines = [header]
    for source in sorted({c.source for c in cases}, key=lambda s: s != "stdlib"):
        mine = [c for c in cases if c.source == source]
        for tool, flagged in results.items():
            if flagged is None:
                lines.append(f"{source:<9} {tool:<11} not installed")
                continue
            hit = [c for c in mine if c.rel in flagged]
            originals = [c for c in mine if c.kind == "original"]
            false_pos = sum(1 for c in hit if c.kind == "original")
            true_pos = len(hit) - false_pos
            positives = len(mine) - len(originals)
            per_kind = []
            for kind in KINDS:
                of_kind = [c for c in mine if c.kind == kind]
                per_kind.append(_ratio(sum(1 for c in of_kind if c.rel in flagged), len(of_kind)))
            lines.append(
                f"{source:<9} {tool:<11} {_ratio(true_pos, true_pos + false_pos):>9} "
                f"{_ratio(true_pos, positives):>7} "
                f"{f'{_ratio(false_pos, len(originals))} ({false_pos}/{len(originals)})':>13} "
                + " ".join(f"{r:>11}" for r in per_kind)
            )
    return lines


def bench_quality(tools: list[Tool], work: Path, limit: int, seed: int, rng: random.Random) -> None:
    """Part (b): mutate real functions, run every tool once, print the quality table.

    Args:
        tools: The checkers.
        work: The temporary root.
        limit: The most functions.
        seed: The run's seed.
        rng: The seeded chooser.
    """
    targets = collect_targets(limit, rng)
    cases = write_cases(targets, work / "cases", seed)
    results = run_quality_tools(tools, work, work / "cases")
    by_source = collections.Counter(t.source for t in targets)
    by_style = collections.Counter(t.style for t in targets)
    kinds = collections.Counter(c.kind for c in cases)
    print(f"\n(b) quality on mutations: {len(targets)} functions "
          f"(stdlib: {by_source['stdlib']} from {STDLIB}; packages: {by_source['packages']} "
          f"from {', '.join(SECOND_SOURCES)} in {SITE_PACKAGES})")
    print("    styles: " + ", ".join(f"{s} {n}" for s, n in sorted(by_style.items()))
          + "; cases: " + ", ".join(f"{k} {kinds[k]}" for k in ("original", *KINDS)))
    print("    counted codes: codeassist " + ",".join(sorted(CODEASSIST_CODES))
          + "; pydoclint " + ",".join(sorted(PYDOCLINT_CODES)) + " (one run per style, type "
          "checks off); docsig " + ",".join(sorted(DOCSIG_CODES)))
    for line in quality_table(cases, results):
        print(line)


# --------------------------------------------------------------------------- (c) stdlib


def _verdict_key(finding: dict) -> str:
    names = "/".join(re.findall(r"`([^`]+)`", finding["message"]))
    return f"{finding['rule']} {finding['path'].removeprefix('stdlib/')}:{finding['line']} {names}"


def _unit_excerpt(path: Path, line: int, max_lines: int = 45) -> str:
    """Return the source of the unit a finding is about, from its `def` to its docstring's end.

    Args:
        path: The file.
        line: The reported line.
        max_lines: The most lines of the excerpt.

    Returns:
        The innermost function or class whose span holds `line`, as written (for a class, its
        `__init__` header follows); empty when there is none.
    """
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    best = None
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.lineno <= line <= (node.end_lineno or node.lineno) and (best is None or node.lineno >= best.lineno):
                best = node
    if best is None:
        return ""

    def head(node: FunctionNode | ast.ClassDef) -> list[str]:
        first = node.body[0]
        documented = ast.get_docstring(node, clean=False) is not None
        last = (first.end_lineno or first.lineno) if documented else first.lineno - 1
        return lines[node.lineno - 1:max(last, node.lineno)]

    excerpt = head(best)
    if len(excerpt) > max_lines:
        excerpt = [*excerpt[:max_lines], f"    [... {len(excerpt) - max_lines} more lines]"]
    if isinstance(best, ast.ClassDef):
        init = next((n for n in best.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
        if init is not None:
            excerpt += ["    ...", *head(init)]
    return "\n".join(excerpt)


def bench_stdlib(tools: list[Tool], work: Path, sample_size: int, rng: random.Random) -> None:
    """Part (c): run codeassist over the standard library, count and sample its findings.

    Args:
        tools: The checkers (only codeassist is used).
        work: The temporary root.
        sample_size: How many findings to write to the sample file.
        rng: The seeded chooser.
    """
    tool = next(t for t in tools if t.name == "codeassist")
    if tool.exe is None:
        print("\n(c) stdlib: codeassist not installed")
        return
    files = copy_tree(python_files(STDLIB, NOT_STDLIB), STDLIB, work / "stdlib")
    seconds, out = run_tool(command(tool, files, json_out=True), work, work / "cache-stdlib")
    report = json.loads(out[out.index("{"):])
    findings = report["findings"]
    per_rule = collections.Counter(f["rule"] for f in findings)
    print(f"\n(c) stdlib precision: codeassist --select CA1 over {len(files)} files "
          f"({report['summary']['files_checked']} checked, {len(report['skipped'])} skipped; "
          f"test dirs and site-packages left out) in {seconds:.1f} s")
    print("    findings per rule: " + (", ".join(f"{r} {n}" for r, n in sorted(per_rule.items())) or "none"))
    sample = sorted(rng.sample(findings, min(sample_size, len(findings))),
                    key=lambda f: (f["path"], f["line"], f["rule"], f["message"]))
    verdict_counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    parts = [
        "# codeassist CA1xx findings on the standard library: a reviewed sample\n",
        f"Written by `benchmarks/static_rules.py` (seeded sample of {len(sample)} of "
        f"{len(findings)} findings over {len(files)} stdlib files of Python "
        f"{sys.version.split()[0]}). Verdicts come from `VERDICTS` in the script: TP = the "
        "documentation really disagrees with the signature/body; FP = it does not.\n",
    ]
    for number, finding in enumerate(sample, 1):
        rel = finding["path"].removeprefix("stdlib/")
        excerpt = _unit_excerpt(work / finding["path"], finding["line"])
        verdict, reason = VERDICTS.get(_verdict_key(finding), ("unreviewed", ""))
        verdict_counts[finding["rule"]][verdict] += 1
        parts.append(
            f"## {number}. {finding['rule']} `{rel}:{finding['line']}`\n\n"
            f"{finding['message']}\n\n**Verdict: {verdict}**{' - ' + reason if reason else ''}\n\n"
            f"```python\n{excerpt}\n```\n"
        )
    summary = ["| rule | sampled | TP | FP | unreviewed | precision |", "|---|---|---|---|---|---|"]
    for rule in sorted(verdict_counts):
        counts = verdict_counts[rule]
        summary.append(f"| {rule} | {sum(counts.values())} | {counts['TP']} | {counts['FP']} | "
                       f"{counts['unreviewed']} | {_ratio(counts['TP'], counts['TP'] + counts['FP'])} |")
    parts.insert(2, "\n".join(summary) + "\n")
    SAMPLE_FILE.parent.mkdir(parents=True, exist_ok=True)
    SAMPLE_FILE.write_text("\n".join(parts), encoding="utf-8")
    print(f"    sample of {len(sample)} written to {SAMPLE_FILE.relative_to(HERE.parent)}; "
          "reviewed precision per rule:")
    for line in summary:
        print("    " + line)


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark parts and print their tables.

    Args:
        argv: Command-line arguments (default: sys.argv[1:]).

    Returns:
        0.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=150, help="stdlib modules in the speed run")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per tool (best counts)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--functions", type=int, default=300, help="most functions to mutate")
    parser.add_argument("--sample", type=int, default=40, help="stdlib findings to sample")
    parser.add_argument("--parts", default="speed,quality,stdlib", help="which parts to run")
    parser.add_argument("--keep", type=Path, help="write the case files here (a new directory) "
                        "instead of a temporary one, to inspect them")
    args = parser.parse_args(argv)
    parts = set(args.parts.split(","))
    tools = find_tools()
    print(f"static_rules benchmark: python {sys.version.split()[0]}, {os.cpu_count()} cpus, "
          f"seed {args.seed}; tools: "
          + ", ".join(f"{t.name} ({t.exe or 'not installed'})" for t in tools))
    with tempfile.TemporaryDirectory(prefix="static_rules_") as tmp:
        work = Path(tmp)
        if args.keep is not None:
            args.keep.mkdir(parents=True)
            work = args.keep.resolve()
        # A neutral pyproject.toml makes the temporary directory every tool's project root:
        # no tool picks up the configuration of whatever directory encloses it.
        (work / "pyproject.toml").write_text(NEUTRAL_PYPROJECT, encoding="utf-8")
        if "speed" in parts:
            bench_speed(tools, work, args.modules, args.repeat, random.Random(args.seed))
        if "quality" in parts:
            bench_quality(tools, work, args.functions, args.seed, random.Random(args.seed))
        if "stdlib" in parts:
            bench_stdlib(tools, work, args.sample, random.Random(args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
