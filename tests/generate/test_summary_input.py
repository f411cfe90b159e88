"""The docstring adapter reads one input: what the miner stores and the recipe trains on is
what `codeassist docstring` serves and what the benchmark measures."""

from __future__ import annotations

import tarfile
from pathlib import Path

from datasets import load_from_disk

from codeassist.generate.docstrings import SUMMARY_CODE_CHARS, summary_input
from codeassist.parsing.parse import parse_source
from training.data.mine_pairs import main as mine
from training.recipes.train_lora_sft import build_examples

# A method (indented, blank lines inside) longer than the adapter's code budget.
STEPS = "\n\n".join(f"        total += self.weight * {i}  # step {i} of the long sum" for i in range(20))
SOURCE = f'''
class Meter:
    def weighted_total(self, items):
        """Add up the items, each scaled by the meter's weight, and return the sum."""
        total = 0

{STEPS}
        return total
'''


def test_serving_training_and_benchmark_feed_the_adapter_the_same_text(tmp_path: Path):
    source = tmp_path / "meter-1.0"
    source.mkdir()
    (source / "meter.py").write_text(SOURCE)
    archives = tmp_path / "archives"
    archives.mkdir()
    with tarfile.open(archives / "meter-1.0.tar.gz", "w:gz") as archive:
        archive.add(source, arcname="meter-1.0")
    config = tmp_path / "mine.toml"
    config.write_text(f'stdlib = false\narchive_dirs = ["{archives}"]\ngit = []\nmax_pairs_per_package = 10\n'
                      'test_packages = []\ndev_packages = []\n')
    assert mine(["--config", str(config), "--out", str(tmp_path / "pairs")]) == 0
    row = load_from_disk(str(tmp_path / "pairs"))["train"][0]

    trained = build_examples({"task": "docstring", "data": str(tmp_path / "pairs"), "languages": ["python"],
                              "seed": 0}, "train", 1)[0]["prompt"]
    unit = next(u for u in parse_source(SOURCE, "python", "meter.py").units if u.name == "weighted_total")
    served = summary_input(unit)
    assert served == trained
    # The benchmark re-parses the mined code; that unit gives the same input again.
    assert summary_input(parse_source(row["code"], "python", "x.py").units[0]) == served

    assert unit.kind == "method" and "python function does" in served  # as every pair was trained
    assert len(row["code"]) > SUMMARY_CODE_CHARS and row["code"][:SUMMARY_CODE_CHARS] in served
    assert row["code"][: SUMMARY_CODE_CHARS + 1] not in served
    # Dedented as a whole, blank lines and the docstring dropped.
    assert "\ndef weighted_total(self, items):\n    total = 0\n    total +=" in served
    assert "\n\n    " not in served and "Add up" not in served
