"""Default values the documentation states for parameters, and whether the code still has them.

A parameter's documentation often says what it defaults to: "Defaults to 5.", "(default:
``'utf-8'``)", NumPy's `timeout : int, default 30`, Sphinx's `:param x: ... Default is True.`.
When the code's default for that parameter is a literal too and a different one, the
documentation no longer tells the truth. Only literals are compared (numbers, strings,
booleans, None/null): a default computed from a name or a call could be anything, and a code
default of None often means "fall back to the documented value", so neither is judged.

Prose states values too, without naming the parameter: "Tries up to 3 times" over
`retries=3`. Such a count is read only across a change (`newly_contradicted_in_prose`): a
number that the old code's default of a parameter equalled, in a sentence of the unchanged
documentation, and that the new code's default of the same parameter no longer is.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from codeassist.parsing.docstrings import clean_name
from codeassist.records import DocItem, Param, ParsedDoc

_VALUE = r"(?P<value>``[^`]+``|`[^`]+`|'[^']*'|\"[^\"]*\"|-?\d[\d_]*(?:\.\d+)?(?:[eE]-?\d+)?(?![\w/*+%^]|\.\d)|" \
         r"(?:True|False|None|true|false|null)\b)"
# "defaults to 5", "default is 5", "default: 5", "default=5", "default value is 5", "(default 5)"
_STATED = re.compile(r"\bdefault(?:s|\s+value)?(?:\s+(?:to|is|of)|\s*[:=]|\s+(?=[-\d`'\"TFNtfn]))\s*" + _VALUE,
                     re.IGNORECASE)
# A count in prose: "3 times", "5 seconds", "up to 100 items" (not "1.2.3", "x2", "3rd", "50%").
_COUNT = re.compile(r"(?<![\w.,:/=+*-])(?P<count>\d+(?:\.\d+)?)(?=\s+[A-Za-z])")
_VERSION_LINE = re.compile(r"\b(?:versions?|versionadded|versionchanged|deprecated|since|python|release[sd]?)\b",
                           re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?\n]*(?:\.(?!\d)|[!?]|\n|$)")
_JS_WORDS = {"true": True, "false": False, "null": None, "undefined": None}


class StatedDefault(NamedTuple):
    """A default value that a parameter's documentation states."""

    param: str
    value: object   # the Python value of the literal
    text: str       # the literal as written, e.g. "``'utf-8'``"
    sentence: str   # the sentence it was found in, for messages
    line: int = 0       # the entry's line inside the documentation
    bare: bool = False  # a backticked word without quotes (``utf-8``): a string, or a constant's name


class Contradiction(NamedTuple):
    """A documented default that the code's default no longer matches."""

    stated: StatedDefault
    code_default: str  # the default as the code writes it


def stated_defaults(parsed: ParsedDoc) -> Iterator[StatedDefault]:
    """Yield the default each documented parameter states, in its type or its description.

    Args:
        parsed: The parsed documentation.

    Yields:
        At most one stated default per parameter (the first).
    """
    for item in (*(parsed.params or ()), *parsed.keyword_params):
        found = _stated(item)
        if found is not None:
            yield found


def contradictions(parsed: ParsedDoc, params: Sequence[Param]) -> list[Contradiction]:
    """Return the documented defaults that differ from the code's literal defaults.

    Args:
        parsed: The parsed documentation.
        params: The unit's parameters.

    Returns:
        One entry per contradicted parameter.
    """
    by_name = {p.name.lstrip("*"): p for p in params}
    found = []
    for stated in stated_defaults(parsed):
        param = by_name.get(stated.param)
        if param is None or param.default is None:
            continue
        code = literal(param.default)
        if code is _UNKNOWN or (code is None and stated.value is not None):
            continue  # computed, or None standing for "use the documented value"
        if stated.bare and not isinstance(code, str):
            continue  # ``DEFAULT_TIMEOUT`` names a constant the code may well hold
        if not same_value(code, stated.value):
            found.append(Contradiction(stated, param.default.strip()))
    return found


def newly_contradicted(parsed: ParsedDoc, old_params: Sequence[Param],
                       new_params: Sequence[Param]) -> list[Contradiction]:
    """Return the documented defaults that the old signature had and the new one contradicts.

    Args:
        parsed: The unchanged documentation, parsed.
        old_params: The unit's parameters before the change.
        new_params: Its parameters after the change.

    Returns:
        One entry per parameter whose documented default this change made untrue.
    """
    before = {c.stated.param for c in contradictions(parsed, old_params)}
    old_names = {p.name.lstrip("*") for p in old_params}
    return [c for c in contradictions(parsed, new_params) if c.stated.param in old_names - before]


def newly_contradicted_in_prose(doc: str, old_params: Sequence[Param],
                                new_params: Sequence[Param]) -> list[Contradiction]:
    """Return the counts in the documentation's prose that a parameter's default held and no longer holds.

    A count is a number followed by a word ("3 times", "5 seconds", "100 items") in a prose
    line; doctest examples and their output, and lines about versions, are not prose. Numbers
    only: a count that two parameters' old defaults both equal is ambiguous and skipped.

    Args:
        doc: The unchanged documentation text.
        old_params: The unit's parameters before the change.
        new_params: Its parameters after the change.

    Returns:
        One entry per parameter whose old default the prose stated and whose new default differs.
    """
    old, new = _numeric_defaults(old_params), _numeric_defaults(new_params)
    found: dict[str, Contradiction] = {}
    for value, text, sentence in _prose_counts(doc):
        matching = [name for name, default in old.items() if same_value(default, value)]
        if len(matching) != 1 or matching[0] in found:
            continue
        name = matching[0]
        if name in new and not same_value(new[name], value):
            code = next(p.default for p in new_params if p.name.lstrip("*") == name)
            found[name] = Contradiction(StatedDefault(name, value, text, sentence), code.strip())
    return list(found.values())


def _numeric_defaults(params: Sequence[Param]) -> dict[str, int | float]:
    numbers = {}
    for param in params:
        value = literal(param.default) if param.default is not None else _UNKNOWN
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            numbers[param.name.lstrip("*")] = value
    return numbers


def _prose_counts(doc: str) -> Iterator[tuple[int | float, str, str]]:
    """Yield (value, as written, its sentence) for each count in the prose lines of a documentation."""
    example = False
    prose = []
    for line in doc.splitlines():
        stripped = line.strip()
        if stripped.startswith(">>>"):
            example = True
        elif not stripped:
            example = False
        if not example and stripped and not _VERSION_LINE.search(stripped):
            prose.append(stripped)
    text = " ".join(prose)
    for match in _COUNT.finditer(text):
        value = literal(match.group("count"))
        if value is not _UNKNOWN:
            yield value, match.group("count"), _sentence_of(text, match.start())


def literal(text: str) -> object:
    """Return the value of a literal as code or documentation writes it, or `_UNKNOWN`.

    Args:
        text: "5", "'utf-8'", "True", "null", "``0.5``", "-1".

    Returns:
        The Python value, or `_UNKNOWN` when the text is not a plain literal.
    """
    text = text.strip().strip("`").strip()
    if text in _JS_WORDS:
        return _JS_WORDS[text]
    try:
        value = ast.literal_eval(text.replace("_", "") if _number(text) else text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return _UNKNOWN
    return value if isinstance(value, (int, float, str, bool, type(None))) else _UNKNOWN


def same_value(a: object, b: object) -> bool:
    """Tell whether two literal values are the same default (5 and 5.0 are; True and 1 are not).

    Strings are compared as a reader would: escapes as the rendered documentation shows them
    (`"\\n"` in a docstring reads as the newline the code has), ignoring surrounding spaces and
    a trailing ellipsis or full stop; a documented None is the style word `"none"`.

    Args:
        a: One value.
        b: The other.

    Returns:
        True when they match.
    """
    if (a is None and isinstance(b, str)) or (b is None and isinstance(a, str)):
        return str(a).lower() == str(b).lower() == "none"
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a is b or (isinstance(a, bool) and isinstance(b, bool) and a == b)
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and bool(_readings(a) & _readings(b))
    return a == b


def _readings(text: str) -> set[str]:
    """The ways a reader may take a string: as written, with escapes decoded once and twice."""
    found = {text}
    for _ in range(2):
        try:
            text = text.encode("latin-1", "backslashreplace").decode("unicode_escape")
        except UnicodeDecodeError:
            break
        found.add(text)
    return {t.strip().rstrip(".…").strip() for t in found}


class _Unknown:
    def __repr__(self) -> str:
        return "<not a literal>"


_UNKNOWN = _Unknown()


def _number(text: str) -> bool:
    return bool(re.fullmatch(r"-?\d[\d_]*(?:\.\d+)?(?:[eE]-?\d+)?", text))


def _stated(item: DocItem) -> StatedDefault | None:
    name = clean_name(item.name)
    if item.default is not None:  # JSDoc `[name=5]`
        value = literal(item.default)
        if value is not _UNKNOWN:
            return StatedDefault(name, value, item.default, f"[{name}={item.default}]", item.line)
    for text in (item.type or "", item.description):
        match = _STATED.search(text)
        if match is None:
            continue
        written = match.group("value")
        value = literal(written)
        if value is _UNKNOWN:
            # A word in backticks with no quotes, e.g. ``utf-8``: the string itself.
            inner = written.strip("`")
            if not written.startswith("`") or not inner or any(c in inner for c in "()[]{} "):
                continue
            return StatedDefault(name, inner, written, _sentence_of(text, match.start()), item.line, bare=True)
        return StatedDefault(name, value, written, _sentence_of(text, match.start()), item.line)
    return None


def _sentence_of(text: str, position: int) -> str:
    for match in _SENTENCE.finditer(text):
        if match.start() <= position < max(match.end(), match.start() + 1):
            sentence = " ".join(match.group(0).split())
            return sentence if len(sentence) <= 140 else sentence[:137] + "..."
    return " ".join(text.split())[:140]
