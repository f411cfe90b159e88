"""Go extractor: receivers, parameters, results, `panic` calls and `//` doc comments."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from codeassist.parsing.docstrings import GODOC, parse_doc
from codeassist.parsing.nodes import span, text, unique, walk_body
from codeassist.records import (
    CLASS,
    POSITIONAL,
    RECEIVER,
    TYPE_PARAMETER,
    VAR_POSITIONAL,
    CodeUnit,
    Doc,
    Param,
)

if TYPE_CHECKING:
    from tree_sitter import Node

    from codeassist.parsing.parse import Definition

SEPARATOR = "."
# A function literal has its own returns and panics; they are not the enclosing function's.
_SCOPES = frozenset({"func_literal"})
# `//go:generate`, `//nolint:...`: tool directives, which go/doc leaves out of the doc text.
_DIRECTIVE = re.compile(r"^//(?:[a-z0-9]+:[a-z0-9]|line |export |extern )")


def qualname_prefix(node: Node) -> str | None:
    """Return the receiver's base type of a method, which the nesting does not show.

    Args:
        node: A definition node.

    Returns:
        "Server" for `func (s *Server[K]) Start()`, None for anything but a method.
    """
    if node.type != "method_declaration":
        return None
    receiver = node.child_by_field_name("receiver")
    declaration = receiver.named_children[0] if receiver and receiver.named_children else None
    kind = declaration.child_by_field_name("type") if declaration is not None else None
    # Peel `*T`, `T[K]` and `(T)` down to the type's own name.
    while kind is not None and kind.type != "type_identifier":
        kind = kind.child_by_field_name("type") or next(
            (c for c in kind.named_children if c.type != "type_arguments"), None
        )
    return text(kind) or None


def build(definition: Definition) -> CodeUnit:
    """Turn a function, method or struct/interface type node into a CodeUnit.

    Args:
        definition: The node and the names the driver worked out.

    Returns:
        The unit.
    """
    node = definition.node
    # `type S struct{}` starts at `type`; a spec inside `type ( ... )` starts at its name.
    anchor = node
    parent = node.parent
    if node.type == "type_spec" and parent is not None and parent.type == "type_declaration":
        if not any(child.type == "(" for child in parent.children):
            anchor = parent
    common = definition.fields(anchor, doc=_doc(anchor))
    if definition.kind == CLASS:
        is_interface = text(node.child_by_field_name("type")).startswith("interface")
        return CodeUnit(**common, is_stub=is_interface)
    body = node.child_by_field_name("body")
    result = node.child_by_field_name("result")
    own = list(walk_body(body, _SCOPES)) if body is not None else []
    # The compiler makes every `return` of a function with results carry values, named
    # results included; without any `return` the body ends in a panic or endless loop.
    returns_value = result is not None and any(n.type == "return_statement" for n in own)
    return CodeUnit(
        **common,
        params=_params(node),
        returns=text(result) or None,
        returns_value=returns_value,
        raises=unique(["panic" for n in own if _is_panic(n)]),
        is_stub=body is None,
    )


def _params(node: Node) -> tuple[Param, ...]:
    params: list[Param] = []
    receiver = node.child_by_field_name("receiver")
    if receiver is not None:
        params += [
            Param(p.name, p.annotation, kind=RECEIVER) for p in _declarations(receiver, POSITIONAL)
        ]
    type_parameters = node.child_by_field_name("type_parameters")
    if type_parameters is not None:
        params += _declarations(type_parameters, TYPE_PARAMETER)
    parameters = node.child_by_field_name("parameters")
    if parameters is not None:
        params += _declarations(parameters, POSITIONAL)
    return tuple(params)


def _declarations(parameter_list: Node, kind: str) -> list[Param]:
    """One Param per name: `a, b int` declares two; an unnamed `int` declares one named ""."""
    params: list[Param] = []
    for declaration in parameter_list.named_children:
        if declaration.type not in (
            "parameter_declaration",
            "variadic_parameter_declaration",
            "type_parameter_declaration",
        ):
            continue
        annotation = text(declaration.child_by_field_name("type")) or None
        own_kind = kind
        if declaration.type == "variadic_parameter_declaration":
            own_kind = VAR_POSITIONAL
            annotation = f"...{annotation}" if annotation else None
        names = declaration.children_by_field_name("name")
        params += [Param(text(name), annotation, kind=own_kind) for name in names] or [
            Param("", annotation, kind=own_kind)
        ]
    return params


def _is_panic(node: Node) -> bool:
    if node.type != "call_expression":
        return False
    function = node.child_by_field_name("function")
    return function is not None and function.type == "identifier" and text(function) == "panic"


def _doc(anchor: Node) -> Doc | None:
    """The comments right above a declaration, each on its own line, with no blank line."""
    comments: list[Node] = []
    below = anchor
    current = anchor.prev_sibling
    while current is not None and current.type == "comment":
        if current.end_point[0] != below.start_point[0] - 1:
            break
        before = current.prev_sibling
        if before is not None and before.end_point[0] == current.start_point[0]:
            break  # a trailing comment of the code before it, not a doc line
        comments.insert(0, current)
        below, current = current, before
    if not comments:
        return None
    lines: list[str] = []
    for comment in comments:
        lines += _comment_lines(text(comment))
    content = "\n".join(lines)
    start_line, start_col, _, _ = span(comments[0])
    _, _, end_line, end_col = span(comments[-1])
    return Doc(content, start_line, start_col, end_line, end_col, parse_doc(content, GODOC))


def _comment_lines(comment: str) -> list[str]:
    """Strip the comment markers, one line out per source line."""
    if comment.startswith("//"):
        if _DIRECTIVE.match(comment):
            return [""]
        stripped = comment[2:]
        return [stripped[1:] if stripped.startswith(" ") else stripped]
    lines = comment.removeprefix("/*").removesuffix("*/").split("\n")
    if lines[0].startswith(" "):
        lines[0] = lines[0][1:]
    return [line.rstrip() for line in lines]
