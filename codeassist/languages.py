"""The language registry: name → grammar, file suffixes, query file, unit extractor.

Adding a language means one entry here, one `queries/<name>.scm`, and one extractor module
with `SEPARATOR`, `qualname_prefix(node)` and `build(definition)` (see `parse.Extractor`).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tree_sitter


@dataclass(frozen=True)
class LanguageSpec:
    """How to parse one language.

    Attributes:
        name: The registry key, also used in outputs.
        suffixes: File suffixes, lower case, with the dot.
        grammar: `module:function` returning the tree-sitter language pointer.
        extractor: The module that turns definition nodes into CodeUnits.
        param_docs: Whether its documentation convention has parameter sections.
    """

    name: str
    suffixes: tuple[str, ...]
    grammar: str
    extractor: str
    param_docs: bool = True


LANGUAGES: dict[str, LanguageSpec] = {
    "python": LanguageSpec(
        "python", (".py", ".pyi"), "tree_sitter_python:language", "codeassist.parsing.python"
    ),
    "javascript": LanguageSpec(
        "javascript",
        (".js", ".mjs", ".cjs", ".jsx"),
        "tree_sitter_javascript:language",
        "codeassist.parsing.javascript",
    ),
    "typescript": LanguageSpec(
        "typescript",
        (".ts", ".mts", ".cts"),
        "tree_sitter_typescript:language_typescript",
        "codeassist.parsing.javascript",
    ),
    "tsx": LanguageSpec(
        "tsx", (".tsx",), "tree_sitter_typescript:language_tsx", "codeassist.parsing.javascript"
    ),
    "go": LanguageSpec(
        "go", (".go",), "tree_sitter_go:language", "codeassist.parsing.go", param_docs=False
    ),
    "java": LanguageSpec("java", (".java",), "tree_sitter_java:language", "codeassist.parsing.java"),
    "rust": LanguageSpec("rust", (".rs",), "tree_sitter_rust:language", "codeassist.parsing.rust"),
}

# The query file each language reads; TSX shares TypeScript's.
QUERY_FILES = {"tsx": "typescript"}

_BY_SUFFIX = {suffix: spec for spec in LANGUAGES.values() for suffix in spec.suffixes}


def language_for_path(path: str | PurePath) -> LanguageSpec | None:
    """Return the language of a file by its suffix, or None when it is not one we parse.

    Args:
        path: A file path.

    Returns:
        The registry entry, or None.
    """
    return _BY_SUFFIX.get(PurePath(path).suffix.lower())


@cache
def grammar(name: str) -> tree_sitter.Language:
    """Load the tree-sitter grammar of a registered language (once per process).

    Args:
        name: A key of LANGUAGES.

    Returns:
        The tree-sitter Language.
    """
    import tree_sitter

    module_name, function = LANGUAGES[name].grammar.split(":")
    module = importlib.import_module(module_name)
    return tree_sitter.Language(getattr(module, function)())


@cache
def parser(name: str) -> tree_sitter.Parser:
    """Return a parser for a registered language (one per process and language).

    Args:
        name: A key of LANGUAGES.

    Returns:
        A tree-sitter Parser.
    """
    import tree_sitter

    return tree_sitter.Parser(grammar(name))


@cache
def query(name: str) -> tree_sitter.Query:
    """Compile the definitions query of a registered language from `queries/<name>.scm`.

    Args:
        name: A key of LANGUAGES.

    Returns:
        The compiled query.
    """
    import tree_sitter

    file = QUERY_FILES.get(name, name) + ".scm"
    text = resources.files("codeassist.parsing").joinpath("queries", file).read_text("utf-8")
    return tree_sitter.Query(grammar(name), text)
