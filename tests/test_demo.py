"""`make demo`'s script: a two-commit repository whose second commit made docs stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_demo_reviews_the_stale_commit():
    done = subprocess.run(
        ["sh", str(ROOT / "examples" / "demo" / "run.sh"), str(Path(sys.executable).parent / "codeassist")],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    review = done.stdout.split("== codeassist check")[0]
    for expected in ("README.md:9:1: CA301", "CA101", "CA102", "CA103", "CA104", "inventory.py:96:5: CA201",
                     "src/lib.rs", "web/cart.js", "src/Pricing.java", "(1 suppressed)"):
        assert expected in review
    assert "raises `KeyError`, which the code no longer raises" in review
    hook = done.stdout.split("== codeassist commit-msg")[1]
    assert "CA401" in hook and "`clearCart`" in hook
