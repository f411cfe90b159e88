"""Rust extractor: `self` receivers, patterns, return types, panics, `?` and `///` docs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from codeassist.parsing.docstrings import RUSTDOC, parse_doc
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

SEPARATOR = "::"
# Closures, async blocks and nested items return (and `?`-propagate) on their own account.
_SCOPES = frozenset(
    {"closure_expression", "async_block", "try_block", "function_item", "impl_item", "trait_item"}
)
PANIC_MACROS = frozenset({"panic", "unreachable", "todo", "unimplemented"})
_STUB_MACROS = frozenset({"todo", "unimplemented"})
# Return types that never hand a value back to the caller.
_NO_VALUE = frozenset({"()", "!"})



def build(definition: Definition) -> CodeUnit:
    """Turn a struct, enum, trait or function node into a CodeUnit.

    Args:
        definition: The node and the names the driver worked out.

    Returns:
        The unit.
    """
    node = definition.node
    doc, decorators = _doc_and_attributes(node)
    common = definition.fields(doc=doc, decorators=decorators)
    if definition.kind == CLASS:
        return CodeUnit(**common, is_stub=node.type == "trait_item")
    body = node.child_by_field_name("body")
    returns = text(node.child_by_field_name("return_type")) or None
    own = list(walk_body(body, _SCOPES)) if body is not None else []
    statements = [c for c in body.named_children if "comment" not in c.type] if body else []
    return CodeUnit(
        **common,
        params=_params(node),
        returns=returns,
        # The tail expression is returned implicitly, so the declared type is the evidence.
        returns_value=returns is not None and returns not in _NO_VALUE and bool(statements),
        raises=unique([name for n in own for name in _raised(n, returns)]),
        is_stub=body is None or _only_placeholder(statements),
    )


def _params(node: Node) -> tuple[Param, ...]:
    params: list[Param] = []
    receiver: list[Param] = []
    type_parameters = node.child_by_field_name("type_parameters")
    for child in type_parameters.named_children if type_parameters is not None else []:
        # Lifetimes are left out: no documentation convention describes them.
        if child.type in ("type_parameter", "const_parameter"):
            name = text(child.child_by_field_name("name"))
            bounds = child.child_by_field_name("bounds") or child.child_by_field_name("type")
            annotation = text(bounds).removeprefix(":").strip() or None
            params.append(Param(name, annotation, kind=TYPE_PARAMETER))
    parameters = node.child_by_field_name("parameters")
    for child in parameters.named_children if parameters is not None else []:
        if child.type == "self_parameter":
            receiver.append(Param("self", _self_annotation(child), kind=RECEIVER))
        elif child.type == "variadic_parameter":
            params.append(Param("", "...", kind=VAR_POSITIONAL))
        elif child.type == "parameter":
            pattern = child.child_by_field_name("pattern")
            annotation = text(child.child_by_field_name("type")) or None
            name = _pattern_name(pattern)
            if name == "self":
                receiver.append(Param("self", annotation, kind=RECEIVER))
            else:
                params.append(Param(name, annotation, kind=POSITIONAL))
    return tuple(receiver + params)


def _self_annotation(node: Node) -> str:
    """The type `self` shorthand stands for: `&mut self` is `self: &mut Self`."""
    marks = text(node).removesuffix("self").strip()
    if not marks.startswith("&"):
        return "Self"  # `self` and `mut self` take the value
    return "&Self" if marks == "&" else f"{marks} Self"


def _pattern_name(pattern: Node | None) -> str:
    name = text(pattern)
    for prefix in ("ref mut ", "ref ", "mut "):
        name = name.removeprefix(prefix)
    return name.strip()


def _raised(node: Node, returns: str | None) -> list[str]:
    if node.type == "macro_invocation":
        macro = node.child_by_field_name("macro")
        return ["panic"] if text(macro) in PANIC_MACROS else []
    if node.type == "try_expression":
        # `?` in a function returning Option propagates None, which is not an error.
        return [] if (returns or "").startswith("Option") else ["Err"]
    if node.type == "call_expression":
        # `Err(...)` as a tail expression or after `return` is an error handed back.
        function = node.child_by_field_name("function")
        return ["Err"] if text(function) == "Err" else []
    return []


def _only_placeholder(statements: list[Node]) -> bool:
    if len(statements) != 1:
        return False
    statement = statements[0]
    if statement.type == "expression_statement" and statement.named_children:
        statement = statement.named_children[0]
    macro = statement.child_by_field_name("macro") if statement.type == "macro_invocation" else None
    return text(macro) in _STUB_MACROS


def _doc_and_attributes(node: Node) -> tuple[Doc | None, tuple[str, ...]]:
    """Collect the outer doc comments and attributes written before an item.

    Doc comments are attributes to rustc, so they attach across attributes, plain comments
    and blank lines alike; only another item ends them.
    """
    docs: list[Node] = []
    attributes: list[str] = []
    current = node.prev_sibling
    while current is not None:
        if current.type == "attribute_item":
            attribute = current.named_children[0] if current.named_children else None
            path = attribute.named_children[0] if attribute and attribute.named_children else None
            attributes.insert(0, text(path))
        elif current.type in ("line_comment", "block_comment"):
            if current.child_by_field_name("outer") is not None:
                docs.insert(0, current)
        else:
            break
        current = current.prev_sibling
    return _doc(docs), tuple(name for name in attributes if name)


def _doc(comments: list[Node]) -> Doc | None:
    if not comments:
        return None
    first_row = comments[0].start_point[0]
    lines: list[str] = []
    for comment in comments:
        # Lines between doc comments (attributes, plain comments) stay, blank, so that
        # line i of the text is line `start_line + i` of the file.
        lines += [""] * (comment.start_point[0] - first_row - len(lines))
        lines += _comment_lines(text(comment))
    content = "\n".join(lines)
    start_line, start_col, _, _ = span(comments[0])
    last = comments[-1]
    last_text = text(last).rstrip("\n")
    end_line = last.start_point[0] + 1 + last_text.count("\n")
    last_line = last_text.rsplit("\n", 1)[-1]
    end_col = (last.start_point[1] if "\n" not in last_text else 0) + len(last_line.encode()) + 1
    return Doc(content, start_line, start_col, end_line, end_col, parse_doc(content, RUSTDOC))


def _comment_lines(comment: str) -> list[str]:
    """Strip `///` or `/** */` (and ` * ` line decorations), one line out per source line."""
    comment = comment.rstrip("\n")
    if comment.startswith("///"):
        stripped = comment[3:]
        return [stripped[1:] if stripped.startswith(" ") else stripped]
    lines = comment.removeprefix("/**").removesuffix("*/").split("\n")
    lines[0] = lines[0][1:] if lines[0].startswith(" ") else lines[0]
    for number in range(1, len(lines)):
        line = lines[number].lstrip()
        if line.startswith("*"):
            line = line[1:]
            lines[number] = line[1:] if line.startswith(" ") else line
    return [line.rstrip() for line in lines]
