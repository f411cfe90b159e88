"""Mining pairs from a real git repository (GitPython) and a real source archive."""

from __future__ import annotations

import tarfile
from pathlib import Path

from datasets import load_from_disk

import pytest

from tests.conftest import git
from training.config import ConfigError
from training.data.mine_pairs import first_paragraph, main, package_name

CONFIG = Path(__file__).parent.parent.parent / "training" / "configs" / "mine_pairs.toml"

SHARED = '''def shared_helper(items, key):
    """Group the items by the value that the key function returns."""
    groups = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups
'''


def _module(prefix: str) -> str:
    return f'''
def {prefix}_load(path, encoding="utf-8"):
    """Read the {prefix} settings file and return its parsed content.

    Args:
        path: Where the file is.
    """
    with open(path, encoding=encoding) as handle:
        text = handle.read()
    return text.splitlines()


def {prefix}_short(x):
    """Too short."""
    return x


def {prefix}_tiny(x):
    """Return the value doubled for the caller."""
    return x * 2


def test_{prefix}_thing(tmp):
    """A test function that should never be mined."""
    value = tmp
    assert value
    return value
'''


def test_mining_splits_by_package_dedups_and_filters(tmp_path: Path):
    repo = tmp_path / "alpha"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "alpha.py").write_text(_module("alpha") + "\n\n" + SHARED)
    (repo / "tests").mkdir()
    (repo / "tests" / "helpers.py").write_text(_module("hidden"))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "init")
    (repo / "alpha.py").write_text("# uncommitted edits are not mined\n")

    archives = tmp_path / "archives"
    archives.mkdir()
    source = tmp_path / "beta-1.0"
    source.mkdir()
    (source / "beta.py").write_text(_module("beta") + "\n\n" + SHARED)
    with tarfile.open(archives / "beta-1.0.tar.gz", "w:gz") as archive:
        archive.add(source, arcname="beta-1.0")

    config = tmp_path / "mine.toml"
    config.write_text(
        f'stdlib = false\narchive_dirs = ["{archives}"]\n'
        f'git = [{{package = "alpha", path = "{repo}", rev = "HEAD"}}]\n'
        'test_packages = ["beta"]\ndev_packages = []\nmax_pairs_per_package = 3000\n'
    )
    assert main(["--config", str(config), "--out", str(tmp_path / "pairs"), "--jobs", "2"]) == 0
    data = load_from_disk(str(tmp_path / "pairs"))
    assert main(["--config", str(config), "--out", str(tmp_path / "serial"), "--jobs", "1"]) == 0
    serial = load_from_disk(str(tmp_path / "serial"))
    assert all(data[name].to_dict() == serial[name].to_dict() for name in ("train", "dev", "test"))
    assert set(data["train"]["package"]) == {"alpha"}
    assert set(data["test"]["package"]) == {"beta"}
    assert len(data["dev"]) == 0
    # The shared helper exists in both packages: kept once, in the held-out split.
    assert data["test"]["qualname"].count("shared_helper") == 1
    assert "shared_helper" not in data["train"]["qualname"]
    assert sorted(data["train"]["qualname"]) == ["alpha_load"]
    row = data["train"][0]
    assert row["doc"] == "Read the alpha settings file and return its parsed content."
    assert '"""' not in row["code"] and "settings" not in row["ast"]
    assert row["ast"].startswith("def alpha load path encoding")


def test_first_paragraph_and_package_names():
    assert first_paragraph("Sum two\n  numbers.\n\nMore.") == "Sum two numbers."
    assert first_paragraph("Adds things.\n@param a the first") == "Adds things."
    assert package_name(Path("python_dateutil-2.9.0.post0.tar.gz")) == "python-dateutil"
    assert package_name(Path("lodash-4.17.21.tgz")) == "lodash"


def test_an_unknown_set_key_is_refused_before_any_work(tmp_path: Path):
    with pytest.raises(ConfigError, match="unknown key 'max_pairs'"):
        main(["--config", str(CONFIG), "--set", "max_pairs=10", "--out", str(tmp_path / "pairs")])
    assert not (tmp_path / "pairs").exists()
