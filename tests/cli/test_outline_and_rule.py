"""`codeassist outline` and `codeassist rule` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codeassist.review.rules import all_rules
FIXTURES = Path(__file__).parents[1] / "fixtures"


def test_outline_json(cli):
    done = cli("outline", str(FIXTURES / "python" / "sample.py"), "--format", "json", cwd=FIXTURES)
    assert done.returncode == 0, done.stderr
    units = json.loads(done.stdout)["units"]
    first = units[0]
    assert {"name", "qualname", "kind", "start_line", "end_line", "params", "has_doc"} <= set(first)
    assert first["qualname"] == "plain" and first["has_doc"] is True
    assert [p["name"] for p in first["params"]] == ["a", "b", "args", "key", "kwargs"]


def test_outline_text(cli):
    done = cli("outline", str(FIXTURES / "python" / "sample.py"), cwd=FIXTURES)
    assert "method Shape.area(self) [documented]" in done.stdout


@pytest.mark.parametrize(("content", "message"), [(b"\x00\x00", "binary file"), (None, "no such file")])
def test_outline_bad_input(tmp_path: Path, cli, content, message):
    target = tmp_path / "x.py"
    if content is not None:
        target.write_bytes(content)
    done = cli("outline", str(target), cwd=tmp_path)
    assert done.returncode == 2 and message in done.stderr


def test_outline_unsupported_suffix(tmp_path: Path, cli):
    (tmp_path / "x.txt").write_text("hi")
    done = cli("outline", "x.txt", cwd=tmp_path)
    assert done.returncode == 2 and "unsupported file type" in done.stderr


@pytest.mark.parametrize("rule_id", list(all_rules()))
def test_every_rule_has_a_complete_page(cli, rule_id, tmp_path):
    done = cli("rule", rule_id.lower(), cwd=tmp_path)
    assert done.returncode == 0
    for section in ("## What it does", "## Why it matters", "## Example", "## Use instead"):
        assert section in done.stdout
    rule = all_rules()[rule_id]
    assert rule.name == rule.name.lower() and " " not in rule.name
    assert rule.severity in ("error", "warning", "info")


def test_unknown_rule(cli, tmp_path):
    done = cli("rule", "CA999", cwd=tmp_path)
    assert done.returncode == 2 and "codeassist rule" in done.stderr


def test_rule_list(cli, tmp_path):
    done = cli("rule", cwd=tmp_path)
    assert "CA101  doc-param-not-in-signature" in done.stdout
