"""Share one converted copy of the default model between test runs.

The session fixture of tests/conftest.py points CODEASSIST_CACHE_DIR at a fresh directory;
converting the GGUF there would cost ~25 s per run. The `llm` subdirectory is linked to the
user's real model cache instead, so the conversion happens once per machine.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def _shared_model_cache(_private_cache):  # noqa: ANN001, PT004 - runs after the private cache
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
