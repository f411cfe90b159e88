"""JavaScript, TypeScript and TSX extractor: one module, as the TypeScript grammars extend
JavaScript's with types, parameter properties, abstract members and ambient declarations.

A definition node is a function, class or method node, or, for `const f = () => ...` and
class fields holding functions, the variable declarator or field whose value is the function;
for `res.status = function (code) {}` the assignment is, named by its property and owned by
its object (`Foo.prototype.bar` belongs to `Foo`; `exports.x` and `module.exports.x` to the
module).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codeassist.parsing.docstrings import JSDOC
from codeassist.parsing.doctags import comment_doc
from codeassist.parsing.nodes import text, unique, walk_body
from codeassist.records import CLASS, POSITIONAL, RECEIVER, VAR_POSITIONAL, CodeUnit, Doc, Param

if TYPE_CHECKING:
    from tree_sitter import Node

    from codeassist.parsing.parse import Definition

SEPARATOR = "."
# Nodes whose statements belong to another unit (or to no unit) when looking at a body.
_SCOPES = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "function_expression",
        "generator_function",
        "arrow_function",
        "method_definition",
        "class_declaration",
        "abstract_class_declaration",
        "class",
    }
)
_HOLDERS = frozenset({"variable_declarator", "field_definition", "public_field_definition"})
_ASSIGNMENT = "assignment_expression"
_MODULE_OBJECTS = frozenset({"exports", "module.exports", "this"})
_STUBS = frozenset({"abstract_method_signature", "function_signature", "method_signature"})
# Wrappers a doc comment is written before: `/** */ export const f = ...`.
_WRAPPERS = frozenset(
    {
        "export_statement",
        "ambient_declaration",
        "lexical_declaration",
        "variable_declaration",
        "expression_statement",
    }
)
_OVERLOADS = frozenset({"function_signature", "method_signature"})
_NO_VALUE = frozenset({"undefined", "void 0"})



def build(definition: Definition) -> CodeUnit:
    """Turn a function, class or method definition node into a CodeUnit.

    Args:
        definition: The node and the names the driver worked out.

    Returns:
        The unit.
    """
    node = definition.node
    target = _value(node)
    start_line, start_col = _start(node)
    common = definition.fields(
        start_line=start_line,
        start_col=start_col,
        doc=_doc(node, definition.name),
        decorators=_decorators(node),
    )
    if definition.kind == CLASS:
        constructor = _constructor(target)
        params = _params(constructor) if constructor is not None else ()
        # As for Python: without a visible constructor the parameters may be inherited.
        return CodeUnit(**common, params=params, is_stub=constructor is None)
    body = target.child_by_field_name("body")
    own = list(walk_body(body, _SCOPES)) if body is not None else []
    returns = _annotation(target.child_by_field_name("return_type"))
    # Ambient signatures (`declare function f(a)`) are declarations of their own, not overloads.
    overloads = _overloads(node, definition.name) if body is not None else []
    return CodeUnit(
        **common,
        params=_params(target),
        overloads=tuple(_params(signature) for signature in reversed(overloads)),
        returns=returns,
        returns_value=_returns_value(body, own, returns),
        yields=any(n.type == "yield_expression" for n in own),
        raises=unique([name for n in own if n.type == "throw_statement" for name in _raised(n)]),
        is_stub=target.type in _STUBS or body is None,
    )


def qualname_prefix(node: Node) -> str | None:
    """Return the owner of a function assigned to a property, which nesting does not show.

    Args:
        node: A definition node.

    Returns:
        `res` for `res.status = function ...`, `Foo` for `Foo.prototype.bar = ...`; None for
        other nodes and for properties of `exports`, `module.exports` and `this`, which
        belong to the enclosing unit or module.
    """
    if node.type != _ASSIGNMENT:
        return None
    left = node.child_by_field_name("left")
    target = left.child_by_field_name("object") if left is not None else None
    if target is None:
        return None
    owner = "".join(text(target).split()).removesuffix(".prototype")
    return None if owner in _MODULE_OBJECTS else owner


def _value(node: Node) -> Node:
    """Return the function or class a declarator, field or assignment holds; others are themselves."""
    if node.type in _HOLDERS:
        return node.child_by_field_name("value") or node
    if node.type == _ASSIGNMENT:
        return node.child_by_field_name("right") or node
    return node


def _start(node: Node) -> tuple[int, int]:
    # JavaScript keeps decorators inside the class/method node; start after them, as the
    # Python extractor does.
    for child in node.children:
        if child.type not in ("decorator", "comment"):
            return child.start_point[0] + 1, child.start_point[1] + 1
    return node.start_point[0] + 1, node.start_point[1] + 1


def _decorators(node: Node) -> tuple[str, ...]:
    found = [child for child in node.children if child.type == "decorator"]
    # TypeScript puts a method's decorators before it in the class body, and a class's
    # before `export` in the export statement.
    previous = node.prev_sibling
    while previous is not None and previous.type == "decorator":
        found.insert(0, previous)
        previous = previous.prev_sibling
    if node.parent is not None and node.parent.type == "export_statement":
        found = [c for c in node.parent.children if c.type == "decorator"] + found
    return tuple(text(d).lstrip("@").split("(")[0].strip() for d in found)


def _doc(node: Node, name: str) -> Doc | None:
    anchor = _anchor(node)
    if anchor is None:
        return None
    previous = _previous(anchor)
    if previous is None:
        return None
    if previous.type == "comment":
        return comment_doc(previous, JSDOC)
    # TypeScript overloads: the doc is written before the first signature.
    signature = _overload(previous, name)
    return _doc(signature, name) if signature is not None else None


def _anchor(node: Node) -> Node | None:
    """Return the statement a doc comment is written before, or None when it documents another."""
    anchor = node
    while anchor.parent is not None and anchor.parent.type in _WRAPPERS:
        declarators = [c for c in anchor.parent.named_children if c.type == "variable_declarator"]
        if declarators and declarators[0] != anchor:
            return None  # in `const a = ..., b = ...` the comment documents `a`
        anchor = anchor.parent
    return anchor


def _previous(anchor: Node) -> Node | None:
    previous = anchor.prev_sibling
    # A class body keeps a member's `;` as a sibling: `m(a: string): void;` then `m(a) {}`.
    while previous is not None and previous.type in ("decorator", ";"):
        previous = previous.prev_sibling
    return previous


def _overload(node: Node, name: str) -> Node | None:
    """Return the overload signature of `name` that `node` is or exports, if it is one."""
    if node.type == "export_statement":
        node = node.child_by_field_name("declaration") or node
    if node.type in _OVERLOADS and text(node.child_by_field_name("name")) == name:
        return node
    return None


def _overloads(node: Node, name: str) -> list[Node]:
    """Return the overload signatures written before an implementation, nearest first."""
    found: list[Node] = []
    anchor = _anchor(node)
    while anchor is not None:
        previous = _previous(anchor)
        # Each overload may carry its own doc comment (rxjs `Notification.do`).
        while previous is not None and previous.type == "comment":
            previous = _previous(previous)
        signature = _overload(previous, name) if previous is not None else None
        if signature is None:
            break
        found.append(signature)
        anchor = _anchor(signature)
    return found


def _constructor(class_node: Node) -> Node | None:
    body = class_node.child_by_field_name("body")
    if body is None:
        return None
    members = [
        child
        for child in body.named_children
        if child.type in ("method_definition", "method_signature")
        and text(child.child_by_field_name("name")) == "constructor"
    ]
    # With overloaded constructors the implementation holds the real parameter names.
    implemented = [m for m in members if m.type == "method_definition"]
    return (implemented or members or [None])[0]


def _params(function: Node) -> tuple[Param, ...]:
    single = function.child_by_field_name("parameter")  # `x => x`
    if single is not None:
        return (Param(text(single)),)
    parameters = function.child_by_field_name("parameters")
    if parameters is None:
        return ()
    params = [_param(child) for child in parameters.named_children]
    return tuple(param for param in params if param is not None)


def _param(node: Node) -> Param | None:
    kind = node.type
    if kind in ("required_parameter", "optional_parameter"):
        pattern = node.child_by_field_name("pattern")
        inner = _param(pattern) if pattern is not None else None
        if inner is None:
            return None
        annotation = _annotation(node.child_by_field_name("type"))
        default = text(node.child_by_field_name("value")) or None
        return Param(inner.name, annotation, default, inner.kind)
    if kind == "this":
        return Param("this", kind=RECEIVER)
    if kind == "identifier":
        return Param(text(node))
    if kind == "assignment_pattern":
        left = node.child_by_field_name("left")
        inner = _param(left) if left is not None else None
        if inner is None:
            return None
        return Param(inner.name, default=text(node.child_by_field_name("right")) or None)
    if kind == "rest_pattern":
        return Param(_compact(text(node).removeprefix("...")), kind=VAR_POSITIONAL)
    if kind in ("object_pattern", "array_pattern"):
        return Param(_compact(text(node)), kind=POSITIONAL)
    return None  # comments


def _compact(pattern: str) -> str:
    return " ".join(pattern.split())


def _annotation(node: Node | None) -> str | None:
    return text(node).strip().removeprefix(":").strip() or None


def _returns_value(body: Node | None, own: list[Node], returns: str | None) -> bool:
    if body is None:
        return False
    if body.type != "statement_block":
        # An expression-bodied arrow returns its expression, unless typed to discard it.
        return returns != "void" and not text(body).startswith("void ")
    for node in own:
        if node.type != "return_statement":
            continue
        values = [c for c in node.named_children if c.type != "comment"]
        if values and text(values[0]) not in _NO_VALUE:
            return True
    return False


def _raised(node: Node) -> list[str]:
    values = [c for c in node.named_children if c.type != "comment"]
    if not values:
        return []
    value = values[0]
    if value.type == "new_expression":
        target = value.child_by_field_name("constructor")
    elif value.type == "call_expression":  # `throw Error("x")` works without `new`
        target = value.child_by_field_name("function")
    else:
        return []  # `throw err` rethrows a variable; only class-like names tell the type
    if target is None or target.type not in ("identifier", "member_expression"):
        return []
    name = text(target)
    return [name] if name.rsplit(".", 1)[-1][:1].isupper() else []
