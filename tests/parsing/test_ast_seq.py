"""The AST linearisation: real tree-sitter grammars, every language's fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeassist.parsing.ast_seq import linearise, split_identifier
from codeassist.languages import language_for_path
from codeassist.parsing.parse import parse_source
FIXTURES = Path(__file__).parent.parent / "fixtures"
SAMPLES = sorted(p for p in FIXTURES.glob("*/*") if p.parent.name != "python" or p.name == "sample.py")


@pytest.mark.parametrize(("name", "words"), [
    ("parseHTTPResponse2", ["parse", "http", "response", "2"]),
    ("max_len", ["max", "len"]),
    ("__init__", ["init"]),
    ("XMLParser", ["xml", "parser"]),
])
def test_split_identifier(name, words):
    assert split_identifier(name) == words


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.parent.name)
def test_every_unit_of_every_language_linearises(sample: Path):
    language = language_for_path(sample).name
    units = parse_source(sample.read_text(), language, sample.name).units
    assert units
    for unit in units:
        words = linearise(unit.body, language).split()
        assert words, unit.qualname
        assert words.count("{") == words.count("}")
        assert set(split_identifier(unit.name)) <= set(words), (unit.qualname, words)


def test_python_drops_docstring_comments_and_receiver_keeps_nesting():
    source = '''def read_config(self, path, retries=10000):
        """Load the settings file SECRETWORD."""
        # a comment ANOTHERSECRET
        for attempt in range(retries):
            if path.exists():
                return json.loads(path.read_text())
        raise FileNotFoundError(f"no settings file at {path} after many tries")
'''
    seq = linearise(source, "python")
    assert "secretword" not in seq and "anothersecret" not in seq and "self" not in seq.split()
    assert seq.startswith("def read config path retries num {")
    assert "for attempt in range retries { if path exists { return json loads" in seq
    assert "raise file not found error no settings file" in seq
    assert "after many" not in seq  # literals are cut to their first words


def test_doc_comments_are_dropped_in_other_languages():
    js = "/** Adds SECRETWORD. */\nfunction add(a, b) {\n  // ANOTHERSECRET\n  return a + b;\n}"
    assert linearise(js, "javascript") == "function add a b { return a b }"
    go = "// Sum adds SECRETWORD.\nfunc Sum(xs []int) int {\n\treturn 0\n}"
    assert "secretword" not in linearise(go, "go")


def test_method_cut_out_of_its_class_still_parses():
    java = "public int count(List<String> items) {\n        return items.size();\n    }"
    assert "return items size" in linearise(java, "java")
    decorated = "@property\n    def name(self):\n        return self._name\n"
    assert linearise(decorated, "python") == "property def name { return name }"


def test_same_code_with_and_without_docstring_gives_the_same_sequence():
    with_doc = 'def f(x):\n    """Doc."""\n    return x * 2\n'
    assert linearise(with_doc, "python") == linearise("def f(x):\n    return x * 2\n", "python")
