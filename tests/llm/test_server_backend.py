"""The OpenAI-compatible server backend against a real HTTP server on 127.0.0.1 with canned answers."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from codeassist.cli.main import main
from codeassist.errors import CodeassistError
from codeassist.llm import generation, hosts, server
from tests.conftest import LLM_STACK

Reply = Callable[[str, dict], "tuple[int, bytes]"]


def completion(content: str, logprobs: list[float] | None = None) -> tuple[int, bytes]:
    """A 200 chat completion whose message is `content`."""
    choice: dict = {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
    if logprobs is not None:
        choice["logprobs"] = {"content": [{"token": "t", "logprob": p} for p in logprobs]}
    return 200, json.dumps({"object": "chat.completion", "choices": [choice]}).encode()


class FakeServer:
    """/v1/models and /v1/chat/completions on 127.0.0.1, port 0; records every request body."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict]] = []
        self.reply: Reply = lambda path, body: completion("ok")
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                self._answer({})

            def do_POST(self) -> None:  # noqa: N802
                self._answer(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))

            def _answer(self, body: dict) -> None:
                fake.requests.append((self.path, body))
                if self.path == "/v1/models":
                    status, payload = 200, json.dumps({"data": [{"id": "first-model"}, {"id": "other"}]}).encode()
                else:
                    status, payload = fake.reply(self.path, body)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True  # a handler still sleeping for the timeout test is not waited for
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def chats(self) -> list[dict]:
        """The bodies sent to /v1/chat/completions."""
        return [body for path, body in self.requests if path == "/v1/chat/completions"]


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    served = FakeServer()
    thread = threading.Thread(target=served.httpd.serve_forever, daemon=True)
    thread.start()
    yield served
    served.httpd.shutdown()
    served.httpd.server_close()


def test_request_body_and_prefix(fake: FakeServer):
    fake.reply = lambda path, body: completion("def f():\n    return 1\n```\nmore")
    text = server.chat(server.connect(fake.url), "write f", prefix="```python\n", max_new_tokens=64, stop=("```",))
    assert text == "def f():\n    return 1\n"  # cut before the stop string, prefix not repeated
    [body] = fake.chats()
    assert body["model"] == "first-model"  # the first one /v1/models lists
    assert body["messages"] == [{"role": "system", "content": generation.prompts.SYSTEM},
                                {"role": "user", "content": "write f"},
                                {"role": "assistant", "content": "```python\n"}]
    assert body["max_tokens"] == 64 and body["temperature"] == 0 and body["stop"] == ["```"]
    assert "response_format" not in body and "logprobs" not in body and "top_logprobs" not in body


@pytest.mark.parametrize(("answer", "expected"), [
    ("def f(): pass", "def f(): pass"),  # continued the pre-filled start, as asked
    ("```python\ndef f(): pass", "def f(): pass"),  # started afresh, repeating it
    ("Here it is:\n```python\ndef f(): pass", "def f(): pass"),  # with chatter before it
])
def test_a_repeated_prefix_is_dropped(fake: FakeServer, answer: str, expected: str):
    fake.reply = lambda path, body: completion(answer)
    assert server.chat(server.connect(fake.url), "u", prefix="```python\n") == expected


def test_chosen_model_json_and_logprobs(fake: FakeServer):
    fake.reply = lambda path, body: completion('{"line": null}', [-0.1, -0.3])
    url = fake.url + "/v1/"  # an OpenAI base URL as clients write it
    answer = server.complete(server.connect(url, model="qwen"), "u", json_object=True, logprobs=True)
    assert answer.text == '{"line": null}' and answer.logprobs == [-0.1, -0.3]
    assert [path for path, _ in fake.requests] == ["/v1/chat/completions"]  # no listing needed
    [body] = fake.chats()
    assert body["model"] == "qwen" and body["response_format"] == {"type": "json_object"}
    assert body["logprobs"] is True and body["top_logprobs"] == 1  # llama-cpp-python sends none without it


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(("reply", "timeout", "message", "fix"), [
    (None, 5.0, "cannot reach the LLM server at", "fix --llm-url"),
    (lambda path, body: (500, b'{"error": "model\ncrashed"}'), 5.0, "answered HTTP 500: {\"error\": \"model crashed\"}",
     "check --llm-model"),
    (lambda path, body: (200, b"<html>not json</html>"), 5.0, "sent no OpenAI-style reply (not JSON", "base URL"),
    (lambda path, body: (200, b'{"choices": []}'), 5.0, "sent no OpenAI-style reply (no choices", "base URL"),
    (lambda path, body: (time.sleep(1.5), completion("late"))[1], 0.3, "did not answer within 0.3 s",
     "raise --llm-timeout"),
])
def test_errors_are_one_line_with_url_and_fix(fake: FakeServer, reply, timeout: float, message: str, fix: str):
    url = f"http://127.0.0.1:{_free_port()}" if reply is None else fake.url
    if reply is not None:
        fake.reply = reply
    with pytest.raises(CodeassistError) as caught:
        server.chat(server.connect(url, model="m", timeout=timeout), "u")
    line = str(caught.value)
    assert message in line and fix in line and url in line and "\n" not in line


@pytest.mark.parametrize(("host", "local"), [
    ("localhost", True), ("LOCALHOST.", True), ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True),
    ("[::1]", True), ("::ffff:127.0.0.1", True), ("0.0.0.0", True), ("this-box", True), ("10.1.2.3", True),
    ("10.1.2.4", False), ("192.168.1.20", False), ("192.0.2.1", False), ("example.com", False),
    ("gpu-box.lan", False), ("2001:db8::1", False),
])
def test_host_classifier(host: str, local: bool):
    assert hosts.is_local_host(host, own=frozenset({"this-box", "10.1.2.3"})) is local


def test_remote_url_warns_once_and_sends_nothing(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setattr(hosts, "_own_addresses", lambda: frozenset())
    for _ in range(2):
        remote = server.connect("http://192.0.2.1:8080/v1", model="m")  # TEST-NET: never contacted here
    assert remote.url == "http://192.0.2.1:8080"
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "192.0.2.1 is not this machine" in err and "sent to http://192.0.2.1:8080" in err
    server.connect("http://127.0.0.1:8080")
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("url", ["localhost:8080", "ftp://host/", "http://"])
def test_bad_urls(url: str):
    with pytest.raises(CodeassistError, match="is not an http"):
        server.connect(url)


def test_generate_through_the_cli(fake: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]):
    code = 'def larger(a: int, b: int) -> int:\n    """Return the larger."""\n    return a if a > b else b\n'
    fake.reply = lambda path, body: completion(code + "```\n")
    monkeypatch.chdir(tmp_path)
    assert main(["generate", "Return the larger of two numbers.", "--signature", "larger(a: int, b: int) -> int",
                 "--llm-url", fake.url, "--llm-timeout", "30"]) == 0
    assert capsys.readouterr().out == code
    [body] = fake.chats()
    assert "larger(a: int, b: int) -> int" in body["messages"][1]["content"] and body["max_tokens"] == 320


def test_docstring_through_the_cli_with_the_config_key(fake: FakeServer, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]):
    def reply(path: str, body: dict) -> tuple[int, bytes]:
        last = body["messages"][-1]
        if last["role"] != "assistant":
            return completion("Compute the area of a rectangle.\nextra line")
        return completion({"- `w`:": " The width.", "- Returns:": " The area."}.get(last["content"].split("\n")[-1],
                                                                                   " The height."))

    fake.reply = reply
    (tmp_path / "pyproject.toml").write_text(f'[tool.codeassist]\nllm-url = "{fake.url}"\nllm-model = "coder"\n')
    (tmp_path / "geo.py").write_text("def area(w: float, h: float) -> float:\n    return w * h\n\n\n"
                                     "def perimeter(w, h):\n    return 2 * (w + h)\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(generation, "_SERVER_NOTICES", set())
    assert main(["docstring", "geo.py"]) == 0
    out, err = capsys.readouterr()
    assert "Compute the area of a rectangle." in out and "w: The width." in out and "h: The height." in out
    assert "extra line" not in out and "Returns:\n    The area." in out
    if generation.adapter_dir("docstring") is not None:  # one notice for both units
        assert err.count("adapter applies to the bundled model only") == 1
    assert {body["model"] for body in fake.chats()} == {"coder"}
    assert all(body["stop"] for body in fake.chats())


def test_model_and_url_together_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]):
    monkeypatch.chdir(tmp_path)
    assert main(["generate", "x", "--signature", "f(a)", "--model", "m", "--llm-url", "http://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert "--model names a local model and --llm-url a server" in err and err.count("\n") == 1


@pytest.mark.parametrize(("toml", "message"), [
    ('llm-url = "localhost:11434"', "`llm-url` must start with http:// or https://"),
    ("llm-timeout = 0", "`llm-timeout` must be a positive number of seconds"),
    ("llm-model = 3", "`llm-model` must be a non-empty string"),
])
def test_config_keys_are_validated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str], toml: str, message: str):
    (tmp_path / "pyproject.toml").write_text(f"[tool.codeassist]\n{toml}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["generate", "x", "--signature", "f(a)"]) == 2
    assert message in capsys.readouterr().err


def test_refused_connection_through_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]):
    monkeypatch.chdir(tmp_path)
    url = f"http://127.0.0.1:{_free_port()}"
    assert main(["generate", "x", "--signature", "f(a)", "--llm-url", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"codeassist: error: cannot reach the LLM server at {url}") and err.count("\n") == 1


def test_core_install_generates_with_a_server(fake: FakeServer, tmp_path: Path, blocked):
    """Without torch and transformers installed at all, `generate --llm-url` works."""
    fake.reply = lambda path, body: completion("def f(a):\n    return a\n```")
    script = ("import sys\nfrom codeassist.cli.main import main\n"
              f"code = main(['generate', 'identity', '--signature', 'f(a)', '--llm-url', {fake.url!r}])\n"
              f"print(code, sorted(m for m in {LLM_STACK!r} if m in sys.modules))\n")
    import os
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, **blocked(*LLM_STACK)}, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("def f(a):\n    return a\n0 []\n")


def test_review_llm_asks_the_server_for_json_with_logprobs(fake: FakeServer, change: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]):
    answer = '{"line": 2, "comment": "Indexing at len(items) is past the end.", "suggestion": "return items[-1]"}'
    fake.reply = lambda path, body: completion(answer, [-0.2, -0.4])
    monkeypatch.chdir(change)
    code = main(["review", "--llm", "--select", "CA5", "--llm-url", fake.url, "--format", "json"])
    out = capsys.readouterr().out
    assert code == 1, out
    [finding] = json.loads(out)["findings"] if isinstance(json.loads(out), dict) else json.loads(out)
    assert finding["rule"] == "CA501" and finding["line"] == 2 and "past the end" in finding["message"]
    [body] = fake.chats()
    assert body["response_format"] == {"type": "json_object"} and body["logprobs"] is True
    assert body["messages"][-1]["role"] == "user"  # nothing pre-filled under a JSON grammar


def test_review_llm_refuses_a_server_without_logprobs(fake: FakeServer, change: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]):
    fake.reply = lambda path, body: completion('{"line": null}')
    monkeypatch.chdir(change)
    assert main(["review", "--llm", "--select", "CA5", "--llm-url", fake.url]) == 2
    err = capsys.readouterr().err
    assert "sent no token log-probabilities" in err and "llama.cpp" in err and err.count("\n") == 1
