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


def test_a_large_job_without_torch_runs_in_numpy(tmp_path, blocked):
    import os

    from codeassist.encoders.text import SMALL_JOB, torch_available

    assert torch_available()
    texts = [f"Return item {i} of the warehouse, or None when it is missing." for i in range(SMALL_JOB + 8)]
    code = [f"def find_{i}(items, key):\n    return items.get(key)" for i in range(SMALL_JOB + 8)]
    script = (
        "import sys\n"
        "import numpy as np\n"
        "from codeassist.encoders.text import torch_available\n"
        "from codeassist.encoders import encode_code, encode_docs\n"
        "assert not torch_available()\n"
        f"np.save(sys.argv[1], np.concatenate([encode_docs({texts!r}), encode_code({code!r}, 'python')]))\n"
    )
    env = {**os.environ, **blocked("torch", "transformers", "peft")}
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "v.npy")], env=env, check=True)
    from codeassist.encoders.code import code_encoder, linearise_all
    from codeassist.encoders.text import doc_encoder

    reference = np.concatenate([doc_encoder().encode(texts), code_encoder().encode(linearise_all(code, "python"))])
    assert np.abs(np.load(tmp_path / "v.npy") - reference).max() < 1e-4
