"""Shared test helpers: run the real CLI as a process, make real git repositories, load the LLM once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m codeassist ARGS` in `cwd` and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "codeassist", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


def git(cwd: Path, *args: str) -> str:
    """Run git with a fixed identity and return its stdout."""
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main", *args],
        cwd=cwd, capture_output=True, text=True, check=True,
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty git repository."""
    git(tmp_path, "init", "-q")
    return tmp_path


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory):
    """Keep the parse cache of every test run (and its CLI subprocesses) out of the user's."""
    os.environ["CODEASSIST_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield


@pytest.fixture(autouse=True, scope="session")
def _shared_model_cache(_private_cache):  # noqa: ANN001, PT004 - runs after the private cache
    """Share one converted copy of the default model between test runs.

    `_private_cache` points CODEASSIST_CACHE_DIR at a fresh directory; converting the GGUF
    there would cost ~25 s per run, so its `llm` subdirectory is linked to the user's real
    model cache and the conversion happens once per machine.
    """
    from platformdirs import user_cache_dir

    shared = Path(user_cache_dir("codeassist")) / "llm"
    shared.mkdir(parents=True, exist_ok=True)
    link = Path(os.environ["CODEASSIST_CACHE_DIR"]) / "llm"
    if not link.exists():
        link.symlink_to(shared, target_is_directory=True)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    yield


@pytest.fixture(scope="session")
def lm():
    """The real default model on CPU, loaded once for the session."""
    from codeassist.llm.models import load

    return load(None, "cpu")


# A `sitecustomize` that makes the modules named in $CODEASSIST_TEST_BLOCK unimportable, as
# if they were not installed: a core install (no torch) or a model not pulled, in a subprocess.
_BLOCKER = '''\
import importlib.abc
import os
import sys

BLOCKED = frozenset(filter(None, os.environ.get("CODEASSIST_TEST_BLOCK", "").split(",")))


class _Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked by the test)", name=name)
        return None


sys.meta_path.insert(0, _Blocker())
'''
LLM_STACK = ("torch", "transformers", "peft", "accelerate", "datasets", "gguf", "sentence_transformers")


@pytest.fixture(scope="session")
def blocked(tmp_path_factory: pytest.TempPathFactory):
    """Return a function giving the environment in which the named modules cannot be imported."""
    directory = tmp_path_factory.mktemp("blocker")
    (directory / "sitecustomize.py").write_text(_BLOCKER)

    def env(*modules: str) -> dict[str, str]:
        path = os.pathsep.join(p for p in (str(directory), os.environ.get("PYTHONPATH", "")) if p)
        return {"PYTHONPATH": path, "CODEASSIST_TEST_BLOCK": ",".join(modules)}

    return env
