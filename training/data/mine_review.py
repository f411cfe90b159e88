"""Mine CA501 review examples: real functions with one injected bug, and clean refactors.

BugLab-style (Allamanis et al., NeurIPS 2021): on real functions from the mined pairs
(training/data/mine_pairs.py, already split by package), tree-sitter finds the places where
a one-token bug fits — a comparison or binary operator, an integer bound (off by one), two
positional call arguments, a variable read (another in-scope name), an `if`/`while`
condition (negated), a literal (True/False, 0/1, "") — and one is injected. The mutated
function is shown as the new side of a change, numbered exactly as the product numbers a
hunk (`codeassist.changes.hunkview.render_hunk`), and the target names the line, the bug
and the fix; the suggestion is the original line.

Negatives teach the model to stay quiet (`{"line": null}`): a local variable renamed
consistently, a comment added, a literal extracted to a constant, two independent
assignments swapped, and plain unchanged code shown as added. Every mutation and refactor
is checked to parse; a mutation changes exactly one line, the target line.

The split is the pairs' split, by package. Seeded, so the same config gives the same rows.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from codeassist.changes.hunkview import CONTEXT, render_hunk
from codeassist.languages import parser
from codeassist.parsing.nodes import first_error_line
from training.config import add_config_arguments, load_config, parse_set

NO_COMMENT = '{"line": null}'

_COMPARE_SWAP = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "==",
                 "is": "is not", "is not": "is", "in": "not in", "not in": "in"}
_BINARY_SWAP = {"+": "-", "-": "+", "*": "/", "/": "*", "//": "/", "%": "//", "<<": ">>", ">>": "<<",
                "&": "|", "|": "&", "and": "or", "or": "and"}
_LITERAL_SWAP = {"True": "False", "False": "True", "0": "1", "1": "0", '""': '" "', "''": "' '"}
_OFF_BY_ONE_PARENTS = frozenset({"subscript", "slice", "comparison_operator", "binary_operator",
                                 "argument_list", "unary_operator"})
_COMMENTS = ("# handle the common case first", "# keep the original order", "# see below",
             "# nothing to do otherwise", "# note: may be empty", "# compute the result")


class Edit(NamedTuple):
    """One textual edit of a function: what it is and how the target describes it."""

    kind: str
    start: int          # byte offsets into the function's source
    end: int
    replacement: str
    comment: str        # the bug, named for the target ("" for refactors)


def _walk(node: Any) -> Iterator[Any]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def _text(node: Any) -> str:
    return node.text.decode("utf-8", "replace")


def _one_line(node: Any) -> bool:
    return node.start_point[0] == node.end_point[0] and node.start_point[0] > 0


def _names(root: Any) -> set[str]:
    """Return the function's parameters and assigned locals: the in-scope names to confuse."""
    names: set[str] = set()
    for node in _walk(root):
        if node.type in ("parameters", "lambda_parameters"):
            for param in node.children:
                ident = param if param.type == "identifier" else param.child_by_field_name("name")
                if ident is None and param.children and param.children[0].type == "identifier":
                    ident = param.children[0]
                if ident is not None and ident.type == "identifier":
                    names.add(_text(ident))
        elif node.type in ("assignment", "augmented_assignment", "for_statement"):
            target = node.child_by_field_name("left")
            if target is not None and target.type == "identifier":
                names.add(_text(target))
    return names - {"self", "cls"}


def _is_read(ident: Any) -> bool:
    parent = ident.parent
    if parent is None:
        return False
    if parent.type == "attribute" and parent.child_by_field_name("attribute") == ident:
        return False
    if parent.type == "keyword_argument" and parent.child_by_field_name("name") == ident:
        return False
    if parent.type in ("assignment", "augmented_assignment", "for_statement") and \
            parent.child_by_field_name("left") == ident:
        return False
    return parent.type not in ("parameters", "default_parameter", "typed_parameter", "typed_default_parameter",
                               "function_definition", "class_definition", "dotted_name", "aliased_import",
                               "global_statement", "nonlocal_statement", "lambda_parameters")


def bug_edits(root: Any, rng: random.Random) -> list[Edit]:
    """List every one-token bug that fits this function.

    Args:
        root: The parsed function (tree-sitter root node).
        rng: For the choices inside a kind (which other variable).

    Returns:
        Candidate edits, each on a single line below the `def` line.
    """
    edits: list[Edit] = []
    names = sorted(_names(root))
    for node in _walk(root):
        kind = node.type
        # Statements span lines; their condition or arguments are checked below.
        if kind not in ("if_statement", "while_statement", "elif_clause", "argument_list") and not _one_line(node):
            continue
        if kind == "comparison_operator":
            for op in node.children:
                if op.type in _COMPARE_SWAP:
                    new = _COMPARE_SWAP[op.type]
                    edits.append(Edit("comparison-operator", op.start_byte, op.end_byte, new,
                                      f"Wrong comparison operator: `{new}` should be `{op.type}`."))
        elif kind in ("binary_operator", "boolean_operator"):
            op = node.child_by_field_name("operator")
            if op is not None and op.type in _BINARY_SWAP:
                new = _BINARY_SWAP[op.type]
                edits.append(Edit("binary-operator", op.start_byte, op.end_byte, new,
                                  f"Wrong operator: `{new}` should be `{op.type}`."))
        elif kind == "integer" and node.parent is not None and node.parent.type in _OFF_BY_ONE_PARENTS:
            value = _text(node)
            if value.isdigit() and int(value) < 1000:
                new = str(int(value) + rng.choice((-1, 1)) if int(value) > 0 else 1)
                edits.append(Edit("off-by-one", node.start_byte, node.end_byte, new,
                                  f"Off-by-one error: `{new}` should be `{value}`."))
        elif kind == "argument_list":
            positional = [a for a in node.named_children if a.type not in
                          ("keyword_argument", "list_splat", "dictionary_splat", "comment")]
            pairs = [(a, b) for a, b in zip(positional, positional[1:])
                     if _text(a) != _text(b) and a.start_point[0] == b.end_point[0] > 0]
            if pairs and not any(a.type == "keyword_argument" for a in node.named_children[:1]):
                a, b = rng.choice(pairs)
                between = node.text[a.end_byte - node.start_byte : b.start_byte - node.start_byte].decode()
                edits.append(Edit("swapped-arguments", a.start_byte, b.end_byte, _text(b) + between + _text(a),
                                  f"Arguments swapped: `{_text(a)}` and `{_text(b)}` are passed in the wrong order."))
        elif kind == "identifier" and _is_read(node) and _text(node) in names:
            others = [n for n in names if n != _text(node)]
            if others:
                new = rng.choice(others)
                edits.append(Edit("wrong-variable", node.start_byte, node.end_byte, new,
                                  f"Wrong variable: `{new}` is used where `{_text(node)}` is meant."))
        elif kind in ("if_statement", "while_statement", "elif_clause"):
            cond = node.child_by_field_name("condition")
            if cond is not None and _one_line(cond):
                if cond.type == "not_operator":
                    inner = cond.child_by_field_name("argument")
                    new = _text(inner) if inner is not None else None
                else:
                    wrap = cond.type in ("boolean_operator", "conditional_expression", "named_expression")
                    new = f"not ({_text(cond)})" if wrap else f"not {_text(cond)}"
                if new:
                    fix = "remove the `not`" if new.startswith("not") else f"it should be `{_text(cond)}`"
                    edits.append(Edit("negated-condition", cond.start_byte, cond.end_byte, new,
                                      f"Condition is negated: {fix}."))
        elif kind in ("true", "false", "integer", "string") and _text(node) in _LITERAL_SWAP:
            new = _LITERAL_SWAP[_text(node)]
            edits.append(Edit("wrong-literal", node.start_byte, node.end_byte, new,
                              f"Wrong literal: `{new}` should be `{_text(node)}`."))
    return edits


def _statements(root: Any) -> Iterator[Any]:
    for node in _walk(root):
        if node.type == "block":
            yield from node.named_children


def refactor_edits(root: Any, source: bytes, rng: random.Random) -> list[Edit]:
    """List behaviour-preserving edits of this function.

    Args:
        root: The parsed function.
        source: Its source bytes.
        rng: For the choices inside a kind.

    Returns:
        Candidate edits; the rename is applied by the caller (it touches many places).
    """
    edits: list[Edit] = []
    statements = [s for s in _statements(root) if s.start_point[0] > 0 and s.type != "comment"]
    if statements:
        target = rng.choice(statements)
        line_start = source.rfind(b"\n", 0, target.start_byte) + 1
        indent = source[line_start : target.start_byte].decode()
        if not indent.strip():
            edits.append(Edit("add-comment", line_start, line_start, f"{indent}{rng.choice(_COMMENTS)}\n", ""))
    literals = [n for n in _walk(root) if n.type in ("integer", "string") and _one_line(n)
                and n.parent is not None and n.parent.type not in ("expression_statement", "concatenated_string")
                and 2 <= len(_text(n)) <= 30 and "\n" not in _text(n)]
    for literal in literals[:1]:
        statement = literal
        while statement.parent is not None and statement.parent.type != "block":
            statement = statement.parent
        if statement.parent is None or not _one_line(statement):
            continue
        line_start = source.rfind(b"\n", 0, statement.start_byte) + 1
        indent = source[line_start : statement.start_byte].decode()
        if indent.strip():
            continue
        name = "LIMIT" if literal.type == "integer" else "TEXT"
        line = source[line_start : statement.end_byte].decode()
        cut = literal.start_byte - line_start
        new_line = line[:cut] + name + line[cut + len(literal.text):]
        edits.append(Edit("extract-constant", line_start, statement.end_byte,
                          f"{indent}{name} = {_text(literal)}\n{new_line}", ""))
    for first, second in zip(statements, statements[1:]):
        if first.type == second.type == "expression_statement" and first.parent == second.parent \
                and _one_line(first) and _one_line(second) and second.start_point[0] == first.end_point[0] + 1:
            a, b = first.named_children[0], second.named_children[0]
            if a.type == b.type == "assignment":
                left_a, left_b = _text(a.child_by_field_name("left")), _text(b.child_by_field_name("left"))
                if left_a not in _text(second) and left_b not in _text(first) and "(" not in _text(first) + _text(second):
                    edits.append(Edit("swap-statements", first.start_byte, second.end_byte,
                                      _text(second) + source[first.end_byte : second.start_byte].decode()
                                      + _text(first), ""))
                    break
    return edits


def _rename(root: Any, source: bytes) -> bytes | None:
    locals_ = sorted(n for n in _names(root) if len(n) > 1 and not n.startswith("_"))
    params = {_text(p) for p in _walk(root.children[0].child_by_field_name("parameters") or root)
              if p.type == "identifier"} if root.children else set()
    candidates = [n for n in locals_ if n not in params]
    if not candidates:
        return None
    victim = candidates[0]
    out = bytearray(source)
    for node in sorted((n for n in _walk(root) if n.type == "identifier" and _text(n) == victim
                        and (n.parent is None or n.parent.type != "attribute"
                             or n.parent.child_by_field_name("attribute") != n)),
                       key=lambda n: -n.start_byte):
        out[node.start_byte : node.end_byte] = f"{victim}_value".encode()
    return bytes(out)


def _parses(source: bytes) -> bool:
    tree = parser("python").parse(source)
    return not tree.root_node.has_error and first_error_line(tree.root_node) is None


def _changed_lines(old: list[str], new: list[str]) -> tuple[int, int] | None:
    """Return the 0-based first and last line of `new` that differ from `old` (common prefix/suffix)."""
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return None if head == len(new) - tail else (head, len(new) - tail - 1)


def example(row: dict[str, Any], new_code: str, kind: str, changed: tuple[int, int], bug: tuple[str, str] | None,
            rng: random.Random, max_added: int) -> dict[str, Any] | None:
    """Render one example: the new code as a numbered hunk view, and the target answer.

    Args:
        row: The mined pair the function comes from.
        new_code: The function after the edit.
        kind: The edit's kind.
        changed: First and last changed line (0-based) of `new_code`.
        bug: (comment, original line) for a bug; None for a clean change.
        rng: For where the function sits in its file and how much around the edit is "added".
        max_added: The most added lines shown.

    Returns:
        The row, or None when the change is larger than `max_added` lines.
    """
    lines = new_code.splitlines()
    first, last = changed
    # A change is rarely exactly the edited lines: widen the added block a little at random.
    first = max(1, first - rng.randint(0, 2))
    last = min(len(lines) - 1, last + rng.randint(0, 2))
    if last - first + 1 > max_added:
        return None
    offset = rng.randint(1, 300)  # where the function starts in its file
    low, high = max(0, first - CONTEXT), min(len(lines) - 1, last + CONTEXT)
    added = set(range(first + offset, last + offset + 1))
    view = render_hunk(lines[low : high + 1], low + offset, added)
    if bug is None:
        bug_line, answer = 0, NO_COMMENT
    else:
        bug_line = changed[0] + offset
        comment, original = bug
        answer = json.dumps({"line": bug_line, "comment": comment, "suggestion": original.strip()})
    return {"package": row["package"], "path": row["path"], "qualname": row["qualname"], "kind": kind,
            "label": int(bug is not None), "view": view, "added": sorted(added), "bug_line": bug_line,
            "answer": answer, "old_code": row["code"], "new_code": new_code}


def examples_for(row: dict[str, Any], rng: random.Random, max_added: int) -> list[dict[str, Any]]:
    """Make one bug example and one clean example from a function, when they fit.

    Args:
        row: A mined pair (its `code` is the function without its docstring).
        rng: Seeded per row by the caller.
        max_added: The most added lines in a hunk.

    Returns:
        Zero to two examples.
    """
    source = row["code"].encode()
    root = parser("python").parse(source).root_node
    if root.has_error:
        return []
    old_lines = row["code"].splitlines()
    out: list[dict[str, Any]] = []
    bugs = bug_edits(root, rng)
    by_kind: dict[str, list[Edit]] = {}
    for edit in bugs:
        by_kind.setdefault(edit.kind, []).append(edit)
    if by_kind:
        edit = rng.choice(by_kind[rng.choice(sorted(by_kind))])  # uniform over kinds, then sites
        new = source[: edit.start] + edit.replacement.encode() + source[edit.end :]
        new_lines = new.decode().splitlines()
        changed = _changed_lines(old_lines, new_lines)
        if _parses(new) and changed is not None and changed[0] == changed[1] and len(new_lines) == len(old_lines):
            made = example(row, new.decode(), edit.kind, changed, (edit.comment, old_lines[changed[0]]), rng, max_added)
            out += [made] if made else []
    clean: list[tuple[str, bytes]] = [(e.kind, source[: e.start] + e.replacement.encode() + source[e.end :])
                                      for e in refactor_edits(root, source, rng)]
    renamed = _rename(root, source)
    if renamed is not None:
        clean.append(("rename-local", renamed))
    kind, new = rng.choice(clean) if clean and rng.random() < 0.7 else ("unchanged", source)
    if kind == "unchanged":
        start = rng.randint(1, max(1, len(old_lines) - 1))
        made = example(row, row["code"], kind, (start, min(len(old_lines) - 1, start + rng.randint(0, 4))),
                       None, rng, max_added)
    else:
        changed = _changed_lines(old_lines, new.decode().splitlines())
        made = example(row, new.decode(), kind, changed, None, rng, max_added) \
            if changed is not None and _parses(new) else None
    out += [made] if made else []
    return out


def mine(pairs: Any, limits: dict[str, int], *, seed: int, max_lines: int, max_added: int,
         progress: Callable[[str], None] = print) -> dict[str, list[dict[str, Any]]]:
    """Mine every split.

    Args:
        pairs: The mined pairs (a DatasetDict with train/dev/test, or a dict of row lists).
        limits: The most functions read per split.
        seed: The seed.
        max_lines: Functions longer than this are skipped (prompt length).
        max_added: The most added lines in a hunk.
        progress: Where the per-split counts go.

    Returns:
        Split name → example rows.
    """
    out: dict[str, list[dict[str, Any]]] = {}
    for split, limit in limits.items():
        rows = [r for r in pairs[split] if r["language"] == "python" and 3 <= r["code"].count("\n") < max_lines]
        random.Random(seed).shuffle(rows)
        made: list[dict[str, Any]] = []
        for index, row in enumerate(rows[:limit]):
            made += examples_for(row, random.Random(f"{seed}:{split}:{index}"), max_added)
        out[split] = made
        counts = Counter(r["kind"] for r in made)
        progress(f"{split}: {len(made)} examples from {min(limit, len(rows))} functions; {dict(sorted(counts.items()))}")
    return out


def main(argv: list[str] | None = None) -> int:
    """Mine the review examples into a `datasets` DatasetDict on disk.

    Args:
        argv: Command-line arguments (`--config FILE [--set KEY=VALUE] --out DIR`).

    Returns:
        0.
    """
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_config_arguments(cli)
    cli.add_argument("--out", type=Path, required=True)
    args = cli.parse_args(argv)
    config = load_config(args.config, parse_set(args.overrides), paths=("pairs",), shipped="mine_review")
    from datasets import Dataset, DatasetDict, load_from_disk

    pairs = load_from_disk(config["pairs"])
    splits = mine(pairs, {"train": config["max_train_functions"], "dev": config["max_dev_functions"],
                          "test": config["max_test_functions"]},
                  seed=config["seed"], max_lines=config["max_function_lines"], max_added=config["max_added_lines"])
    # An empty split is left out: `datasets` writes it with no shards and cannot load it back.
    DatasetDict({name: Dataset.from_list(rows) for name, rows in splits.items()
                 if rows}).save_to_disk(str(args.out.expanduser()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
