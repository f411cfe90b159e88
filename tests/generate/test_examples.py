"""Retrieved style examples come from the project's real index, and are optional."""

from __future__ import annotations

from pathlib import Path

from codeassist.generate.examples import first_sentence, retrieved_examples
from codeassist.parsing.parse import parse_source
SOURCE = '''
def read_config(path):
    """Read the settings file at path. Missing files give defaults.

    Args:
        path: Where the file is.
    """
    with open(path) as f:
        return f.read()


def write_config(path, text):
    """Write the settings file at path."""
    with open(path, "w") as f:
        f.write(text)


def load_config(path):
    with open(path) as f:
        return f.read().splitlines()
'''


def test_first_sentence():
    assert first_sentence("Read it. Then more.\n\nArgs:\n  x: y") == "Read it."
    assert first_sentence("Read the\n    file") == "Read the file"
    assert first_sentence("") == ""


def test_examples_from_the_index_exclude_the_unit_itself(tmp_path: Path):
    from codeassist.search import index
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "config.py").write_text(SOURCE)
    unit = next(u for u in parse_source(SOURCE, "python", "config.py").units if u.name == "load_config")
    assert retrieved_examples(tmp_path, unit) == ""  # no index yet: no examples, no error
    index.build(tmp_path)
    examples = retrieved_examples(tmp_path, unit).splitlines()
    assert len(examples) == 2
    assert set(examples) == {"- read_config: Read the settings file at path.",
                             "- write_config: Write the settings file at path."}
