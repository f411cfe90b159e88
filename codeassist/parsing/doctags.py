"""Tag-based documentation comments: JSDoc, TSDoc and Javadoc.

`comment_doc` turns a `/** ... */` comment node into a Doc; `parse` reads the block tags
(`@param`, `@returns`, `@throws`, `@yields`) of the comment's text. Line numbers stay
relative to the text, whose line 0 is the line the comment starts on.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from codeassist.parsing.docstrings import parse_doc, summary_of
from codeassist.parsing.nodes import span, text
from codeassist.records import Doc, DocItem, ParsedDoc

if TYPE_CHECKING:
    from tree_sitter import Node

# `@param- {T} [guard]` (lodash's mark for a parameter hidden from its docs) is a @param too.
_TAG = re.compile(r"^@([A-Za-z]\w*)-?\s*(.*)$")
_MARKER = re.compile(r"^\s*\*(?!/) ?")
_NAME = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")
_PARAM_TAGS = frozenset({"param", "arg", "argument"})
_RETURN_TAGS = frozenset({"returns", "return"})
_YIELD_TAGS = frozenset({"yields", "yield"})
_THROW_TAGS = frozenset({"throws", "exception"})
_NO_VALUE = frozenset({"void", "undefined"})
# A `never` return documents that the function does not return at all (it exits or throws).
_NEVER = frozenset({"never"})


class _Tag(NamedTuple):
    name: str
    line: int
    content: str


def comment_doc(comment: Node, convention: str) -> Doc | None:
    """Return the documentation of a `/** ... */` comment node, or None for other comments.

    Args:
        comment: A comment node.
        convention: The docstrings convention to parse the text with (JSDOC or JAVADOC).

    Returns:
        The Doc, or None when the comment is not a doc comment.
    """
    raw = text(comment)
    if not raw.startswith("/**") or raw.startswith("/**/"):
        return None
    content = comment_text(raw)
    start_line, start_col, end_line, end_col = span(comment)
    return Doc(content, start_line, start_col, end_line, end_col, parse_doc(content, convention))


def comment_text(raw: str) -> str:
    """Remove the `/**`, `*/` and leading `*` markers of a doc comment, keeping its lines.

    Args:
        raw: The comment as written in the source.

    Returns:
        The text; its line i is line i of the comment.
    """
    inner = raw[3:-2] if raw.endswith("*/") else raw[3:]
    lines = [line.rstrip("\r") for line in inner.split("\n")]
    cleaned = [lines[0].strip()]
    for line in lines[1:]:
        # Javadoc allows lines without the leading star; strip their indentation alike.
        marker = _MARKER.match(line)
        cleaned.append(line[marker.end() :].rstrip() if marker else line.strip())
    return "\n".join(cleaned)


def parse(text: str, *, style: str = "jsdoc") -> ParsedDoc:
    """Parse the block tags of a JSDoc, TSDoc or Javadoc comment.

    `@param`/`@arg`/`@argument` entries become `params`. A dotted name such as
    `options.timeout` documents a property of `options`; it is kept with its dots, and rules
    compare only undotted names. Javadoc's `@param <T>` documents a type parameter and is
    skipped, so it alone does not make a parameter section. `@returns`/`@return` and
    `@yields`/`@yield` count only when they document a value: no text at all, or a
    `{void}`/`{undefined}`/`{never}` type, or a bare `never` (a call that does not return),
    leaves them None. `@throws`/`@exception` entries are named by their `{Type}`, or by a
    first word that names a class (`IOException`); one that only
    describes (`@throws if the file is missing`) opens the section without an entry.
    A tag's description runs until the next block tag; inline tags (`{@link X}`) and lines
    inside ``` fences are not block tags.

    Args:
        text: The comment text without `/**`, `*/` and leading `*` markers.
        style: The style to record: "jsdoc" or "javadoc". In Javadoc any first word of
            `@throws` is a class name.

    Returns:
        The sections found; line numbers are 0-based lines of `text`.
    """
    lines = text.splitlines()
    tags = _block_tags(lines)
    first_tag = tags[0].line if tags else len(lines)
    params: list[DocItem] | None = None
    raises: list[DocItem] | None = None
    returns: DocItem | None = None
    yields: DocItem | None = None
    for tag in tags:
        if tag.name in _PARAM_TAGS and not _is_type_parameter(tag):
            item = _param(tag)
            params = (params or []) + ([item] if item is not None else [])
        elif tag.name in _THROW_TAGS:
            raises = (raises or []) + _throws(tag, javadoc=style == "javadoc")
        elif tag.name in _RETURN_TAGS and returns is None:
            returns = _value(tag)
        elif tag.name in _YIELD_TAGS and yields is None:
            yields = _value(tag)
    return ParsedDoc(
        style=style,
        summary=summary_of("\n".join(lines[:first_tag])),
        params=tuple(params) if params is not None else None,
        returns=returns,
        yields=yields,
        raises=tuple(raises) if raises is not None else None,
    )


def _block_tags(lines: list[str]) -> list[_Tag]:
    tags: list[_Tag] = []
    fenced = False
    for number, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("```"):
            fenced = not fenced
        match = None if fenced else _TAG.match(stripped)
        if match:
            tags.append(_Tag(match.group(1).lower(), number, match.group(2)))
        elif tags and stripped:
            last = tags[-1]
            tags[-1] = last._replace(content=f"{last.content} {stripped}".strip())
    return tags


def _split_type(content: str) -> tuple[str | None, str]:
    """Split a leading `{type}` (braces may nest) from the rest of a tag's content."""
    content = content.strip()
    if not content.startswith("{"):
        return None, content
    end = _closing(content, "{", "}")
    if end is None:
        return None, content
    return content[1:end].strip() or None, content[end + 1 :].strip()


def _closing(content: str, opening: str, closing: str) -> int | None:
    depth = 0
    for index, char in enumerate(content):
        depth += (char == opening) - (char == closing)
        if depth == 0:
            return index
    return None


def _is_type_parameter(tag: _Tag) -> bool:
    return tag.content.lstrip().startswith("<")  # Javadoc `@param <T>`


def _param(tag: _Tag) -> DocItem | None:
    kind, rest = _split_type(tag.content)
    if not rest:
        return None
    if rest.startswith("["):
        end = _closing(rest, "[", "]")
        if end is None:
            return None
        # `[name=default]` marks an optional parameter; the name is what rules compare.
        name, _, default = rest[1:end].partition("=")
        description = rest[end + 1 :]
    else:
        (name, description), default = _first_word(rest), ""
    # `subscribe?` (rxjs) marks an optional parameter as TypeScript does.
    name = name.strip().lstrip(".").rstrip("?")
    # TSDoc separates name and description with a hyphen.
    description = description.strip().removeprefix("-").strip()
    return DocItem(name, kind, description, tag.line, default.strip() or None) if name else None


def _value(tag: _Tag) -> DocItem | None:
    kind, description = _split_type(tag.content)
    if kind is not None and kind.lower() in _NO_VALUE | _NEVER:
        return None
    if kind is None and description.lower().rstrip(".") in _NEVER:
        return None  # commander's `@return never`: it documents that the call does not return
    if kind is None and not description:
        return None
    return DocItem("", kind, description, tag.line)


def _throws(tag: _Tag, *, javadoc: bool) -> list[DocItem]:
    kind, rest = _split_type(tag.content)
    if kind is not None:
        return [DocItem(name.strip(), None, rest, tag.line) for name in kind.split("|") if name.strip()]
    word, description = _first_word(rest)
    if _NAME.fullmatch(word) and (javadoc or _is_exception_name(word)):
        return [DocItem(word, None, description.strip(), tag.line)]
    return []


def _first_word(content: str) -> tuple[str, str]:
    parts = content.split(None, 1)
    return (parts[0], parts[1]) if len(parts) == 2 else (content.strip(), "")


def _is_exception_name(word: str) -> bool:
    # Without braces JSDoc's first word may be prose ("Will throw ..."); Javadoc's and
    # most JSDoc authors' exception names say what they are.
    last = word.rsplit(".", 1)[-1]
    return last[:1].isupper() and last.endswith(("Error", "Exception"))
