"""The four mutations that make a documented function disagree with its docstring.

Each mutator edits one parsed function in place and says whether it applied; `mutants` runs
them all on a standalone module (`targets.standalone_module`).
"""

from __future__ import annotations

import ast
import random
from collections.abc import Callable

from .doc_params import documented_params
from .targets import FunctionNode, has_receiver, returns_value

KINDS = ("rename", "remove", "add", "drop_return")
ADDED_NAME = "extra_option"
RENAME_SUFFIX = "_renamed"


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
    if has_receiver(func, in_class):
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
    if parsed is None or not parsed.returns or not returns_value(func):
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
            (`targets.standalone_module` writes these).
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
