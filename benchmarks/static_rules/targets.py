"""Which functions of a file qualify for the mutation cases, and each one as its own module.

A function qualifies when its docstring documents exactly its parameters in one structured
style (as `doc_params.documented_params` reads it) and it is not a stub, an overload or an
abstract method.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from .doc_params import DocParams, documented_params

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


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


def _decorator_names(func: FunctionNode) -> set[str]:
    names = set()
    for deco in func.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        names.add(target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", ""))
    return names


def has_receiver(func: FunctionNode, in_class: bool) -> bool:
    """Tell whether a function's first parameter is a receiver (`self`, `cls`).

    Args:
        func: The function node.
        in_class: Whether it is defined in a class body.

    Returns:
        True for a method that is not a staticmethod.
    """
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
    if has_receiver(func, in_class):
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


def returns_value(func: FunctionNode) -> bool:
    """Tell whether a function's own body returns something other than None.

    Args:
        func: The function node.

    Returns:
        True when some `return` of its own (not of a nested scope) has a value other than a
        literal None; False for generators.
    """
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
    if has_receiver(func, in_class) and not positional:
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
