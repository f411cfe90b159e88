"""The two encoders with the real packaged MiniLM and the shipped adapter (no mocks)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import codeassist
from codeassist.encoders.cache import EmbeddingCache
from codeassist.encoders.code import adapter_dir, encoder_id
ADD = "def add_numbers(a, b):\n    total = a + b\n    return total\n"
READ = "def read_file(path):\n    with open(path) as handle:\n        return handle.read()\n"
SNIPPETS = {
    "python": ADD,
    "javascript": "function addNumbers(a, b) {\n  return a + b;\n}",
    "typescript": "function addNumbers(a: number, b: number): number {\n  return a + b;\n}",
    "tsx": "function Total({ a, b }: Props) {\n  return <span>{a + b}</span>;\n}",
    "go": "func AddNumbers(a int, b int) int {\n\treturn a + b\n}",
    "java": "public int addNumbers(int a, int b) {\n    return a + b;\n}",
    "rust": "fn add_numbers(a: i32, b: i32) -> i32 {\n    a + b\n}",
}


def _unit_rows(array: np.ndarray) -> None:
    assert array.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(array, axis=1), 1.0, atol=1e-5)


def test_the_shipped_adapter_is_in_peft_format():
    assert (adapter_dir() / "adapter_config.json").is_file()
    assert (adapter_dir() / "adapter_model.safetensors").is_file()
    assert (adapter_dir() / "MODEL_CARD.md").is_file()


def test_encode_docs_shape_and_norm():
    vectors = codeassist.encode_docs(["Return the sum of two numbers.", "Read a file.", ""])
    assert vectors.shape == (3, 384)
    _unit_rows(vectors[:2])


@pytest.mark.parametrize("language", sorted(SNIPPETS))
def test_encode_code_every_language(language):
    vectors = codeassist.encode_code([SNIPPETS[language]], language)
    assert vectors.shape == (1, 384)
    _unit_rows(vectors)


def test_code_lands_next_to_its_documentation():
    docs = codeassist.encode_docs(["Add two numbers and return the total.", "Read the contents of a file."])
    code = codeassist.encode_code([ADD, READ], "python")
    similarity = docs @ code.T
    assert similarity[0, 0] > similarity[0, 1]
    assert similarity[1, 1] > similarity[1, 0]


def test_docstring_does_not_change_the_code_vector():
    documented = ADD.replace(":\n", ':\n    """Add two numbers."""\n', 1)
    vectors = codeassist.encode_code([ADD, documented], "python")
    np.testing.assert_allclose(vectors[0], vectors[1], atol=1e-5)


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown language"):
        codeassist.encode_code([ADD], "cobol")


def test_cached_vectors_equal_fresh_ones(tmp_path: Path):
    cache = EmbeddingCache(tmp_path / "c.sqlite3")
    fresh = codeassist.encode_code([ADD, READ], "python")
    cached = codeassist.encode_code([ADD, READ], "python", cache=cache)
    again = codeassist.encode_code([READ], "python", cache=cache)
    np.testing.assert_allclose(fresh, cached, atol=1e-5)
    np.testing.assert_array_equal(again[0], cached[1])
    assert "+lora:" in encoder_id()


def test_import_codeassist_and_encoders_stays_light():
    script = ("import sys, codeassist, codeassist.encoders, codeassist.search.index, codeassist.encoders.lexical\n"
              "print(sorted(m for m in ('torch', 'transformers', 'peft', 'bm25s') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
