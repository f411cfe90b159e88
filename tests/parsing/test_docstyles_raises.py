"""Raises entries that put prose after the exception name, in the NumPy and Sphinx conventions."""

from __future__ import annotations

import pytest

from codeassist.parsing.docstrings import PYTHON, parse_doc


def _numpy(*entries: str) -> str:
    lines = "\n".join(f"    {entry}" for entry in entries)
    return f"Convert it.\n\n    Raises\n    ------\n{lines}\n    "


def _raised(text: str) -> list[str]:
    return [item.name for item in parse_doc(text, PYTHON).raises or ()]


@pytest.mark.parametrize(
    ("entry", "names"),
    [
        ("ValueError if the freq cannot be converted.", ["ValueError"]),
        ("NotImplementedError() when called for unsupported data types", ["NotImplementedError"]),
        ("ImportError, if it isn't possible to import any requested", ["ImportError"]),
        ("pyasn1.error.PyAsn1Error on any inconsistencies found", ["pyasn1.error.PyAsn1Error"]),
        ("Exception (backend-specific)", ["Exception"]),
        ("`ImportError` when the backend is missing", ["ImportError"]),
        # unchanged: a name, a name with a description, a list kept whole, and prose
        ("ValueError", ["ValueError"]),
        (":exc:`KeyError`: missing key", ["KeyError"]),
        ("KeyError, IndexError", ["KeyError, IndexError"]),
        ("If the file is missing.", ["If the file is missing."]),
    ],
)
def test_numpy_raises_takes_the_name_before_prose(entry, names):
    assert _raised(_numpy(entry, "    The description.")) == names


@pytest.mark.parametrize(
    ("field", "names"),
    [
        (":raises: ValueError if the freq cannot be converted.", ["ValueError"]),
        (":raises: pkg.errors.BadInput when the input is empty", ["pkg.errors.BadInput"]),
        (":raises: :exc:`~exceptions.LookupError` for an unknown label.", ["exceptions.LookupError"]),
        (":raises: :exc:`.RefactoringError`", ["RefactoringError"]),
        (":raises: OSError: for all errors other than errno 1", ["OSError"]),
        # unchanged: the name in the field, and text that opens with no class name
        (":raises ValueError: if the freq cannot be converted.", ["ValueError"]),
        (":raises: if the freq cannot be converted.", ["if the freq cannot be converted."]),
        (":raises: A ValueError when it fails.", ["A ValueError when it fails."]),
    ],
)
def test_sphinx_bare_raises_field_takes_the_leading_class_name(field, names):
    assert _raised(f"Convert it.\n\n    {field}\n    ") == names


@pytest.mark.parametrize(
    ("entry", "names"),
    [
        ("spans (List[Span], optional). A list of predefined style spans.", ["spans"]),
        ("meta (Dict[str, Any], optional). Meta data to apply.", ["meta"]),
        ("width (int): The width.", ["width"]),
        ("Note (see below). This is prose.", []),
    ],
)
def test_google_entry_with_a_period_after_the_type(entry, names):
    parsed = parse_doc(f"Do it.\n\nArgs:\n    {entry}\n", PYTHON)
    assert [item.name for item in parsed.params or ()] == names
