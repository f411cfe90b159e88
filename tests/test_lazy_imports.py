"""The static paths never import the heavy learned-stage libraries."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
HEAVY = ("torch", "transformers", "peft", "accelerate", "datasets", "git")


def test_check_and_outline_do_not_import_torch(tmp_path: Path):
    script = (
        "import sys\n"
        "from codeassist.cli.main import main\n"
        f"main(['check', {str(FIXTURES)!r}, '--format', 'sarif', '--output', {str(tmp_path / 'o')!r}])\n"
        f"main(['outline', {str(FIXTURES / 'python' / 'sample.py')!r}, '--format', 'json'])\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"
