"""A model served over HTTP: any OpenAI-compatible server (Ollama, llama.cpp's server, vLLM).

`--llm-url` (or `llm-url` in `[tool.codeassist]`) replaces the local model: `chat` in
generation.py sends its messages here instead of decoding with torch, which is never imported
on this path. The client is the standard library's `http.client` rather than
`urllib.request`: it gives a short connect timeout beside the long read timeout, and it never
routes through a proxy from the environment, so the code goes only where the URL says. That
place is named once on stderr when it is not this machine.
"""

from __future__ import annotations

import http.client
import json
import sys
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from codeassist.config import DEFAULT_LLM_TIMEOUT_S as DEFAULT_TIMEOUT_S
from codeassist.errors import CodeassistError
from codeassist.llm import prompts
from codeassist.llm.hosts import is_local_host

CONNECT_TIMEOUT_S = 10.0  # a server that is up accepts at once; waiting longer only hides a typo
FALLBACK_MODEL = "default"  # what llama.cpp's server accepts when it lists nothing
MAX_STOP = 4  # the OpenAI API's limit on stop strings
MAX_REPLY_BYTES = 8_000_000  # far above any capped answer; a server sending more is not one
_WARNED: set[str] = set()


@dataclass(frozen=True)
class ServerModel:
    """Where an OpenAI-compatible server answers, and which of its models to ask.

    Attributes:
        url: The base URL, without a trailing `/v1` (e.g. `http://127.0.0.1:8080`).
        model: The model name the server knows; None asks for the first one it lists.
        timeout: Seconds to wait for an answer before giving up.
    """

    url: str
    model: str | None = None
    timeout: float = DEFAULT_TIMEOUT_S

    @property
    def name(self) -> str:
        """Name the server's model and where it runs, for messages."""
        return f"{self.model or 'the first model it lists'} at {self.url}"


@dataclass(frozen=True)
class Completion:
    """One answer of the server.

    Attributes:
        text: The generated text (a pre-filled start the server repeated is removed).
        logprobs: Each generated token's log-probability, or None when the server sent none.
    """

    text: str
    logprobs: list[float] | None


def connect(url: str, *, model: str | None = None, timeout: float = DEFAULT_TIMEOUT_S) -> ServerModel:
    """Check a server URL and describe the server; nothing is sent yet.

    Args:
        url: `http(s)://HOST[:PORT]`, with or without a trailing `/v1`.
        model: The server's model to use (None: the first one it lists).
        timeout: Seconds to wait for each answer.

    Returns:
        The server, its URL normalised. A warning goes to stderr, once per URL, when the
        host is not this machine: the code in the prompts would leave it.

    Raises:
        CodeassistError: When the URL is not an http(s) URL with a host, or the timeout is not positive.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CodeassistError(f"--llm-url {url!r} is not an http(s) URL",
                              "pass the server's base URL, e.g. http://127.0.0.1:8080 or http://localhost:11434")
    if timeout <= 0:
        raise CodeassistError(f"the LLM timeout must be positive, not {timeout}", "pass --llm-timeout SECONDS")
    base = f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/").removesuffix("/v1")
    if not is_local_host(parts.hostname) and base not in _WARNED:
        _WARNED.add(base)
        print(f"codeassist: warning: {parts.hostname} is not this machine; the code in each prompt "
              f"is sent to {base}", file=sys.stderr)
    return ServerModel(url=base, model=model or None, timeout=timeout)


def chat(server: ServerModel, user: str, *, prefix: str = "", max_new_tokens: int = 48,
         stop: tuple[str, ...] = ()) -> str:
    """Answer one user message, as `generation.chat` does with a local model.

    Args:
        server: The server.
        user: The user message.
        prefix: Text that starts the assistant's answer (returned without it).
        max_new_tokens: The cap on generated tokens.
        stop: Strings that end the answer (the answer is cut before them).

    Returns:
        The generated text.
    """
    text = complete(server, user, prefix=prefix, max_tokens=max_new_tokens, stop=stop).text
    for marker in stop:  # also where a server ignores some of them
        text = text.split(marker, 1)[0]
    return text


def complete(server: ServerModel, user: str, *, prefix: str = "", max_tokens: int = 48,
             stop: tuple[str, ...] = (), json_object: bool = False, logprobs: bool = False) -> Completion:
    """POST one chat completion: system and user message, greedy, capped.

    A pre-filled start goes as a trailing assistant message, which llama.cpp's server and
    Ollama continue. A server that answers afresh instead usually repeats that start: the
    answer is then taken from after it.

    Args:
        server: The server.
        user: The user message.
        prefix: The answer's pre-filled start, or "".
        max_tokens: The cap on generated tokens.
        stop: Strings that end the answer (at most MAX_STOP are sent).
        json_object: Ask for a JSON object (`response_format`), for callers that parse JSON.
        logprobs: Ask for each token's log-probability.

    Returns:
        The answer without the pre-filled start, and the log-probabilities when sent.

    Raises:
        CodeassistError: When the server cannot be reached, times out, or answers with an
            HTTP error or with something that is not a chat completion.
    """
    messages = [{"role": "system", "content": prompts.SYSTEM}, {"role": "user", "content": user}]
    if prefix:
        messages.append({"role": "assistant", "content": prefix})
    body: dict[str, Any] = {"model": served_model(server), "messages": messages, "max_tokens": max_tokens,
                            "temperature": 0}
    if stop:
        body["stop"] = list(stop[:MAX_STOP])
    if json_object:
        body["response_format"] = {"type": "json_object"}
    if logprobs:
        # llama-cpp-python's server sends none without `top_logprobs`; llama.cpp's own sends
        # none with 0 (it collects them only for n_probs > 0), so 1, which every server takes.
        body["logprobs"] = True
        body["top_logprobs"] = 1
    reply = _request(server, "POST", "/v1/chat/completions", body)
    try:
        choice = reply["choices"][0]
        text = choice["message"]["content"] or ""
        tokens = (choice.get("logprobs") or {}).get("content") if logprobs else None
        scores = [float(t["logprob"]) for t in tokens] if tokens else None
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        raise _bad_reply(server, f"no choices[0].message.content: {type(exc).__name__}") from None
    return Completion(text=_after_prefix(text, prefix) if prefix else text, logprobs=scores)


def _after_prefix(text: str, prefix: str) -> str:
    """Drop a pre-filled start that the server wrote again, with whatever it put before it."""
    if text.startswith(prefix):
        return text[len(prefix):]
    head = prefix.strip()
    at = text.find(head) if head else -1
    if at < 0:
        return text  # the server continued the start, as asked
    return text[at + len(head):].removeprefix(prefix[len(prefix.rstrip()):])


def served_model(server: ServerModel) -> str:
    """Return the model name to send: the chosen one, else the first the server lists.

    Args:
        server: The server.

    Returns:
        A name from `/v1/models`, or FALLBACK_MODEL when the server lists none.
    """
    return server.model or _first_listed(server.url, server.timeout)


@cache
def _first_listed(url: str, timeout: float) -> str:
    try:
        return str(_request(ServerModel(url, FALLBACK_MODEL, timeout), "GET", "/v1/models")["data"][0]["id"])
    except _Unreachable:
        raise  # the chat request would fail the same way; say so now
    except (CodeassistError, KeyError, IndexError, TypeError):
        return FALLBACK_MODEL  # a server without a model list serves one model under any name


class _Unreachable(CodeassistError):
    """No answer at all: refused, unresolvable, or too slow."""


def _request(server: ServerModel, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    parts = urlsplit(server.url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=CONNECT_TIMEOUT_S)
    where = server.url + path
    start_it = "start it (`ollama serve`, `llama-server -m MODEL.gguf --port 8080`) or fix --llm-url"
    try:
        try:
            connection.connect()
        except TimeoutError:
            raise _Unreachable(f"cannot reach the LLM server at {where} (no connection within "
                               f"{CONNECT_TIMEOUT_S:g} s)", start_it) from None
        except OSError as exc:
            raise _Unreachable(f"cannot reach the LLM server at {where} ({exc.strerror or type(exc).__name__})",
                               start_it) from None
        connection.sock.settimeout(server.timeout)
        data = json.dumps(body).encode() if body is not None else None
        connection.request(method, parts.path + path, body=data, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        payload = response.read(MAX_REPLY_BYTES + 1)
    except TimeoutError:
        raise _Unreachable(f"the LLM server at {where} did not answer within {server.timeout:g} s",
                           "check that it is running, or raise --llm-timeout (llm-timeout in "
                           "[tool.codeassist])") from None
    except (OSError, http.client.HTTPException) as exc:
        raise _bad_reply(server, f"{type(exc).__name__} from {path}") from None
    finally:
        connection.close()
    if response.status >= 400:
        detail = " ".join(payload.decode("utf-8", "replace").split())[:200]
        raise CodeassistError(f"the LLM server at {where} answered HTTP {response.status}: {detail}",
                              "check --llm-model (the names at /v1/models) and the server's log")
    if len(payload) > MAX_REPLY_BYTES:
        raise _bad_reply(server, f"over {MAX_REPLY_BYTES} bytes from {path}")
    try:
        return json.loads(payload)
    except ValueError:
        raise _bad_reply(server, f"not JSON from {path}") from None


def _bad_reply(server: ServerModel, detail: str) -> CodeassistError:
    return CodeassistError(f"the LLM server at {server.url} sent no OpenAI-style reply ({detail})",
                           "point --llm-url at an OpenAI-compatible server's base URL (without /v1/...)")
