"""Pick a docstring style, and put one docstring into a Python file without touching the rest.

Before a model is loaded, `read_python` and `check_editable` refuse what cannot be edited
safely: binary or non-UTF-8 files, and files with a syntax error (the edit is placed by the
parse tree, which error recovery would make a guess). The edit works on byte offsets from tree-sitter: it replaces the unit's existing docstring
literal, or inserts a new one before the first statement of its body, indented like that
body. Nothing else in the file changes.
"""

from __future__ import annotations

import ast
import sys
import warnings
from collections import Counter
from pathlib import Path

from codeassist.generate.docformat import STYLES
from codeassist.errors import CodeassistError
from codeassist.records import CodeUnit

MAX_STYLE_FILES = 300


def _styles(text: str, path: str) -> Counter[str]:
    from codeassist.parsing.parse import parse_source
    counts: Counter[str] = Counter()
    for unit in parse_source(text, "python", path).units:
        if unit.doc is not None and unit.doc.parsed.style in STYLES:
            counts[unit.doc.parsed.style] += 1
    return counts


def detect_style(text: str, path: Path | None = None) -> str:
    """Return the docstring style most used in the file, else in its project, else Google.

    Args:
        text: The file's content.
        path: The file, whose project (git work tree or pyproject root) is sampled when the
            file itself shows no style.

    Returns:
        "google", "numpy" or "sphinx".
    """
    counts = _styles(text, "<file>")
    if not counts and path is not None:
        from codeassist.changes import files
        root = files.find_root(path)
        sources, _ = files.collect([root], root)
        for source in [s for s in sources if s.path.suffix == ".py"][:MAX_STYLE_FILES]:
            try:
                counts += _styles(source.path.read_text("utf-8"), str(source.path))
            except (OSError, UnicodeDecodeError):
                continue
    return counts.most_common(1)[0][0] if counts else "google"


def literal(docstring: str, indent: str) -> str:
    """Quote and indent a docstring for the source.

    Args:
        docstring: The text without quotes (sanitised: no triple quotes, no backslashes).
        indent: The body's indentation.

    Returns:
        The literal; its first line carries no indentation (the caller places it).
    """
    if '"""' in docstring or "\\" in docstring:
        raise CodeassistError("refusing to write a docstring containing quotes or backslashes",
                              "report this: generated text should have been sanitised")
    lines = docstring.strip("\n").splitlines()
    if len(lines) == 1:
        return f'"""{lines[0]}"""'
    body = "\n".join(f"{indent}{line}" if line.strip() else "" for line in lines[1:])
    return f'"""{lines[0]}\n{body}\n{indent}"""'


def _definition(tree_root, unit: CodeUnit):  # noqa: ANN001, ANN202 - tree-sitter nodes
    wanted = ("function_definition", "class_definition")
    stack = [tree_root]
    while stack:
        node = stack.pop()
        if node.type in wanted and node.start_point[0] == unit.start_line - 1:
            return node
        stack.extend(node.children)
    raise CodeassistError(f"cannot find `{unit.qualname}` in the file", "is the file changing while codeassist runs?")


def apply_docstring(text: str, unit: CodeUnit, docstring: str) -> str:
    """Return `text` with `unit`'s docstring replaced by, or set to, `docstring`.

    Args:
        text: The Python file's content.
        unit: The unit, parsed from `text`.
        docstring: The docstring text without quotes.

    Returns:
        The new file content.
    """
    from codeassist.languages import parser
    data = text.encode("utf-8")
    node = _definition(parser("python").parse(data).root_node, unit)
    body = node.child_by_field_name("body")
    header_row = node.start_point[0]
    line_start = data.rfind(b"\n", 0, node.start_byte) + 1
    def_indent = data[line_start:node.start_byte].decode()
    if def_indent.strip():  # `x = 1; def f(): ...` is legal; indent from the line's start
        def_indent = " " * len(def_indent)
    statements = [c for c in body.named_children if c.type != "comment"] if body is not None else []
    first = statements[0] if statements else None
    if first is not None and first.start_point[0] > header_row:
        first_line = data.rfind(b"\n", 0, first.start_byte) + 1
        indent = data[first_line:first.start_byte].decode()  # tabs stay tabs
    else:
        indent = def_indent + "    "
    quoted = literal(docstring, indent).encode()
    if unit.doc is not None and first is not None and first.type == "expression_statement":
        return (data[: first.start_byte] + quoted + data[first.end_byte:]).decode("utf-8")
    if first is None:
        raise CodeassistError(f"`{unit.qualname}` has no body to document", "add a body first")
    if first.start_point[0] > header_row:
        at = data.rfind(b"\n", 0, first.start_byte) + 1
        return (data[:at] + indent.encode() + quoted + b"\n" + data[at:]).decode("utf-8")
    # One-line body (`def f(x): return x`): move the body below the new docstring.
    return (data[: first.start_byte].rstrip(b" ") + b"\n" + indent.encode() + quoted + b"\n"
            + indent.encode() + data[first.start_byte:]).decode("utf-8")


def read_python(path: Path) -> str:
    """Read a Python file as text, refusing binary and non-UTF-8 files with one line.

    Args:
        path: The file.

    Returns:
        Its text, line endings as they are on disk.

    Raises:
        CodeassistError: When it cannot be read, is binary, or is not UTF-8.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CodeassistError(f"cannot read {path}: {exc.strerror or exc}",
                              "check the path and its permissions") from None
    if b"\0" in data:
        raise CodeassistError(f"{path} is a binary file, not Python source", "pass a Python source file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CodeassistError(f"{path}:{line}: not UTF-8 text (byte {data[exc.start]:#04x})",
                              "convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)") from None


def check_editable(text: str, path: Path) -> None:
    """Refuse to edit a file that does not parse: where the docstring goes would be a guess.

    Args:
        text: The file's content.
        path: The file, for the message.

    Raises:
        CodeassistError: On a syntax error, naming its line.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes are warnings, not our business
            ast.parse(text.removeprefix("\ufeff"), filename=str(path))  # a str keeps the BOM
    except SyntaxError as exc:
        version = ".".join(map(str, sys.version_info[:2]))
        raise CodeassistError(f"{path}:{exc.lineno or 1}: {exc.msg} (as Python {version} reads it); "
                              "refusing to edit it",
                              "fix the syntax, then run `codeassist docstring --write` again") from None
    # The edit is placed by tree-sitter's tree, so it must parse without recovery too.
    from codeassist.languages import parser
    root = parser("python").parse(text.encode("utf-8")).root_node
    if root.has_error:
        raise CodeassistError(f"{path}:{_first_error_line(root) or 1}: syntax error (as tree-sitter "
                              "reads it); refusing to edit it",
                              "fix the syntax, then run `codeassist docstring --write` again")


def _first_error_line(root) -> int | None:  # noqa: ANN001 - a tree-sitter node
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            return node.start_point[0] + 1
        stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing]))
    return None


def apply_docstrings(text: str, generated: list[tuple[CodeUnit, str]], path: Path) -> str:
    """Write several docstrings into a file's text, keeping its line endings, and check the result.

    Args:
        text: The file's content as on disk; the units of `generated` were parsed from it
            (or from it with CRLF read as LF, which keeps every line number).
        generated: Each unit with its new docstring.
        path: The file, for messages.

    Returns:
        The new content.

    Raises:
        CodeassistError: When the edited text would not parse (nothing is written then).
    """
    crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")
    if crlf:  # edit with LF endings, as the units were read, then give the file its CRLF back
        text = text.replace("\r\n", "\n")
    for unit, doc in sorted(generated, key=lambda pair: -pair[0].start_line):  # bottom-up keeps lines valid
        text = apply_docstring(text, unit, doc)
    if crlf:
        text = text.replace("\n", "\r\n")
    try:
        check_editable(text, path)
    except CodeassistError:
        raise CodeassistError(f"refusing to write {path}: the edited file would not parse",
                              "report this with the file; the file was not changed") from None
    return text
