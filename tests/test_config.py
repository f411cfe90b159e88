"""Settings: the TOML table, validation, and command-line overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeassist.config import Settings, load, with_overrides
from codeassist.errors import CodeassistError


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(text)
    return tmp_path


def test_defaults_without_a_file(tmp_path: Path):
    assert load(tmp_path) == Settings()


def test_table_is_read_and_normalised(tmp_path: Path):
    root = write(tmp_path, '[tool.codeassist]\nselect = ["ca1"]\nmax_file_bytes = 10\n'
                           'per-file-ignores = { "a/*.py" = "CA102" }\n')
    settings = load(root)
    assert settings.select == ("CA1",)
    assert settings.max_file_bytes == 10
    assert settings.per_file_ignores == {"a/*.py": ("CA102",)}


def test_unknown_keys_warn(tmp_path: Path, capsys):
    load(write(tmp_path, "[tool.codeassist]\nfrobnicate = true\n"))
    assert "unknown key `frobnicate`" in capsys.readouterr().err


def test_all_problems_reported_at_once(tmp_path: Path):
    root = write(tmp_path, '[tool.codeassist]\nformat = "xml"\nseverity = { CA101 = "fatal" }\n'
                           "max-file-bytes = -1\nignore = [\"E501\"]\n")
    with pytest.raises(CodeassistError) as raised:
        load(root)
    message = str(raised.value)
    for key in ("`format`", "`severity`", "`max-file-bytes`", "`ignore`"):
        assert key in message


def test_broken_toml_is_a_clear_error(tmp_path: Path):
    with pytest.raises(CodeassistError, match="fix the TOML syntax"):
        load(write(tmp_path, "[tool.codeassist\n"))


def test_missing_explicit_config(tmp_path: Path):
    with pytest.raises(CodeassistError, match="config file not found"):
        load(tmp_path, tmp_path / "nope.toml")


def test_flags_override_the_file(tmp_path: Path):
    settings = load(write(tmp_path, '[tool.codeassist]\nformat = "json"\n'))
    assert with_overrides(settings, format="sarif", select=None).format == "sarif"
    assert with_overrides(settings, format=None).format == "json"
