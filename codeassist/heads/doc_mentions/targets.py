"""Changed units that prose documentation may still describe, and which documents to read.

A change falsifies prose about a unit when it removes the unit or takes a parameter away
(renamed or dropped); added parameters and body edits rarely do. `doc_changes` picks those
units from a change and gives each the words prose about it would use and the text that
stands for its old version (`query_text`); `is_prose_doc` says which files are user
documentation (a top-level README, docs/ and doc/), changelogs aside, since those name removed
code on purpose. `codeassist.heads.doc_mentions.score` scores prose against them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from codeassist.parsing.markup import DOC_SUFFIXES
from codeassist.records import CLASS, RECEIVER, VAR_KEYWORD, VAR_POSITIONAL, CodeUnit

if TYPE_CHECKING:
    from codeassist.parsing.pairing import UnitPair

_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+")
# Name words too common in prose to be evidence on their own.
_WEAK = frozenset({
    "get", "set", "the", "and", "for", "new", "old", "add", "from", "with", "make", "run", "use",
    "init", "main", "data", "value", "values", "type", "name", "args", "kwargs", "self", "obj",
    "item", "items", "key", "keys", "str", "list", "dict", "default", "base", "util", "utils",
    "helper", "helpers", "core", "impl", "internal", "func", "function", "class", "method",
})
_MIN_WORD = 3
_NOT_API = re.compile(r"(^|/)(tests?|testing|demos?|examples?|benchmarks?)/|(^|/)(unit)?tests?[^/]*\.py$|_tests?\.py$",
                      re.I)
# Changelogs, release notes and migration guides name removed code on purpose.
_CHANGELOG = re.compile(r"(change|history|news|release|whats_?new|what_s_new|versions|migrat|upgrad|authors)", re.I)


def is_changelog(path: str) -> bool:
    """Whether a document is a changelog, release notes or a migration guide.

    Args:
        path: Repository-relative, `/`-separated.

    Returns:
        True when its path says so (CHANGES.rst, docs/releases/v1.0.rst, HISTORY.md, ...).
    """
    return bool(_CHANGELOG.search(path))


def is_prose_doc(path: str) -> bool:
    """Whether a file is user documentation to match: a top-level README, or docs/ and doc/.

    Args:
        path: Repository-relative, `/`-separated.

    Returns:
        True for Markdown and reST there, changelogs and release notes aside.
    """
    parts = PurePosixPath(path).parts
    if PurePosixPath(path).suffix.lower() not in DOC_SUFFIXES or is_changelog(path):
        return False
    return (len(parts) == 1 and parts[0].lower().startswith("readme")) or parts[0] in ("docs", "doc")


@dataclass(frozen=True)
class MentionTarget:
    """A changed unit that documentation may still describe.

    Attributes:
        path: The unit's file.
        qualname: Its qualified name before the change.
        what: What changed, as a clause ("parameter `timeout` was renamed to `deadline`").
        query: The text that stands for the old unit.
        words: Its distinctive name words, lower case.
        identifier: Its name when compound (`parse_date`, `ParseResults`), else "".
        params: Removed parameter names, lower case, unless they repeat a name word.
        module: The module name, lower case ("" when too generic).
        removed: The unit itself was removed (else it lost parameters).
    """

    path: str
    qualname: str
    what: str
    query: str
    words: frozenset[str]
    identifier: str
    params: frozenset[str]
    module: str
    removed: bool


def name_words(name: str) -> list[str]:
    """Split an identifier into lower-case words (`parseDate`, `parse_date` → parse, date).

    Args:
        name: An identifier, possibly dotted.

    Returns:
        Its words, in order.
    """
    return [word.lower() for part in re.split(r"[\W_]+", name) for word in _CAMEL.findall(part)]


def text_words(text: str) -> set[str]:
    """Return the lower-case words of prose, identifiers split as well as whole.

    Args:
        text: A chunk of prose.

    Returns:
        The set of words, with a trailing plural "s" also removed.
    """
    words: set[str] = set()
    for token in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text):
        for word in {token.lower(), *name_words(token)}:
            words.add(word)
            if len(word) > 3 and word.endswith("s"):
                words.add(word[:-1])
    return words


def doc_changes(units: Iterable[tuple[str, UnitPair]]) -> list[MentionTarget]:
    """Pick the changed units whose old documentation in prose would now be wrong.

    Removed public units (not redefined elsewhere in the change) and units that lost or
    renamed a parameter; added parameters and body edits rarely falsify prose, and private
    names (`_helper`) are rarely described in user documentation.

    Args:
        units: (path, UnitPair) of the change.

    Returns:
        One MentionTarget per such unit.
    """
    units = list(units)
    still_defined = {change.new.name for _, change in units if change.new is not None}
    kept = new_params(units)
    functions = {(path, change.old.qualname) for path, change in units
                 if change.old is not None and change.old.kind != CLASS}
    found = []
    for path, change in units:
        old, new = change.old, change.new
        if old is None or any(part.startswith("_") for part in old.qualname.split(".")):
            continue
        if _NOT_API.search(path) or (path, old.qualname.rpartition(".")[0]) in functions:
            continue  # tests, demos and functions nested in functions are not what docs describe
        if new is None:
            if old.name in still_defined:
                continue  # moved, not removed
            what = f"`{old.qualname}` was removed from {path}"
            gone: list[str] = []
        elif change.signature:
            gone, added = param_changes(path, change, kept)
            if not gone or any(p.kind in (VAR_POSITIONAL, VAR_KEYWORD) for p in new.params
                               if p.name in added):
                continue  # a new *args/**kwargs usually still takes what was "removed"
            if new.kind == CLASS and not new.params:
                continue  # the constructor is no longer visible (a dataclass, a base's), not gone
            if len(gone) == 1 and len(added) == 1:
                what = f"parameter `{gone[0]}` of `{old.qualname}` was renamed to `{added[0]}`"
            else:
                listed = ", ".join(f"`{name}`" for name in gone)
                what = f"`{old.qualname}` lost parameter(s) {listed}"
        else:
            continue
        words = frozenset(w for w in name_words(old.name) if len(w) >= _MIN_WORD and w not in _WEAK)
        params = frozenset(p.lower() for p in gone if len(p) >= _MIN_WORD) - words - _WEAK
        module = PurePosixPath(path).stem.lower()
        module = "" if module.startswith("_") or module in _WEAK or len(module) < _MIN_WORD else module
        found.append(MentionTarget(
            path=path, qualname=old.qualname, what=what, query=query_text(old),
            words=words, identifier=old.name if len(name_words(old.name)) >= 2 else "", params=params,
            module=module, removed=new is None,
        ))
    return found


def new_params(units: Iterable[tuple[str, UnitPair]]) -> dict[tuple[str, str], set[str]]:
    """Return every parameter name each unit takes after the change, over all its versions.

    Overloads (`@overload`, several signatures of one name) pair up in order, so one of them
    can look like it lost a parameter that the others still take.

    Args:
        units: (path, UnitPair) of the change.

    Returns:
        Parameter names by (path, qualified name).
    """
    found: dict[tuple[str, str], set[str]] = {}
    for path, change in units:
        if change.new is not None:
            found.setdefault((path, change.new.qualname), set()).update(p.name for p in change.new.params)
    return found


def param_changes(path: str, change: UnitPair, kept: dict[tuple[str, str], set[str]]) -> tuple[list[str], list[str]]:
    """Return the parameters a unit lost and gained (receivers aside), in signature order.

    Overloads pair up in order, so a parameter that another version of the unit still takes
    (`kept`, from `new_params`) is not lost.

    Args:
        path: The unit's file.
        change: A change with both an old and a new version.
        kept: Every parameter name each unit takes after the change.

    Returns:
        (lost, gained) parameter names.
    """
    assert change.old is not None and change.new is not None
    before = [p.name for p in change.old.params if p.kind != RECEIVER]
    after = [p.name for p in change.new.params if p.kind != RECEIVER]
    gone = [name for name in before if name not in after and name not in kept.get((path, change.new.qualname), ())]
    return gone, [name for name in after if name not in before]


def query_text(unit: CodeUnit) -> str:
    """Return the text that stands for a unit when matching prose: name, signature, summary.

    Args:
        unit: The old version of the unit.

    Returns:
        e.g. "parse date — parse_date(text, tz): Parse an ISO date string."
    """
    params = ", ".join(p.name for p in unit.params if p.kind != RECEIVER)
    summary = ""
    if unit.doc is not None:
        summary = " ".join(unit.doc.text.strip().split("\n\n")[0].split())
    return f"{' '.join(name_words(unit.qualname))} — {unit.qualname}({params}): {summary}".strip()
