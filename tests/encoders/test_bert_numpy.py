"""The numpy MiniLM gives the transformers model's vectors, and small jobs never import torch."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from codeassist.encoders.bert_numpy import NumpyMiniLM
from codeassist.encoders.code import CODE_MAX_TOKENS, adapter_dir
from codeassist.encoders.text import DOC_MAX_TOKENS, MiniLM, model_dir

TEXTS = [
    "Parse a date written as YYYY-MM-DD.",
    "def parse_date ( text ) : if not text : return None",
    "word " * 400,  # truncated
    "x",
]


@pytest.mark.parametrize(("adapter", "max_tokens"), [(None, DOC_MAX_TOKENS), ("shipped", CODE_MAX_TOKENS)])
def test_same_vectors_as_transformers(adapter, max_tokens):
    directory = adapter_dir() if adapter else None
    reference = MiniLM(adapter=directory, max_tokens=max_tokens).encode(TEXTS, batch_size=3)
    fast = NumpyMiniLM(model_dir(), adapter=directory, max_tokens=max_tokens).encode(TEXTS, batch_size=3)
    assert fast.shape == reference.shape == (len(TEXTS), 384)
    assert np.abs(fast - reference).max() < 1e-4
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)


def test_a_small_job_does_not_import_torch():
    script = (
        "import sys\n"
        "from codeassist.encoders import encode_code, encode_docs\n"
        "encode_docs(['Parse a date.', 'Retry uploads'])\n"
        "encode_code(['def f(x):\\n    return x'], 'python')\n"
        "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"
