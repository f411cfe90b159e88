"""The server backend against a real llama.cpp server: llama-cpp-python's, serving the bundled GGUF.

Slow and optional: `pip install -e '.[server-test]'` compiles llama.cpp (minutes), then
`pytest -m slow tests/llm/test_llama_server.py`. Without it every test is skipped.
"""

from __future__ import annotations

import ast
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from codeassist.generate.code import parse_problem
from codeassist.llm import server
from codeassist.llm.models import packaged_gguf

pytestmark = pytest.mark.slow
START_TIMEOUT_S = 90.0  # imports, model load; under 10 s on 2 shared cores
REMOTE_WARNING = "is not this machine"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Return once `GET /v1/models` answers; fail with the server's log if it dies or is too slow."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"llama_cpp.server exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{url}/v1/models", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass  # not listening yet
        time.sleep(0.25)
    pytest.fail(f"llama_cpp.server did not answer /v1/models within {START_TIMEOUT_S:g} s:\n"
                f"{log.read_text()[-4000:]}")


@pytest.fixture(scope="module")
def llama_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of llama-cpp-python's server on 127.0.0.1, serving the bundled SmolLM2 GGUF."""
    pytest.importorskip("llama_cpp.server", reason="llama-cpp-python's server is not installed "
                                                   "(pip install -e '.[server-test]')")
    gguf = packaged_gguf()
    if gguf is None:
        pytest.skip("the bundled model is not installed (codeassist models pull llm)")
    port = _free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1",
               "--port", str(port), "--n_ctx", "2048",
               # One thread: another process may be training on these cores.
               "--n_threads", "1", "--n_threads_batch", "1"]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT,
                                   env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"})
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_the_served_model_is_found_without_a_warning(llama_url: str, capsys: pytest.CaptureFixture[str]):
    served = server.connect(llama_url + "/v1")
    assert server.served_model(served).endswith(".gguf")  # llama-cpp-python names it by its path
    assert capsys.readouterr().err == ""  # 127.0.0.1 is this machine


def test_generate_returns_code_that_parses(cli, llama_url: str, tmp_path: Path):
    done = cli("generate", "Return the larger of two numbers.", "--signature", "larger(a: int, b: int) -> int",
               "--llm-url", llama_url, "--llm-timeout", "60", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert parse_problem(done.stdout, "larger") is None, done.stdout
    ast.parse(done.stdout)
    assert REMOTE_WARNING not in done.stderr


def test_docstring_returns_a_docstring(cli, llama_url: str, tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "geo.py").write_text("def area(width, height):\n    return width * height\n")
    done = cli("docstring", "geo.py", "--style", "google", "--llm-url", llama_url, "--llm-timeout", "60",
               cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    summary, _, rest = done.stdout.partition("\n")
    assert "area" in summary.lower() and summary != "Run area.", done.stdout  # the model's prose, not the fallback
    assert "Args:\n    width: " in rest and "    height: " in rest and "Returns:\n    " in rest, done.stdout
    assert REMOTE_WARNING not in done.stderr


def test_review_llm_through_the_server(cli, llama_url: str, change: Path):
    """The server sends log-probabilities, so CA501 runs (exit 0 or 1) rather than refusing it (exit 2)."""
    done = cli("review", "--llm", "--select", "CA5", "--llm-url", llama_url, "--llm-timeout", "60",
               "--format", "json", cwd=change)
    assert done.returncode in (0, 1), done.stderr
    findings = json.loads(done.stdout)["findings"]
    assert all(f["rule"] == "CA501" and f["path"] == "m.py" and f["line"] == 2 for f in findings)
    assert REMOTE_WARNING not in done.stderr
