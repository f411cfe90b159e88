"""Writing one docstring into a file changes that docstring and nothing else."""

from __future__ import annotations

from codeassist.generate.docedit import apply_docstring, detect_style, literal
from codeassist.parsing.parse import parse_source
def _unit(text: str, qualname: str):
    return next(u for u in parse_source(text, "python", "m.py").units if u.qualname == qualname)


def test_insert_keeps_body_indentation_and_the_rest_of_the_file():
    text = "import os\n\n\nclass A:\n    def f(self, x):\n        # why\n        return x\n\n\ny = 1\n"
    new = apply_docstring(text, _unit(text, "A.f"), "Return x.\n\nArgs:\n    x: The x.")
    assert new == ("import os\n\n\nclass A:\n    def f(self, x):\n        # why\n"
                   '        """Return x.\n\n        Args:\n            x: The x.\n        """\n'
                   "        return x\n\n\ny = 1\n")


def test_replace_existing_docstring_only():
    text = 'def f(a):\n    r"""Old.\n\n    More.\n    """\n    return a  # keep\n'
    new = apply_docstring(text, _unit(text, "f"), "New.")
    assert new == 'def f(a):\n    """New."""\n    return a  # keep\n'


def test_one_line_body_moves_below_the_docstring():
    text = "def area(w, h): return w * h\n"
    new = apply_docstring(text, _unit(text, "area"), "Return the area.")
    assert new == 'def area(w, h):\n    """Return the area."""\n    return w * h\n'
    assert not parse_source(new, "python", "m.py").problems


def test_tabs_and_decorators():
    text = "@dec\ndef f():\n\tpass\n"
    new = apply_docstring(text, _unit(text, "f"), "Do nothing.")
    assert new == '@dec\ndef f():\n\t"""Do nothing."""\n\tpass\n'


def test_literal_refuses_unsanitised_text():
    import pytest

    from codeassist.errors import CodeassistError

    with pytest.raises(CodeassistError):
        literal('bad """ text', "    ")


def test_detect_style_prefers_the_file_then_google(tmp_path):
    numpy = 'def f(a):\n    """Do.\n\n    Parameters\n    ----------\n    a : int\n        A.\n    """\n'
    assert detect_style(numpy) == "numpy"
    sphinx = 'def f(a):\n    """Do.\n\n    :param a: A.\n    """\n'
    assert detect_style(sphinx) == "sphinx"
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "other.py").write_text(sphinx)
    target = tmp_path / "new.py"
    target.write_text("def g(b):\n    return b\n")
    assert detect_style(target.read_text(), target) == "sphinx"
    assert detect_style("def g(b):\n    return b\n") == "google"
