"""Unknown rule codes are a usage error, on the command line and in `[tool.codeassist]`."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeassist.config import from_table
from codeassist.errors import CodeassistError
from codeassist.review.rules import all_rules
from codeassist.review.selection import Selection

STALE = 'def f(x):\n    """Do it.\n\n    Args:\n        y: gone.\n    """\n    return x\n'


@pytest.mark.parametrize("flag", [("--select", "ZZ"), ("--select", "CA999"), ("--ignore", "CA1,CA7")])
def test_unknown_code_on_the_command_line(tmp_path: Path, cli, flag: tuple[str, str]):
    (tmp_path / "m.py").write_text(STALE)
    done = cli("check", "m.py", *flag, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert "unknown rule code" in done.stderr and "CA0, CA1, CA2, CA3, CA4, CA5" in done.stderr


def test_unknown_code_in_the_config(tmp_path: Path, cli):
    (tmp_path / "m.py").write_text(STALE)
    (tmp_path / "pyproject.toml").write_text('[tool.codeassist]\nselect = ["CA999"]\n')
    done = cli("check", "m.py", cwd=tmp_path)
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and "CA999" in done.stderr, done.stderr


@pytest.mark.parametrize("codes", [["CA"], ["CA1"], ["CA10"], ["CA101"], ["CA0", "CA5"]])
def test_prefixes_and_ids_stay_valid(tmp_path: Path, cli, codes: list[str]):
    Selection(codes, codes)
    (tmp_path / "m.py").write_text(STALE)
    assert cli("check", "m.py", "--select", ",".join(codes), cwd=tmp_path).returncode in (0, 1)


def test_selection_names_every_unknown_code():
    with pytest.raises(CodeassistError) as raised:
        Selection(["CA1", "ZZ"], ["CA999"], {"tests/**": ["CA1011"]})
    assert "ZZ, CA999, CA1011" in str(raised.value)


def test_config_reports_unknown_codes_with_its_other_problems():
    table = {"select": ["CA999"], "format": "xml", "severity": {"CA42": "error"}}
    with pytest.raises(CodeassistError) as raised:
        from_table(table, "pyproject.toml", rule_ids=list(all_rules()))
    message = str(raised.value)
    assert "CA999" in message and "`format`" in message and "CA42" in message
    assert len(message.splitlines()) == 1
    assert from_table({"select": ["CA1"]}, "p", rule_ids=list(all_rules())).select == ("CA1",)


def test_cli_reports_every_unknown_config_code_at_once(tmp_path: Path, cli):
    (tmp_path / "m.py").write_text(STALE)
    (tmp_path / "pyproject.toml").write_text('[tool.codeassist]\nselect = ["CA999"]\nseverity = {CA998 = "error"}\n')
    done = cli("check", "m.py", cwd=tmp_path)
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert "CA999" in done.stderr and "CA998" in done.stderr
