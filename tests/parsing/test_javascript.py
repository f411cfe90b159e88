"""The JavaScript/TypeScript/TSX extractor on fixture files, with the real tree-sitter grammars."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from codeassist.parsing.parse import parse_source
from codeassist.records import CodeUnit

FIXTURES = Path(__file__).parents[1] / "fixtures"
FILES = {
    "javascript": FIXTURES / "javascript" / "sample.js",
    "typescript": FIXTURES / "typescript" / "sample.ts",
    "tsx": FIXTURES / "tsx" / "sample.tsx",
}


@cache
def units(language: str) -> dict[str, CodeUnit]:
    path = FILES[language]
    result = parse_source(path.read_bytes(), language, path.name)
    assert result.problems == []
    return {unit.qualname: unit for unit in result.units}


def line_of(language: str, needle: str) -> int:
    """The 1-based line of the first fixture line containing `needle`."""
    lines = FILES[language].read_text().splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


@pytest.mark.parametrize(
    ("language", "qualname", "kind", "params", "returns", "returns_value", "raises", "doc_line"),
    [
        ("javascript", "fetchJson", "function", ["url", "{ timeout = 5000, retries }", "headers"], None, True, ("HttpError", "TypeError"), 9),
        ("javascript", "noDoc", "function", ["a", "b"], None, False, (), None),
        ("javascript", "plainComment", "function", [], None, False, (), None),
        ("javascript", "detached", "function", [], None, False, (), None),
        ("javascript", "range", "function", ["start", "end", "step"], None, False, (), 46),
        ("javascript", "HttpError", "class", ["status"], None, False, (), 59),
        ("javascript", "HttpError.constructor", "method", ["status"], None, False, (), 63),
        ("javascript", "HttpError.retryable", "method", [], None, True, (), 71),
        ("javascript", "HttpError.fromResponse", "method", ["response"], None, True, (), None),
        ("javascript", "Client", "class", ["base", "retries"], None, False, (), 81),
        ("javascript", "Client.get", "method", ["path"], None, True, (), 93),
        ("javascript", "Client.get.log", "function", [], None, True, (), None),
        ("javascript", "Client.onClose", "method", ["reason"], None, False, (), None),
        ("javascript", "Client.#check", "method", ["value"], None, False, ("Error",), None),
        ("javascript", "debounce", "function", ["fn", "wait"], None, True, (), 116),
        ("javascript", "clamp", "function", ["x", "lo", "hi"], None, True, (), 130),
        ("javascript", "legacy", "function", ["value"], None, False, (), None),
        ("typescript", "parseKey", "function", ["input"], "Key", True, ("RangeError",), 14),
        ("typescript", "hostLog", "function", ["message", "rest"], "void", False, (), 31),
        ("typescript", "MapStore", "class", ["name", "limit"], None, False, (), 34),
        ("typescript", "MapStore.get", "method", ["key"], "T | undefined", True, (), 45),
        ("typescript", "MapStore.set", "method", ["key", "value"], "void", False, ("StoreFullError",), 54),
        ("typescript", "MapStore.flush", "method", ["this", "force"], "Promise<void>", False, (), 67),
        ("typescript", "MapStore.keys", "method", ["store"], "Generator<K>", False, (), None),
        ("typescript", "StoreFullError", "class", [], None, False, (), None),
        ("typescript", "note", "function", ["message"], "void", False, (), 77),
        ("typescript", "sizeOf", "function", ["store", "{ deep = false }"], "number", True, (), None),
        ("typescript", "Internal.reset", "function", ["store"], "void", False, (), None),
        ("tsx", "Greeting", "function", ["{ name, excited = false }"], "JSX.Element", True, (), 8),
        ("tsx", "Button", "function", ["{ label, onClick }"], None, True, (), 17),
        ("tsx", "Counter", "class", [], None, False, (), None),
        ("tsx", "Counter.increment", "method", [], "void", False, (), None),
        ("tsx", "Counter.render", "method", [], None, True, (), None),
    ],
)
def test_units(language, qualname, kind, params, returns, returns_value, raises, doc_line):
    unit = units(language)[qualname]
    assert unit.kind == kind
    assert [p.name for p in unit.params] == params
    assert unit.returns == returns
    assert unit.returns_value is returns_value
    assert unit.raises == raises
    assert unit.has_doc is (doc_line is not None)
    assert (unit.doc.start_line if unit.doc else None) == doc_line


@pytest.mark.parametrize(
    ("language", "absent"),
    [
        ("javascript", "handlers.save"),  # object-literal method
        ("javascript", "save"),
        ("typescript", "Store.get"),  # interface member
        ("typescript", "get"),
        ("tsx", "GreetingProps"),
    ],
)
def test_not_units(language, absent):
    assert absent not in units(language)


def test_overload_signatures_are_not_units():
    parse_keys = [u for u in units("typescript").values() if u.name == "parseKey"]
    assert len(parse_keys) == 1
    assert parse_keys[0].start_line == line_of("typescript", "input: string | number")


@pytest.mark.parametrize(
    ("language", "qualname", "index", "name", "annotation", "default", "kind"),
    [
        ("javascript", "fetchJson", 1, "{ timeout = 5000, retries }", None, "{}", "positional"),
        ("javascript", "fetchJson", 2, "headers", None, None, "var_positional"),
        ("javascript", "range", 2, "step", None, "1", "positional"),
        ("javascript", "Client", 1, "retries", None, "3", "positional"),
        ("typescript", "hostLog", 1, "rest", "unknown[]", None, "var_positional"),
        ("typescript", "MapStore", 0, "name", "string", None, "positional"),
        ("typescript", "MapStore", 1, "limit", "number", None, "positional"),
        ("typescript", "MapStore.flush", 0, "this", "MapStore<T>", None, "receiver"),
        ("typescript", "MapStore.flush", 1, "force", "boolean", None, "positional"),
        ("typescript", "MapStore.keys", 0, "store", "{ entries: Map<K, unknown> }", None, "positional"),
        ("typescript", "sizeOf", 1, "{ deep = false }", "{ deep?: boolean }", "{}", "positional"),
        ("tsx", "Greeting", 0, "{ name, excited = false }", "GreetingProps", None, "positional"),
    ],
)
def test_parameter_details(language, qualname, index, name, annotation, default, kind):
    param = units(language)[qualname].params[index]
    assert (param.name, param.annotation, param.default, param.kind) == (name, annotation, default, kind)


@pytest.mark.parametrize(
    ("language", "qualname", "yields", "is_stub", "decorators"),
    [
        ("javascript", "range", True, False, ()),
        ("javascript", "fetchJson", False, False, ()),
        ("javascript", "HttpError", False, False, ()),
        ("typescript", "MapStore", False, False, ("Injectable",)),
        ("typescript", "MapStore.set", False, False, ("Inject",)),
        ("typescript", "MapStore.flush", False, True, ()),
        ("typescript", "MapStore.keys", True, False, ()),
        ("typescript", "hostLog", False, True, ()),
        ("typescript", "StoreFullError", False, True, ()),  # no visible constructor
        ("tsx", "Counter", False, True, ()),
    ],
)
def test_flags(language, qualname, yields, is_stub, decorators):
    unit = units(language)[qualname]
    assert unit.yields is yields
    assert unit.is_stub is is_stub
    assert unit.decorators == decorators


@pytest.mark.parametrize(
    ("language", "qualname", "prefix"),
    [
        ("javascript", "fetchJson", "async function fetchJson("),  # after `export`
        ("javascript", "Client.get", "async get(path)"),
        ("javascript", "debounce", "debounce = (fn"),  # a declarator starts at its name
        ("typescript", "MapStore", "abstract class MapStore"),  # after decorator and `export`
        ("typescript", "MapStore.set", "set(key: string, value: T): void {"),  # after the decorator
    ],
)
def test_spans_start_at_the_declaration(language, qualname, prefix):
    unit = units(language)[qualname]
    line = line_of(language, prefix)
    assert unit.body.startswith(prefix)
    assert unit.start_line == line
    assert unit.start_col == FILES[language].read_text().splitlines()[line - 1].index(prefix) + 1


def test_doc_lines_map_to_file_lines():
    doc = units("javascript")["fetchJson"].doc
    parsed = doc.parsed
    assert parsed.summary == "Fetch a URL and decode its JSON body."
    assert [item.name for item in parsed.params] == ["url", "options", "options.timeout", "headers"]
    assert doc.file_line(parsed.params[0].line) == line_of("javascript", "@param {string} url")
    assert doc.file_line(parsed.raises[0].line) == line_of("javascript", "@throws {TypeError}")
    assert len(doc.text.split("\n")) == doc.end_line - doc.start_line + 1


def test_overload_doc_is_the_one_before_the_first_signature():
    doc = units("typescript")["parseKey"].doc
    assert doc.parsed.params[0].name == "input"
    assert doc.parsed.returns.description == "The normalised key."


@pytest.mark.parametrize("language", ["javascript", "typescript", "tsx"])
def test_syntax_error_skips_only_the_broken_unit(language):
    source = "function good(a) {\n  return a;\n}\n\nfunction bad( {\n}\n\nfunction alsoGood() {}\n"
    result = parse_source(source, language, "x")
    names = [unit.name for unit in result.units]
    assert "good" in names and "bad" not in names
    assert result.problems
