"""CA3xx: prose documentation (README, docs/) that mentions code this change altered.

Two halves. The lexical one reads code markup (spans and blocks), where a mention of
`fetch(timeout=3)` really means the code: a removed unit named as a call or by its
qualified name, a removed parameter passed by keyword next to a call of its function, and
a removed command-line flag. The semantic one (`codeassist.heads.doc_mentions`) reads the prose
around it: a paragraph that describes a removed unit, or one whose parameter was removed or
renamed, without naming it in code. It reports only paragraphs the lexical half left alone
and the change did not edit, and loads the documentation encoder only when some paragraph
names words of a removed unit or a lost parameter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from codeassist.heads.doc_mentions.targets import MentionTarget, doc_changes, is_changelog, is_prose_doc, new_params, param_changes
from codeassist.heads.doc_mentions.score import best_matches
from codeassist.parsing.markup import DOC_SUFFIXES, CodeLine, ProseChunk, code_lines, prose_chunks
from codeassist.languages import language_for_path
from codeassist.review.context import ChangeContext
from codeassist.review.rules.base import WARNING, Rule, line_finding
from codeassist.records import Finding

CA301 = Rule(
    id="CA301",
    name="docs-mention-changed-code",
    severity=WARNING,
    summary="Documentation mentions a symbol, parameter or flag that this change removed or renamed.",
    what="Reads the repository's Markdown and reST documentation as it is after the change "
    "and reports code spans and code blocks that still use what the change took away: a "
    "removed function or class called by name (`fetch(...)`) or named by its qualified name, "
    "a removed parameter passed by keyword to its function (`fetch(timeout=3)`), or a "
    "command-line flag that disappeared from the code (`--verbose`). It also reads the prose "
    "of the README and docs/ (changelogs aside): a paragraph or list item that the "
    "documentation encoder, together with the words it shares with the unit's name, finds to "
    "describe a removed function, or one whose parameter was removed or renamed, is reported "
    "on its first line with the unit and the match score; the threshold was tuned for "
    "precision on real release histories. The finding sits on the documentation line and "
    "names what to update.",
    why="Users copy examples from the README. An example that calls a removed function or "
    "passes a renamed argument fails the first time someone tries it.",
    example="# README.md, after renaming `timeout` to `deadline` in client.py\n"
    "```python\nclient.fetch(url, timeout=3)\n```",
    instead="```python\nclient.fetch(url, deadline=3)\n```",
)

RULES = (CA301,)

_FLAG = re.compile(r"""["'](--[a-z][a-z0-9-]*)["']""")
_DOC_LIMIT = 300  # documents read per review, largest repositories aside
_MIN_NAME = 3  # shorter names match too much


def check_change(context: ChangeContext) -> Iterator[Finding]:
    """Yield CA301 findings for the documentation after a change.

    Args:
        context: The reviewed change.

    Yields:
        Findings located in documentation files.
    """
    removed_units, removed_params = removed_code(context)
    removed_flags = _removed_flags(context)
    changes = doc_changes(context.units)
    if not (removed_units or removed_params or removed_flags or changes):
        return
    # Changelogs name removed code on purpose: that is what they are for.
    documents = [p for p in context.paths()
                 if PurePosixPath(p).suffix.lower() in DOC_SUFFIXES and not is_changelog(p)]
    prose: list[tuple[str, ProseChunk]] = []
    edited = {change.path: change.added_lines for change in context.changes.files}
    for path in sorted(documents)[:_DOC_LIMIT]:
        text = context.read(path)
        if text is None:
            continue
        lines = code_lines(text, PurePosixPath(path).suffix)
        flagged = list(stale_mentions(path, lines, removed_units, removed_params, removed_flags))
        yield from flagged
        if changes and is_prose_doc(path):
            # Paragraphs the lexical half reported, or that this change edited, are settled.
            settled = {f.line for f in flagged} | edited.get(path, frozenset())
            prose += [(path, chunk) for chunk in prose_chunks(text, PurePosixPath(path).suffix, code=lines)
                      if not any(chunk.line <= line <= chunk.end_line for line in settled)]
    if prose:
        yield from _described(changes, prose)


def _described(changes: list[MentionTarget], prose: list[tuple[str, ProseChunk]]) -> Iterator[Finding]:
    """Report prose chunks that the semantic matcher ties to a changed unit."""
    by_chunk = {id(chunk): path for path, chunk in prose}

    def encode(texts: list[str]):  # noqa: ANN202 - numpy rows; imported only when needed
        from codeassist.encoders.cache import EmbeddingCache
        from codeassist.encoders.text import encode_docs
        return encode_docs(texts, cache=EmbeddingCache())

    for match in best_matches(changes, [chunk for _, chunk in prose], encode):
        yield _finding(
            by_chunk[id(match.chunk)], match.chunk.line,
            f"this paragraph seems to describe `{match.change.qualname}` (match {match.score:.2f}), "
            f"but {match.change.what}; update it",
        )


def removed_code(
    context: ChangeContext,
) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str, str | None]]]:
    """Return the units and parameters that a change removed, for `stale_mentions`.

    Args:
        context: The change; only its paired units are read.

    Returns:
        Removed units (name → (description, its class or "")) and removed parameters
        (`call name` + NUL + parameter → (function, parameter, its replacement when exactly
        one parameter was renamed)).
    """
    still_defined = {change.new.name for _, change in context.units if change.new is not None}
    units: dict[str, tuple[str, str]] = {}
    params: dict[str, tuple[str, str, str | None]] = {}
    kept = new_params(context.units)
    for path, change in context.units:
        old, new = change.old, change.new
        if old is None:
            continue
        if new is None:
            if old.name not in still_defined and len(old.name) >= _MIN_NAME:
                owner = old.qualname.rpartition(".")[0].rpartition(".")[2]
                units[old.name] = (f"`{old.qualname}` was removed from {path}", owner)
            continue
        if not change.signature:
            continue
        gone, added = param_changes(path, change, kept)
        for name in gone:
            replacement = added[0] if len(gone) == 1 and len(added) == 1 else None
            params[f"{new.name}\0{name}"] = (new.qualname, name, replacement)
    return units, params


def _removed_flags(context: ChangeContext) -> dict[str, str]:
    flags: dict[str, str] = {}
    for change in context.changes.files:
        if change.old_text is None or language_for_path(change.old_path) is None:
            continue  # a flag that left a document (or a moved one) was never the code's
        before = set(_FLAG.findall(change.old_text))
        after = set(_FLAG.findall(change.new_text or ""))
        for flag in sorted(before - after):
            flags[flag] = change.path
    return flags


def stale_mentions(
    path: str,
    lines: list[CodeLine],
    units: dict[str, tuple[str, str]],
    params: dict[str, tuple[str, str, str | None]],
    flags: dict[str, str],
) -> Iterator[Finding]:
    """Report the code lines of a document that use removed code: the lexical half of CA301.

    Args:
        path: The document's path.
        lines: Its code lines (inline code and code blocks).
        units: Removed units, as `removed_code` returns them.
        params: Removed parameters, as `removed_code` returns them.
        flags: Removed command-line flags → the file they left.

    Yields:
        One finding per line and removed name it uses.
    """
    blocks: dict[int, str] = {}
    for line in lines:
        if line.block:
            blocks[line.block] = blocks.get(line.block, "") + "\n" + line.code
    for line in lines:
        context_code = blocks[line.block] if line.block else line.code
        for name, (what, owner) in units.items():
            # A removed method (`join`, `encode`) counts only where its class is in sight:
            # builtins and other classes have methods of the same name.
            if owner and not re.search(rf"\b{re.escape(owner)}\b", context_code):
                continue
            if re.search(rf"(?<![\w.]){re.escape(name)}\s*\(|\.{re.escape(name)}\b", line.code):
                yield _finding(path, line.line, f"documentation uses `{name}`, but {what}; update or remove it")
        for key, (function, param, replacement) in params.items():
            call = key.split("\0")[0]
            if not re.search(rf"\b{re.escape(param)}\s*=", line.code):
                continue
            if not re.search(rf"\b{re.escape(call)}\s*\(", context_code):
                continue
            hint = f"; it is now `{replacement}`" if replacement else ""
            yield _finding(
                path, line.line,
                f"documentation passes `{param}` to `{function}`, which this change removed{hint}",
            )
        for flag, source in flags.items():
            if re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", line.code):
                yield _finding(path, line.line, f"documentation uses `{flag}`, which this change removed from {source}")


def _finding(path: str, line: int, message: str) -> Finding:
    return line_finding(CA301, path, line, message)
