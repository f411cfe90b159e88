"""`--output` and `--generate-baseline` that cannot be written fail before any work."""

from __future__ import annotations

import pytest

from codeassist.cli.main import main


@pytest.mark.parametrize("flag", ["--output", "--generate-baseline"])
@pytest.mark.parametrize("target", ["missing/report.json", "a-directory"])
def test_unwritable_target_fails_first(tmp_path, capsys, monkeypatch, flag, target):
    (tmp_path / "a-directory").mkdir()
    source = tmp_path / "x.py"
    source.write_text("def f(a):\n    pass\n")
    monkeypatch.chdir(tmp_path)
    code = main(["check", str(source), flag, str(tmp_path / target)])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and target.split("/")[0] in err
    assert not (tmp_path / "missing").exists()
