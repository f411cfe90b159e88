"""Code generation helpers: signatures, extraction, parse checks, sandboxed doctests."""

from __future__ import annotations

import pytest

from codeassist.generate.code import check_doctests, extract_code, normalise_signature, parse_problem
from codeassist.errors import CodeassistError


@pytest.mark.parametrize(("signature", "line", "name"), [
    ("slugify(text: str) -> str", "def slugify(text: str) -> str:", "slugify"),
    ("def add(a, b):", "def add(a, b):", "add"),
    ("async def fetch(url)", "async def fetch(url):", "fetch"),
])
def test_normalise_signature(signature: str, line: str, name: str):
    assert normalise_signature(signature) == (line, name)


def test_signature_without_a_name_is_a_user_error():
    with pytest.raises(CodeassistError):
        normalise_signature("(a, b)")


def test_extract_code_prefers_the_block_with_the_function():
    answer = "Here:\n```\npip install x\n```\n```python\nimport re\n\ndef f(x):\n    return x\n```\nDone."
    assert extract_code(answer, "f") == "import re\n\ndef f(x):\n    return x\n"
    assert extract_code("def f(x):\n    return x", "f") == "def f(x):\n    return x\n"
    assert extract_code("```python\ndef f(x):\n    return x", "f") == "def f(x):\n    return x\n"


def test_parse_problem():
    assert parse_problem("def f(x):\n    return x\n", "f") is None
    assert "syntax error" in parse_problem("def f(x):\n    return (x\n", "f")
    assert "does not define" in parse_problem("def g(x):\n    return x\n", "f")


def test_doctests_pass_and_fail_in_a_subprocess():
    good = 'def add(a, b):\n    """Add.\n\n    >>> add(1, 2)\n    3\n    """\n    return a + b\n'
    assert check_doctests(good).ok
    bad = good.replace("    3\n", "    4\n")
    result = check_doctests(bad)
    assert not result.ok and "1 failed" in result.output


def test_doctests_have_no_network_and_a_timeout():
    network = ('def f():\n    """Connect.\n\n    >>> import socket; socket.create_connection(("example.com", 80))\n'
               '    1\n    """\n')
    result = check_doctests(network)
    assert not result.ok and "network disabled" in result.output
    forever = 'def f():\n    """Loop.\n\n    >>> while True: pass\n    """\n'
    result = check_doctests(forever, timeout=2)
    assert not result.ok and "timed out" in result.output
