"""From source bytes to CodeUnits: run the language's definitions query, then its extractor.

The query (`queries/<lang>.scm`) finds definitions and their names with the
`@definition.<kind>` / `@name` convention, plus optional `@scope` containers (a Rust `impl`
block) that name methods without being units, and `@namespace` containers (a Rust `mod`)
that prefix names without making functions methods. This module works out nesting, qualified
names and method-vs-function once for every language; the extractor module turns one
definition node into a CodeUnit.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from codeassist.languages import LANGUAGES, parser, query
from codeassist.parsing.nodes import first_error_line, span, text
from codeassist.records import CLASS, FUNCTION, METHOD, CodeUnit

if TYPE_CHECKING:
    from tree_sitter import Node


@dataclass(frozen=True)
class Definition:
    """One definition found by the query, with what the driver worked out about it.

    Attributes:
        node: The definition node.
        name: The unit's own name.
        kind: "function", "method" or "class".
        qualname: The name through enclosing definitions and scopes.
        path: The file the unit is in.
        language: The registry name of the language.
    """

    node: Node
    name: str
    kind: str
    qualname: str
    path: str
    language: str

    def fields(self, anchor: Node | None = None, **overrides: Any) -> dict[str, Any]:
        """Return the CodeUnit fields every language fills the same way.

        Args:
            anchor: The node whose span and text the unit covers (default: the definition).
            **overrides: Fields the extractor knows better (a start after decorators, doc).

        Returns:
            Keyword arguments for CodeUnit.
        """
        node = anchor if anchor is not None else self.node
        start_line, start_col, end_line, end_col = span(node)
        fields: dict[str, Any] = dict(
            path=self.path, language=self.language, name=self.name, qualname=self.qualname,
            kind=self.kind, start_line=start_line, start_col=start_col, end_line=end_line,
            end_col=end_col, body=text(node),
        )
        fields.update(overrides)
        return fields


class Extractor(Protocol):
    """What a language's extractor module provides.

    A module may also define `qualname_prefix(node) -> str | None` for owners that the
    nesting does not show (a Go method's receiver type).
    """

    SEPARATOR: str

    def build(self, definition: Definition) -> CodeUnit:
        """Turn one definition into a CodeUnit."""


@dataclass
class ParseResult:
    """The units of one file, the problems met while parsing it, and where its comments are.

    Attributes:
        units: The units in source order.
        problems: Syntax errors, each naming what was skipped.
        comments: (start_line, start_col, end_line, end_col) of each comment, 1-based.
    """

    units: list[CodeUnit] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    comments: list[tuple[int, int, int, int]] = field(default_factory=list)

    def is_comment_at(self, line: int, column: int) -> bool:
        """Tell whether a 1-based position lies inside a comment.

        Args:
            line: 1-based line.
            column: 1-based column (a byte offset + 1).

        Returns:
            True when a comment covers the position.
        """
        return any(
            (start_line, start_col) <= (line, column) < (end_line, end_col)
            for start_line, start_col, end_line, end_col in self.comments
        )


def parse_source(source: bytes | str, language: str, path: str = "<string>") -> ParseResult:
    """Parse source text and return its units.

    Units whose text contains a syntax error are left out and named in `problems`; the
    rest of the file is still returned.

    Args:
        source: The file content.
        language: A key of LANGUAGES.
        path: The path to record in each unit.

    Returns:
        The units in source order, and the problems.
    """
    if isinstance(source, str):
        source = source.encode("utf-8")
    spec = LANGUAGES[language]
    extractor: Extractor = importlib.import_module(spec.extractor)  # type: ignore[assignment]
    qualname_prefix = getattr(extractor, "qualname_prefix", None)
    tree = parser(language).parse(source)
    result = ParseResult()
    error_line = first_error_line(tree.root_node)

    from tree_sitter import QueryCursor

    found: list[tuple[Node, str, str]] = []  # (node, name, capture kind)
    for _, captures in QueryCursor(query(language)).matches(tree.root_node):
        name_nodes = captures.get("name", [])
        result.comments += [span(node) for node in captures.get("comment", [])]
        for capture, nodes in captures.items():
            if capture.startswith("definition.") or capture in ("scope", "namespace"):
                kind = capture.removeprefix("definition.")
                name = text(name_nodes[0]).strip("\"'`") if name_nodes else ""
                found.append((nodes[0], name, kind))
    found.sort(key=lambda item: (item[0].start_byte, -item[0].end_byte))

    # A stack of enclosing definitions/scopes, by byte range, gives nesting in one pass.
    stack: list[tuple[Node, str, str]] = []  # (node, qualname, kind)
    seen: set[tuple[int, int, str]] = set()
    for node, name, kind in found:
        key = (node.start_byte, node.end_byte, kind)
        if key in seen or not name:
            continue
        seen.add(key)
        while stack and stack[-1][0].end_byte <= node.start_byte:
            stack.pop()
        parent_qualname, parent_kind = (stack[-1][1], stack[-1][2]) if stack else ("", "")
        prefix = qualname_prefix(node) if qualname_prefix else None
        owner = prefix if prefix is not None else parent_qualname
        qualname = f"{owner}{extractor.SEPARATOR}{name}" if owner else name
        if kind == FUNCTION and (parent_kind in (CLASS, "scope") or prefix is not None):
            kind = METHOD
        stack.append((node, qualname, kind))
        if kind in ("scope", "namespace"):
            continue
        if node.has_error:
            line = first_error_line(node) or node.start_point[0] + 1
            result.problems.append(f"syntax error at line {line}: skipped `{qualname}`")
            continue
        result.units.append(
            extractor.build(Definition(node, name, kind, qualname, path, language))
        )
    if error_line is not None and not result.problems:
        result.problems.append(f"syntax error at line {error_line}: the units around it were kept")
    return result
