"""The project's own functions for `generate`'s prompt come from its real index, and are optional."""

from __future__ import annotations

from pathlib import Path

from codeassist.generate.examples import retrieved_code

SOURCE = '''
class Text:
    @staticmethod
    def slug_part(word):
        """Lower-case a word and keep its letters and digits."""
        return "".join(ch for ch in word.lower() if ch.isalnum())


def read_config(path):
    """Read the settings file at path."""
    with open(path) as f:
        return f.read()


def huge(x):
    """Long."""
''' + "    x += 1\n" * 200


def test_matching_functions_come_whole_and_dedented(tmp_path: Path):
    from codeassist.search import index
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "text.py").write_text(SOURCE)
    assert retrieved_code(tmp_path, "turn a title into a URL slug") == ""  # no index yet: nothing, no error
    index.build(tmp_path)
    code = retrieved_code(tmp_path, "make a lower-case slug of a title's words\nslugify(title)", k=1)
    assert code == ('# text.py\n```python\ndef slug_part(word):\n'
                    '    """Lower-case a word and keep its letters and digits."""\n'
                    '    return "".join(ch for ch in word.lower() if ch.isalnum())\n```')
    everything = retrieved_code(tmp_path, "long function", k=5)
    assert "def huge" not in everything and "def read_config" in everything  # too long to show whole
