"""The precision benchmark's bookkeeping: pinned sources, finding keys, seeded sampling, tallies."""

from __future__ import annotations

from benchmarks.precision.sample import SAMPLE_PER_CELL, draw, excerpt, load_verdicts, tally, verdict_key
from benchmarks.precision.sources import load_packages


def _finding(rule: str, language: str, line: int) -> dict:
    return {"rule": rule, "language": language, "path": f"pkg/m.{language}", "line": line,
            "message": f"parameter `p{line}` of `f` is missing from its documentation"}


def test_every_language_with_rules_has_five_pinned_packages() -> None:
    packages = load_packages()
    per_language = {}
    for package in packages:
        per_language[package.language] = per_language.get(package.language, 0) + 1
        assert package.kind in ("pypi", "npm", "deb") and package.paths
        assert any(ch.isdigit() for ch in package.spec), f"{package.name} is not pinned"
    for language in ("python", "javascript", "typescript", "java", "rust"):
        assert per_language.get(language, 0) >= 5, language


def test_the_sample_is_capped_per_cell_and_seeded() -> None:
    findings = [_finding("CA102", "python", n) for n in range(40)] + [_finding("CA101", "java", 1)]
    first, again, other = draw(findings, 0), draw(findings, 0), draw(findings, 1)
    assert first == again and first != other
    assert sum(f["rule"] == "CA102" for f in first) == SAMPLE_PER_CELL
    assert sum(f["rule"] == "CA101" for f in first) == 1


def test_tally_counts_verdicts_by_key() -> None:
    finding = _finding("CA102", "python", 3)
    key = verdict_key(finding)
    assert key == "CA102 pkg/m.python:3 p3/f"
    counts = tally([finding, _finding("CA102", "python", 4)], {key: ("FP", "why")})
    assert counts[("check", "CA102", "python")] == {"FP": 1, "unreviewed": 1}


def test_verdicts_file_reads_and_says_tp_or_fp() -> None:
    verdicts = load_verdicts()
    assert verdicts and {verdict for verdict, _ in verdicts.values()} <= {"TP", "FP"}


def test_excerpt_starts_at_the_documentation(tmp_path) -> None:
    source = tmp_path / "m.py"
    source.write_text('x = 1\n\n\ndef f(a):\n    """Do.\n\n    Args:\n        b: B.\n    """\n    return a\n')
    text = excerpt(source, 8)
    assert text.startswith("def f(a):") and "b: B." in text and "x = 1" not in text
