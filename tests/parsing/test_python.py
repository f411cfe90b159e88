"""The Python extractor on a fixture file, with the real tree-sitter grammar."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeassist.parsing.parse import parse_source
FIXTURE = Path(__file__).parents[1] / "fixtures" / "python" / "sample.py"


@pytest.fixture(scope="module")
def units():
    result = parse_source(FIXTURE.read_bytes(), "python", "sample.py")
    assert result.problems == []
    return {unit.qualname: unit for unit in result.units}


@pytest.mark.parametrize(
    ("qualname", "kind", "params", "returns_value", "raises", "doc_style"),
    [
        ("plain", "function", ["a", "b", "args", "key", "kwargs"], True, ("ValueError",), "google"),
        ("plain.helper", "function", [], True, (), None),
        ("Shape", "class", ["self", "name"], False, (), "numpy"),
        ("Shape.__init__", "method", ["self", "name"], False, (), None),
        ("Shape.area", "method", ["self"], False, (), "sphinx"),
        ("Shape.unit", "method", ["scale", "exact"], True, (), None),
        ("Shape.make", "method", ["cls", "name"], True, (), None),
        ("Shape.walk", "method", ["self"], False, (), "google"),
        ("fetch", "function", ["url"], False, ("errors.Timeout",), None),
    ],
)
def test_units(units, qualname, kind, params, returns_value, raises, doc_style):
    unit = units[qualname]
    assert unit.kind == kind
    assert [p.name for p in unit.params] == params
    assert unit.returns_value is returns_value
    assert unit.raises == raises
    assert (unit.doc.parsed.style if unit.doc else None) == doc_style


def test_parameter_details(units):
    params = {p.name: p for p in units["plain"].params}
    assert params["b"].annotation == "int" and params["b"].default == "2"
    assert params["args"].kind == "var_positional"
    assert params["key"].kind == "keyword_only" and params["key"].default == '"k"'
    assert params["kwargs"].kind == "var_keyword"
    assert units["Shape.make"].params[0].kind == "receiver"
    assert units["Shape.unit"].params[0].kind == "positional"  # staticmethod: no receiver
    assert units["Shape.unit"].params[1].kind == "keyword_only"


def test_spans_returns_and_flags(units):
    plain = units["plain"]
    assert (plain.start_line, plain.start_col) == (7, 1)
    assert plain.returns == "int"
    assert plain.doc.start_line == 8
    assert plain.doc.parsed.returns.type == "int"
    assert units["Shape.area"].is_stub and not units["plain"].is_stub
    assert units["Shape.area"].decorators == ("abc.abstractmethod",)
    assert units["Shape.walk"].yields
    assert units["Shape.area"].start_line == 45  # the def line, not the decorator's


def test_syntax_error_skips_only_the_broken_unit():
    source = "def good(a):\n    return a\n\ndef bad(:\n    pass\n\ndef also_good():\n    pass\n"
    result = parse_source(source, "python", "x.py")
    names = [unit.name for unit in result.units]
    assert "good" in names and "also_good" in names and "bad" not in names
    assert any("syntax error" in problem for problem in result.problems)
