"""What `docstring --write` refuses to edit, and the line endings it keeps when it does edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeassist.errors import CodeassistError
from codeassist.generate.docedit import apply_docstrings, check_editable, read_python
from codeassist.parsing.parse import parse_source


@pytest.mark.parametrize("text", [
    "def f():\n    return 1\n",
    "\ufeffdef f():\n    return 1\n",  # a BOM is not a syntax error
    "def f():\r\n    return 1\r\n",
    'x = "\\d"\n',  # an invalid escape is a warning, not an error
])
def test_editable(text: str):
    check_editable(text, Path("m.py"))


@pytest.mark.parametrize(("text", "where"), [
    ("def f(:\n    pass\n", "m.py:1:"),
    ("def f():\nreturn 1\n", "m.py:2:"),  # tree-sitter recovers from this one silently
    ("x = 1\ny = (\n", "m.py:2:"),
])
def test_syntax_error_is_refused_with_its_line(text: str, where: str):
    with pytest.raises(CodeassistError) as caught:
        check_editable(text, Path("m.py"))
    assert str(caught.value).startswith(where) and "refusing to edit it" in str(caught.value)


def test_crlf_file_keeps_crlf():
    text = "def f(a):\r\n    return a\r\n\r\n\r\ndef g():\r\n    pass\r\n"
    units = parse_source(text.replace("\r\n", "\n"), "python", "m.py").units
    new = apply_docstrings(text, [(u, f"Do {u.name}.") for u in units], Path("m.py"))
    assert new == ('def f(a):\r\n    """Do f."""\r\n    return a\r\n\r\n\r\n'
                   'def g():\r\n    """Do g."""\r\n    pass\r\n')


@pytest.mark.parametrize(("content", "message"), [
    (b"x = 1\n# caf\xe9\n", "m.py:2: not UTF-8 text (byte 0xe9)"),
    (b"\x00\x01binary", "m.py is a binary file, not Python source"),
])
def test_unreadable_source_is_one_line(tmp_path: Path, content: bytes, message: str):
    path = tmp_path / "m.py"
    path.write_bytes(content)
    with pytest.raises(CodeassistError) as caught:
        read_python(path)
    assert str(caught.value).startswith(f"{tmp_path}/{message}")


def test_read_python_keeps_line_endings(tmp_path: Path):
    (tmp_path / "m.py").write_bytes(b"x = 1\r\n")
    assert read_python(tmp_path / "m.py") == "x = 1\r\n"
