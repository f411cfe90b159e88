"""Java extractor: types, methods and constructors from tree-sitter-java, Javadoc attached."""

from __future__ import annotations

from typing import TYPE_CHECKING

from codeassist.parsing.docstrings import JAVADOC
from codeassist.parsing.doctags import comment_doc
from codeassist.parsing.nodes import text, unique, walk_body
from codeassist.records import CLASS, RECEIVER, VAR_POSITIONAL, CodeUnit, Doc, Param

if TYPE_CHECKING:
    from tree_sitter import Node

    from codeassist.parsing.parse import Definition

SEPARATOR = "."
# Bodies that belong to lambdas and to anonymous or local classes, not to the method.
_SCOPES = frozenset(
    {
        "lambda_expression",
        "class_body",
        "class_declaration",
        "interface_declaration",
        "enum_declaration",
        "record_declaration",
    }
)
_ANNOTATIONS = frozenset({"marker_annotation", "annotation"})
_BASE_CLAUSES = frozenset({"superclass", "super_interfaces", "extends_interfaces"})


def build(definition: Definition) -> CodeUnit:
    """Turn a type, method or constructor declaration node into a CodeUnit.

    Args:
        definition: The node and the names the driver worked out.

    Returns:
        The unit.
    """
    node = definition.node
    start_line, start_col = _start(node)
    common = definition.fields(
        start_line=start_line,
        start_col=start_col,
        doc=_doc(node),
        decorators=_annotations(node),
    )
    if definition.kind == CLASS:
        signature = _constructor(node)
        params = _params(signature) if signature is not None else ()
        # As for Python: without a visible constructor there are no parameters to check.
        return CodeUnit(**common, params=params, is_stub=signature is None, bases=_bases(node))
    if node.type == "compact_constructor_declaration":
        record = node.parent.parent if node.parent is not None else None
        params = _params(record) if record is not None else ()
    else:
        params = _params(node)
    body = node.child_by_field_name("body")
    own = list(walk_body(body, _SCOPES)) if body is not None else []
    returns = node.child_by_field_name("type") if node.type == "method_declaration" else None
    return CodeUnit(
        **common,
        params=params,
        returns=text(returns) or None,
        returns_value=any(_returns_value(n) for n in own),
        raises=unique([name for n in own if n.type == "throw_statement" for name in _raised(n)]),
        # Abstract, native and body-less interface methods; default methods have a body.
        is_stub=body is None,
    )


def _start(node: Node) -> tuple[int, int]:
    """Return where the declaration starts after its annotations (`public` counts)."""
    for child in node.children:
        parts = child.children if child.type == "modifiers" else [child]
        for part in parts:
            if part.type not in _ANNOTATIONS and "comment" not in part.type:
                return part.start_point[0] + 1, part.start_point[1] + 1
    return node.start_point[0] + 1, node.start_point[1] + 1


def _modifiers(node: Node) -> Node | None:
    return next((child for child in node.children if child.type == "modifiers"), None)


def _annotations(node: Node) -> tuple[str, ...]:
    modifiers = _modifiers(node)
    if modifiers is None:
        return ()
    return tuple(
        text(child.child_by_field_name("name"))
        for child in modifiers.named_children
        if child.type in _ANNOTATIONS
    )


def _doc(node: Node) -> Doc | None:
    previous = node.prev_sibling
    if previous is None or previous.type != "block_comment":
        return None
    return comment_doc(previous, JAVADOC)


def _bases(type_node: Node) -> tuple[str, ...]:
    """Return the `extends` and `implements` types of a type declaration, without type arguments."""
    bases = []
    for clause in (c for c in type_node.children if c.type in _BASE_CLAUSES):
        for child in clause.named_children:
            types = child.named_children if child.type == "type_list" else [child]
            bases += [text(t).split("<")[0].strip() for t in types]
    return tuple(bases)


def _constructor(type_node: Node) -> Node | None:
    """Return the node whose parameters a type's unit shows: record header or constructor."""
    if type_node.type == "record_declaration":
        return type_node
    body = type_node.child_by_field_name("body")
    if body is None:
        return None
    members = body.named_children
    if body.type == "enum_body":
        members = [m for d in members if d.type == "enum_body_declarations" for m in d.named_children]
    return next((m for m in members if m.type == "constructor_declaration"), None)


def _params(node: Node) -> tuple[Param, ...]:
    parameters = node.child_by_field_name("parameters")
    if parameters is None:
        return ()
    params: list[Param] = []
    for child in parameters.named_children:
        if child.type == "formal_parameter":
            kind = text(child.child_by_field_name("type")) or None
            params.append(Param(text(child.child_by_field_name("name")), kind))
        elif child.type == "spread_parameter":
            declarator = next(c for c in child.named_children if c.type == "variable_declarator")
            kind = next(
                (text(c) for c in child.named_children if c.type not in ("modifiers", "variable_declarator")),
                None,
            )
            name = text(declarator.child_by_field_name("name"))
            params.append(Param(name, kind, kind=VAR_POSITIONAL))
        elif child.type == "receiver_parameter":
            kind = next((text(c) for c in child.named_children if c.type not in _ANNOTATIONS), None)
            params.append(Param("this", kind, kind=RECEIVER))
    return tuple(params)


def _returns_value(node: Node) -> bool:
    if node.type != "return_statement":
        return False
    return any("comment" not in child.type for child in node.named_children)


def _raised(node: Node) -> list[str]:
    values = [c for c in node.named_children if "comment" not in c.type]
    if not values or values[0].type != "object_creation_expression":
        return []  # `throw e` rethrows a variable; only `new X(...)` tells the type
    kind = values[0].child_by_field_name("type")
    if kind is None:
        return []
    name = text(kind).split("<")[0].strip()
    return [name] if name.rsplit(".", 1)[-1][:1].isupper() else []
