"""The Java extractor on a fixture file, with the real tree-sitter grammar."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeassist.parsing.parse import parse_source
FIXTURE = Path(__file__).parents[1] / "fixtures" / "java" / "Sample.java"
LINES = FIXTURE.read_text().splitlines()


def line_of(needle: str) -> int:
    """The 1-based line of the first fixture line containing `needle`."""
    return next(number for number, line in enumerate(LINES, 1) if needle in line)


@pytest.fixture(scope="module")
def units():
    result = parse_source(FIXTURE.read_bytes(), "java", "Sample.java")
    assert result.problems == []
    return {unit.qualname: unit for unit in result.units}


@pytest.mark.parametrize(
    ("qualname", "kind", "params", "returns", "returns_value", "raises", "doc_line"),
    [
        ("Sample", "class", ["capacity", "loader"], None, False, (), 9),
        ("Sample.Sample", "method", ["capacity", "loader"], None, False, ("IllegalArgumentException",), 23),
        ("Sample.get", "method", ["key"], "V", True, (), 38),
        ("Sample.putAll", "method", ["entries"], "void", False, (), 54),
        ("Sample.lookup", "method", ["key"], "V", False, (), None),
        ("Sample.store", "method", ["key", "value"], "void", False, (), None),
        ("Sample.keys", "method", [], "List<K>", True, (), None),
        ("Sample.Loader", "class", [], None, False, (), 81),
        ("Sample.Loader.load", "method", ["key"], "V", False, (), 85),
        ("Sample.Loader.logged", "method", [], "Loader<K, V>", True, (), None),
        ("Sample.Policy", "class", [], None, False, (), 101),
        ("Sample.Policy.Policy", "method", [], None, False, (), None),
        ("Sample.Policy.refreshOnRead", "method", [], "boolean", True, (), 107),
        ("Sample.Entry", "class", ["key", "value"], None, False, (), 113),
        ("Sample.Entry.Entry", "method", ["key", "value"], None, False, ("NullPointerException",), None),
    ],
)
def test_units(units, qualname, kind, params, returns, returns_value, raises, doc_line):
    unit = units[qualname]
    assert unit.kind == kind
    assert [p.name for p in unit.params] == params
    assert unit.returns == returns
    assert unit.returns_value is returns_value
    assert unit.raises == raises
    assert unit.has_doc is (doc_line is not None)
    assert (unit.doc.start_line if unit.doc else None) == doc_line


def test_anonymous_class_and_lambda_members_are_not_units(units):
    assert not any(unit.name == "run" for unit in units.values())
    # The lambda's `return` and the anonymous class's `throw` belong to neither method.
    assert units["Sample.putAll"].returns_value is False
    assert units["Sample.keys"].raises == ()


@pytest.mark.parametrize(
    ("qualname", "index", "name", "annotation", "kind"),
    [
        ("Sample", 1, "loader", "Loader<K, V>", "positional"),
        ("Sample.putAll", 0, "entries", "Map.Entry<K, V>", "var_positional"),
        ("Sample.store", 1, "value", "V", "positional"),
        ("Sample.Entry", 0, "key", "K", "positional"),
    ],
)
def test_parameter_details(units, qualname, index, name, annotation, kind):
    param = units[qualname].params[index]
    assert (param.name, param.annotation, param.default, param.kind) == (name, annotation, None, kind)


@pytest.mark.parametrize(
    ("qualname", "is_stub", "decorators"),
    [
        ("Sample", False, ("SuppressWarnings",)),
        ("Sample.get", False, ("Override",)),
        ("Sample.putAll", False, ("SafeVarargs",)),
        ("Sample.lookup", True, ()),  # abstract
        ("Sample.store", True, ()),  # native
        ("Sample.Loader.load", True, ()),  # interface method without a body
        ("Sample.Loader.logged", False, ()),  # default method
        ("Sample.Loader", True, ()),  # no constructor to take parameters from
        ("Sample.Entry", False, ()),  # record components
    ],
)
def test_flags(units, qualname, is_stub, decorators):
    unit = units[qualname]
    assert unit.is_stub is is_stub
    assert unit.decorators == decorators
    assert unit.yields is False


@pytest.mark.parametrize(
    ("qualname", "prefix"),
    [
        ("Sample", "public class Sample<K, V>"),  # after the annotation line
        ("Sample.get", "public V get(K key)"),
        ("Sample.Sample", "public Sample(int capacity"),
    ],
)
def test_spans_start_after_annotations(units, qualname, prefix):
    unit = units[qualname]
    line = line_of(prefix)
    assert (unit.start_line, unit.start_col) == (line, LINES[line - 1].index(prefix) + 1)


def test_javadoc_sections(units):
    doc = units["Sample.get"].doc
    parsed = doc.parsed
    assert parsed.summary == "Return the value for a key, loading it when missing."
    assert [item.name for item in parsed.params] == ["key"]
    assert parsed.returns.description == "the value, never null"
    assert [item.name for item in parsed.raises] == ["IOException"]
    assert doc.file_line(parsed.raises[0].line) == line_of("@throws IOException if loading fails")
    # `@param <K>` documents a type parameter, not a constructor parameter.
    assert [item.name for item in units["Sample"].doc.parsed.params] == ["capacity", "loader"]


def test_syntax_error_skips_only_the_broken_unit():
    source = "class A {\n  void good() {}\n  void bad( {\n  }\n}\nclass B { void fine() {} }\n"
    result = parse_source(source, "java", "A.java")
    names = [unit.qualname for unit in result.units]
    assert "B.fine" in names and "A.bad" not in names
    assert result.problems
