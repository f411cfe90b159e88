"""The shipped cross-encoder: it loads, scores in numpy without torch, and tells a match from a miss."""

from __future__ import annotations

import subprocess
import sys

from codeassist.heads import cross_encoder as cross

CODE = '''def checksum(data):
    import hashlib
    return hashlib.sha256(data).hexdigest()
'''


def test_shipped_cross_encoder_is_installed_with_its_card():
    directory = cross.shipped_dir()
    assert cross.available(directory)
    card = (directory / "MODEL_CARD.md").read_text()
    assert card.startswith("# cross-encoder") and "train_cross_encoder" in card


def test_shipped_cross_encoder_scores_in_numpy_and_prefers_the_matching_doc():
    script = ("import sys\nfrom codeassist.heads import cross_encoder as cross\n"
              f"p = cross.shipped().scores(['Return the SHA-256 hex digest of some bytes.',"
              f" 'Open a window and draw the toolbar buttons.'], [{CODE!r}] * 2)\n"
              "print(float(p[0]), float(p[1]))\n"
              "print(sorted(m for m in ('torch', 'transformers', 'peft') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                          env={"HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})
    scores, modules = done.stdout.strip().splitlines()
    match, miss = map(float, scores.split())
    assert 0 <= miss < match <= 1
    assert modules == "[]"
