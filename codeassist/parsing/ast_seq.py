"""Linearise one unit's tree-sitter AST into the word sequence the code encoder reads.

The scheme, the same for all six languages (version `SCHEME`):

1. Parse the unit's source on its own (dedented). A Java or JavaScript method cut out of
   its class does not parse alone, so it is retried inside `class _ { ... }`.
2. Walk the tree depth first, in source order, and emit:
   - identifiers (and keywords, `true`/`null`, primitive types) split into lower-case
     sub-words: `parseHTTPResponse` → `parse http response`, `max_len` → `max len`;
     the receiver (`self`, `this`) is dropped, it says nothing about the unit;
   - string literals abstracted to their first `STRING_WORDS` words (a message or a key
     says what the code is about; a long template does not), numbers of more than four
     characters to `num`;
   - `{` and `}` around every block or body node (Python's indented `block` included), so
     the nesting of the AST survives while punctuation and operators are dropped.
3. Drop what would let the encoder copy the answer, or that costs tokens for nothing:
   every comment (doc comments of JS/Java/Go/Rust included) and the Python docstring, i.e.
   a string that is a whole statement.

The result is much shorter in word pieces than the raw source (no operators, no
indentation, no quotes), which is where most of the code encoder's speed comes from.
"""

from __future__ import annotations

import re
import textwrap
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Node

SCHEME = "ast-seq-1"
STRING_WORDS = 4
MAX_WORDS = 512

_SUBWORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_WORD = re.compile(r"[A-Za-z_$][\w$]*")
_RECEIVERS = frozenset({"self", "this", "cls"})
_STRING_TYPES = frozenset({
    "string", "string_literal", "template_string", "raw_string_literal",
    "interpreted_string_literal", "char_literal", "character_literal", "string_fragment",
    "text_block",
})
_BLOCK_TYPES = frozenset({"declaration_list", "field_declaration_list", "object", "array"})
_WRAPPED = {"java": ("class _ {\n", "\n}"), "javascript": ("class _ {\n", "\n}"),
            "typescript": ("class _ {\n", "\n}"), "tsx": ("class _ {\n", "\n}")}


def split_identifier(name: str) -> list[str]:
    """Split an identifier into lower-case sub-words (snake_case, camelCase, digits).

    Args:
        name: An identifier such as `parseHTTPResponse2` or `max_len`.

    Returns:
        The sub-words, e.g. ["parse", "http", "response", "2"].
    """
    return [part.lower() for part in _SUBWORD.findall(name)]


def linearise(source: str, language: str, *, max_words: int = MAX_WORDS) -> str:
    """Turn the source of one unit into its AST word sequence (see the module docstring).

    Args:
        source: A function, method or class, with or without its documentation.
        language: A key of `codeassist.languages.LANGUAGES`.
        max_words: Stop after this many words; the encoder truncates anyway.

    Returns:
        The words joined by single spaces.
    """
    from codeassist.languages import parser
    text = textwrap.dedent(source.expandtabs(4).strip("\n"))
    tree = parser(language).parse(text.encode("utf-8"))
    for retry in _retries(text, language) if tree.root_node.has_error else ():
        candidate = parser(language).parse(retry.encode("utf-8"))
        if not candidate.root_node.has_error:
            tree = candidate
            break
    words: list[str] = []
    _emit(tree.root_node, language, words, max_words)
    return " ".join(words[:max_words])


def _retries(text: str, language: str) -> list[str]:
    if language in _WRAPPED:
        head, tail = _WRAPPED[language]
        return [head + text + tail]
    # A unit's text as the parser cuts it starts at its keyword, so its first line has lost
    # the indentation the other lines keep (`@property\n    def f`); give it back.
    lines = text.split("\n")
    rest = [line for line in lines[1:] if line.strip()]
    if not rest:
        return []
    indent = min(len(line) - len(line.lstrip(" ")) for line in rest)
    return [textwrap.dedent(" " * indent + text)] if indent else []


def _emit(node: Node, language: str, words: list[str], max_words: int) -> None:
    # An explicit stack instead of recursion: deep expressions would hit the recursion limit.
    stack: list[Node | str] = [node]
    while stack and len(words) < max_words:
        item = stack.pop()
        if isinstance(item, str):
            words.append(item)
            continue
        kind = item.type
        if "comment" in kind or _is_docstring(item, language):
            continue
        if kind in _STRING_TYPES and item.is_named:
            words.extend(_string_words(item))
            continue
        if item.child_count == 0:
            words.extend(_leaf_words(item))
            continue
        is_block = kind.endswith(("block", "body")) or kind in _BLOCK_TYPES
        if is_block:
            words.append("{")
            stack.append("}")
        stack.extend(reversed(item.children))


def _is_docstring(node: Node, language: str) -> bool:
    if language != "python" or node.type != "expression_statement" or node.named_child_count != 1:
        return False
    child = node.named_children[0]
    return child.type in ("string", "concatenated_string")


def _string_words(node: Node) -> list[str]:
    raw = (node.text or b"").decode("utf-8", "replace")
    found = []
    for word in _WORD.findall(raw[:400]):
        found += split_identifier(word)
        if len(found) >= STRING_WORDS:
            break
    # A leading string prefix (f, b, r) is not a word of the literal.
    if found and found[0] in ("f", "b", "r", "rb", "br", "u") and raw[:3].lstrip("fbruFBRU")[:1] in "\"'":
        found = found[1:]
    return found[:STRING_WORDS]


def _leaf_words(node: Node) -> list[str]:
    raw = (node.text or b"").decode("utf-8", "replace").lstrip("#")  # JS private `#name`
    if not raw:
        return []
    if raw[0].isdigit():
        return [raw] if len(raw) <= 4 else ["num"]
    if not _WORD.fullmatch(raw) or raw in _RECEIVERS:
        return []
    return split_identifier(raw)
