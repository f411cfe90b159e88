"""Python extractor: parameters, docstrings, returns/yields/raises from tree-sitter-python."""

from __future__ import annotations

from typing import TYPE_CHECKING

from codeassist.parsing.docstrings import PYTHON, parse_doc
from codeassist.parsing.nodes import span, text, unique, walk_body
from codeassist.records import (
    CLASS,
    KEYWORD_ONLY,
    METHOD,
    POSITIONAL,
    RECEIVER,
    VAR_KEYWORD,
    VAR_POSITIONAL,
    CodeUnit,
    Doc,
    Param,
)

if TYPE_CHECKING:
    from tree_sitter import Node

    from codeassist.parsing.parse import Definition

SEPARATOR = "."
_SCOPES = frozenset({"function_definition", "lambda", "class_definition"})
_STUB_DECORATORS = ("abstractmethod", "overload", "abstractproperty")



def build(definition: Definition) -> CodeUnit:
    """Turn a class or function definition node into a CodeUnit.

    Args:
        definition: The node and the names the driver worked out.

    Returns:
        The unit.
    """
    node = definition.node
    decorators = _decorators(node)
    body = node.child_by_field_name("body")
    common = definition.fields(
        doc=_docstring(body),
        decorators=decorators,
    )
    if definition.kind == CLASS:
        init = _constructor(body)
        params = _params(init, receiver=True) if init is not None else ()
        return CodeUnit(**common, params=params, is_stub=init is None, bases=_bases(node))
    is_static = "staticmethod" in decorators
    params = _params(node, receiver=definition.kind == METHOD and not is_static)
    returns = node.child_by_field_name("return_type")
    own = list(walk_body(body, _SCOPES)) if body is not None else []
    return CodeUnit(
        **common,
        params=params,
        returns=text(returns) or None,
        returns_value=any(_returns_value(n) for n in own),
        yields=any(n.type == "yield" for n in own),
        raises=unique([name for n in own if n.type == "raise_statement" for name in _raised(n)]),
        is_stub=_is_stub(body, decorators, definition.path),
    )


def _bases(node: Node) -> tuple[str, ...]:
    """Return a class's positional bases as written; keywords such as `metaclass=` are not bases."""
    arguments = node.child_by_field_name("superclasses")
    if arguments is None:
        return ()
    names = (arg for arg in arguments.named_children if arg.type in ("identifier", "attribute"))
    return tuple(text(arg) for arg in names)


def _decorators(node: Node) -> tuple[str, ...]:
    parent = node.parent
    if parent is None or parent.type != "decorated_definition":
        return ()
    names = []
    for child in parent.children:
        if child.type == "decorator":
            names.append(text(child).lstrip("@").split("(")[0].strip())
    return tuple(names)


def _docstring(body: Node | None) -> Doc | None:
    if body is None:
        return None
    first = next((c for c in body.named_children if c.type != "comment"), None)
    if first is None or first.type != "expression_statement" or first.named_child_count != 1:
        return None
    string = first.named_children[0]
    if string.type != "string":
        return None
    raw = text(string)
    content = raw.lstrip("rRuUbBfF")
    quote = content[:3] if content[:3] in ('"""', "'''") else content[:1]
    content = content[len(quote) : len(content) - len(quote)]
    start_line, start_col, end_line, end_col = span(string)
    return Doc(content, start_line, start_col, end_line, end_col, parse_doc(content, PYTHON))


def _constructor(body: Node | None) -> Node | None:
    if body is None:
        return None
    for child in body.named_children:
        candidate = child
        if child.type == "decorated_definition":
            candidate = child.child_by_field_name("definition") or child
        if candidate.type == "function_definition" and text(candidate.child_by_field_name("name")) == "__init__":
            return candidate
    return None


def _params(function: Node, *, receiver: bool) -> tuple[Param, ...]:
    parameters = function.child_by_field_name("parameters")
    if parameters is None:
        return ()
    params: list[Param] = []
    keyword_only = False
    for child in parameters.named_children:
        if child.type == "keyword_separator":
            keyword_only = True
            continue
        if child.type in ("positional_separator", "comment"):
            continue
        param = _param(child, KEYWORD_ONLY if keyword_only else POSITIONAL)
        if param is None:
            continue
        if param.kind == VAR_POSITIONAL:
            keyword_only = True
        if receiver and not params and param.kind == POSITIONAL:
            param = Param(param.name, param.annotation, param.default, RECEIVER)
        params.append(param)
    return tuple(params)


def _param(node: Node, kind: str) -> Param | None:
    if node.type == "identifier":
        return Param(text(node), kind=kind)
    if node.type == "list_splat_pattern":
        return Param(text(node).lstrip("*"), kind=VAR_POSITIONAL)
    if node.type == "dictionary_splat_pattern":
        return Param(text(node).lstrip("*"), kind=VAR_KEYWORD)
    annotation = text(node.child_by_field_name("type")) or None
    default = text(node.child_by_field_name("value")) or None
    name_node = node.child_by_field_name("name")
    if name_node is None and node.named_children:
        name_node = node.named_children[0]
    if name_node is None:
        return None
    inner = _param(name_node, kind)
    if inner is None:
        return None
    return Param(inner.name, annotation, default, inner.kind)


def _returns_value(node: Node) -> bool:
    if node.type != "return_statement" or not node.named_children:
        return False
    value = node.named_children[0]
    return not (value.type == "none" or text(value) == "None")


def _raised(node: Node) -> list[str]:
    if not node.named_children:
        return []  # a bare `raise` re-raises what the caller already sees
    raised = node.named_children[0]
    if raised.type == "call":
        raised = raised.child_by_field_name("function") or raised
    name = text(raised)
    last = name.rsplit(".", 1)[-1]
    # `raise err` re-raises a variable; only class-like names tell us the type.
    if raised.type in ("identifier", "attribute") and last[:1].isupper():
        return [name]
    return []


def _is_stub(body: Node | None, decorators: tuple[str, ...], path: str) -> bool:
    if path.endswith(".pyi") or any(d.rsplit(".", 1)[-1] in _STUB_DECORATORS for d in decorators):
        return True
    if body is None:
        return True
    statements = [c for c in body.named_children if c.type != "comment"]
    if statements and _docstring(body) is not None:
        statements = statements[1:]
    for statement in statements:
        line = text(statement)
        if line in ("...", "pass"):
            continue
        if statement.type == "raise_statement" and "NotImplementedError" in line:
            continue
        return False
    return True
