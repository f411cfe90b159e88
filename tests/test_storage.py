"""storage: the atomic writer keeps a file's mode and gives new files the umask's."""

from __future__ import annotations

import os
from pathlib import Path

from codeassist.storage import asset_dir, cache_root, write_atomic


def test_rewrite_keeps_the_mode(tmp_path: Path):
    script = tmp_path / "run.sh"
    script.write_text("old\n")
    script.chmod(0o755)
    write_atomic(script, "new\n")
    assert script.read_text() == "new\n"
    assert script.stat().st_mode & 0o777 == 0o755


def test_new_file_follows_the_umask(tmp_path: Path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "report.txt", b"data")
    finally:
        os.umask(old)
    assert (tmp_path / "report.txt").stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]  # no temporary left behind


def test_cache_root_follows_the_environment(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("CODEASSIST_CACHE_DIR", str(tmp_path))
    assert cache_root() == tmp_path


def test_asset_dir_points_into_the_package():
    assert (asset_dir("code-encoder") / "adapter_config.json").is_file()
