"""Which LLM a generation command asks: a server (`--llm-url` or `llm-url`), else a local model.

The flags override the config file, as everywhere: `--model` names a local model, so it also
overrides an `llm-url` from the file; given together with `--llm-url` it is a usage error.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from codeassist.errors import CodeassistError

if TYPE_CHECKING:
    from codeassist.config import Settings
    from codeassist.llm.server import ServerModel


def chosen_server(root: Path, *, model: str | None, llm_url: str | None, llm_model: str | None,
                  llm_timeout: float | None, settings: Settings | None = None) -> ServerModel | None:
    """Return the server to ask, or None for the local model.

    Args:
        root: The project root, whose pyproject.toml is read when `settings` is None.
        model: `--model` (a local model), or None.
        llm_url: `--llm-url`, or None for the configured one.
        llm_model: `--llm-model`, or None for the configured one.
        llm_timeout: `--llm-timeout` in seconds, or None for the configured one.
        settings: Settings the command already read.

    Returns:
        The server, or None when no URL is given or configured, or `--model` names a local model.

    Raises:
        CodeassistError: When both `--model` and `--llm-url` are given, or the URL or timeout is invalid.
    """
    if llm_url and model:
        raise CodeassistError("--model names a local model and --llm-url a server",
                              "pass one of them (--llm-model NAME picks the server's model)")
    if settings is None:
        from codeassist import config

        settings = config.load(root)
    url = llm_url or (None if model else settings.llm_url)
    if not url:
        return None
    from codeassist.llm import server

    return server.connect(url, model=llm_model or settings.llm_model,
                          timeout=llm_timeout if llm_timeout is not None else settings.llm_timeout)
