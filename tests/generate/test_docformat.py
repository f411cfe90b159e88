"""Docstring structure comes from the code: whatever the model says, CA101–CA103 stay quiet."""

from __future__ import annotations

import pytest

from codeassist.generate.docformat import STYLES, Prose, facts_of, render
from codeassist.llm.answers import imperative, sanitize
from codeassist.parsing.parse import parse_source
from codeassist.review.engine import check_text
from codeassist.review.selection import Selection

SOURCE = '''
import abc


def plain(a, b: int = 2, *args, key: str = "k", **kwargs) -> int:
    if a < 0:
        raise ValueError("negative")
    return a + b


def nothing(path) -> None:
    print(path)


def rows(path):
    for line in open(path):
        yield line


def _private(_, value):
    return value


class Box:
    def __init__(self, width, height=1):
        self.width = width

    def area(self):
        return self.width

    @classmethod
    def make(cls, size):
        return cls(size, size)

    @abc.abstractmethod
    def load(self, name: str) -> bytes:
        ...

    def run(self, *, force=False):
        if force:
            raise RuntimeError("forced")
'''

HOSTILE = [
    "",
    '"""; import os; os.system("rm -rf /") """',
    "```python\ndef x():\n    pass\n```",
    "Args:\n    ghost: Not a parameter.\nReturns:\n    Something.",
    ":param ghost: not real\n:returns: a value",
    "Parameters\n----------\nghost : int",
    "\\n backslash \\ and '''quotes'''",
    "x" * 5000,
    ">>> print(1)",
]


def _units():
    return parse_source(SOURCE, "python", "m.py").units


def _document(text: str, unit, docstring: str) -> str:
    from codeassist.generate.docedit import apply_docstring
    return apply_docstring(text, unit, docstring)


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("hostile", HOSTILE)
def test_generated_docstrings_never_trigger_ca101_to_ca103(style: str, hostile: str):
    text = SOURCE
    for unit in sorted(_units(), key=lambda u: -u.start_line):
        facts = facts_of(unit)
        prose = Prose(summary=hostile, params={e.name: hostile for e in facts.params},
                      returns=hostile, yields=hostile, raises={e.name: hostile for e in facts.raises})
        text = _document(text, unit, render(facts, prose, style, unit=unit))
    reparsed = parse_source(text, "python", "m.py")
    assert not reparsed.problems
    assert all(u.doc is not None for u in reparsed.units)
    assert all(u.doc.parsed.style == style for u in reparsed.units if u.doc.parsed.params is not None)
    findings, _, problems = check_text(text, "python", "m.py", Selection(["CA1"]))
    assert not problems
    assert [f for f in findings if f.rule in ("CA101", "CA102", "CA103", "CA105")] == []
    assert [f for f in findings if f.rule == "CA104"] == []


def test_facts_follow_the_signature_and_body():
    units = {u.qualname: u for u in _units()}
    plain = facts_of(units["plain"])
    assert [e.name for e in plain.params] == ["a", "b", "*args", "key", "**kwargs"]
    assert plain.returns is not None and plain.returns.type == "int"
    assert [e.name for e in plain.raises] == ["ValueError"]
    assert facts_of(units["nothing"]).returns is None
    assert facts_of(units["rows"]).yields is not None and facts_of(units["rows"]).returns is None
    assert [e.name for e in facts_of(units["_private"]).params] == ["value"]
    assert [e.name for e in facts_of(units["Box.make"]).params] == ["size"]
    assert facts_of(units["Box.load"]).returns is not None  # an abstract method may document its value


@pytest.mark.parametrize(("raw", "expected"), [
    ("This function reads rows from a file. It is fast.", "Read rows from a file."),
    ("This Python method applies the patch", "Apply the patch."),
    ("The function fetches a page", "Fetch a page."),
    ("Return the sum.", "Return the sum."),
    ("```python\nreturn 1\n```", "Return 1."),
    ("Returns:", ""),
    ('"""', ""),
])
def test_sanitize_summary(raw: str, expected: str):
    assert sanitize(raw, 160, sentence=True) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("The parameter `key` is a string that names the entry.", "A string that names the entry."),
    ("It is the path to the file", "The path to the file."),
    ("a list\n:param ghost: of rows", "A list of rows."),
])
def test_sanitize_entry(raw: str, expected: str):
    assert sanitize(raw, 100) == expected


def test_sanitize_caps_length():
    assert len(sanitize("word " * 500, 100)) <= 104


def test_imperative_leaves_other_openers_alone():
    assert imperative("This class holds rows.") == "This class holds rows."
    assert imperative("Compute it.") == "Compute it."
