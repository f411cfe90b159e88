"""Small helpers over tree-sitter nodes that every extractor uses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Node


def text(node: Node | None) -> str:
    """Return a node's source text (empty for None).

    Args:
        node: A node, or None.

    Returns:
        The UTF-8 decoded text, with undecodable bytes replaced.
    """
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", errors="replace")


def span(node: Node) -> tuple[int, int, int, int]:
    """Return 1-based (start_line, start_col, end_line, end_col) of a node.

    Args:
        node: A node.

    Returns:
        Lines and columns counted from 1; columns are byte offsets + 1.
    """
    (sr, sc), (er, ec) = node.start_point, node.end_point
    return sr + 1, sc + 1, er + 1, ec + 1


def walk_body(node: Node, stop_types: frozenset[str]) -> Iterator[Node]:
    """Yield every descendant of `node`, not descending into nodes of `stop_types`.

    Used to look at a function's own statements without those of nested functions,
    lambdas and classes.

    Args:
        node: Where to start (not yielded).
        stop_types: Node types that are yielded but not entered.

    Yields:
        Descendant nodes in document order.
    """
    stack = list(reversed(node.children))
    while stack:
        current = stack.pop()
        yield current
        if current.type not in stop_types:
            stack.extend(reversed(current.children))


def first_error_line(node: Node) -> int | None:
    """Return the 1-based line of the first ERROR or MISSING node under `node`, if any.

    Args:
        node: A node, usually a tree's root.

    Returns:
        The line, or None when the subtree parsed cleanly.
    """
    if not node.has_error:
        return None
    stack = [node]
    while stack:
        current = stack.pop()
        if current.is_error or current.is_missing:
            return current.start_point[0] + 1
        stack.extend(reversed([c for c in current.children if c.has_error or c.is_missing]))
    return node.start_point[0] + 1


def unique(items: list[str]) -> tuple[str, ...]:
    """Return items without duplicates, first occurrence first.

    Args:
        items: Strings, possibly repeated.

    Returns:
        A tuple in first-seen order.
    """
    return tuple(dict.fromkeys(items))
