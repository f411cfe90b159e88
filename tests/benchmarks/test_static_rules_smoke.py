"""Smoke test of benchmarks/static_rules/: its docstring reader, mutations and hand verdicts.

No timing here; the benchmark itself prints the speed table. The end-to-end case runs the real
`codeassist` CLI once over a handful of tiny mutated files.
"""

from __future__ import annotations

import ast
import json
import random
from pathlib import Path

import pytest

from tests.benchmarks.conftest import load_benchmark


GOOGLE = '''def scale(value, factor=2):
    """Scale a value.

    Args:
        value: The input.
        factor: The multiplier.

    Returns:
        The scaled value.
    """
    if value is None:
        return 0
    return value * factor
'''
NUMPY = '''def clip(x, low, high):
    """Clip x.

    Parameters
    ----------
    x : float
        The value.
    low, high : float
        The bounds.
    """
    print(min(max(x, low), high))
'''
SPHINX = '''class Store:

    def put(self, key, *values):
        """Store values.

        :param key: Where.
        :param values: What.
        :returns: The number stored.
        """
        return len(values)
'''


@pytest.fixture(scope="module")
def doc_params():
    """The benchmark's docstring reader."""
    return load_benchmark("static_rules.doc_params")


@pytest.fixture(scope="module")
def targets():
    """The benchmark's choice of functions to mutate."""
    return load_benchmark("static_rules.targets")


@pytest.fixture(scope="module")
def mutations():
    """The benchmark's mutation generator."""
    return load_benchmark("static_rules.mutations")


def _signature_and_doc(module: str) -> tuple[list[str], tuple[str, ...]]:
    tree = ast.parse(module)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            in_class = isinstance(tree.body[0], ast.ClassDef)
            parsed = load_benchmark("static_rules.doc_params").documented_params(ast.get_docstring(node))
            signature = load_benchmark("static_rules.targets").signature_names(node, in_class=in_class)
            return signature, parsed.names
    raise AssertionError("no function")


@pytest.mark.parametrize(
    ("module", "style", "names", "returns"),
    [
        (GOOGLE, "google", ("value", "factor"), True),
        (NUMPY, "numpy", ("x", "low", "high"), False),
        (SPHINX, "sphinx", ("key", "values"), True),
    ],
)
def test_documented_params_reads_each_style(doc_params, module, style, names, returns):
    func = next(n for n in ast.walk(ast.parse(module)) if isinstance(n, ast.FunctionDef))
    assert doc_params.documented_params(ast.get_docstring(func)) == (style, names, returns)


def test_originals_qualify_and_match_their_docs(targets):
    for module in (GOOGLE, NUMPY, SPHINX):
        [target] = targets.find_targets(Path("m.py"), module, "m.py")
        signature, documented = _signature_and_doc(target.module)
        assert set(signature) == set(documented)


def test_mutations_break_the_signature_or_the_returns(mutations):
    kinds = mutations.mutants(GOOGLE, random.Random(0))
    assert set(kinds) == set(mutations.KINDS)
    for kind in ("rename", "remove", "add"):
        signature, documented = _signature_and_doc(kinds[kind])
        assert set(signature) != set(documented), kind
    assert "value_renamed" in kinds["rename"] or "factor_renamed" in kinds["rename"]
    dropped = ast.parse(kinds["drop_return"]).body[0]
    returns = [n for n in ast.walk(dropped) if isinstance(n, ast.Return)]
    assert returns and all(r.value is None for r in returns)


def test_no_drop_return_without_a_documented_value(mutations):
    assert "drop_return" not in mutations.mutants(NUMPY, random.Random(0))


def test_method_keeps_its_receiver_and_stars(mutations):
    kinds = mutations.mutants(SPHINX, random.Random(0))
    assert "def put(self, *values):" in kinds["remove"]  # only `key` can go, not self or *values
    assert "def put(self, key, *values, extra_option=None):" in kinds["add"]


def test_codeassist_flags_every_mutant_and_no_original(targets, mutations, tmp_path: Path, cli):
    expected = {}
    for number, module in enumerate((GOOGLE, NUMPY, SPHINX)):
        [target] = targets.find_targets(Path("m.py"), module, "m.py")
        cases = {"original": target.module, **mutations.mutants(target.module, random.Random(number))}
        for kind, text in cases.items():
            name = f"case{number}_{kind}.py"
            (tmp_path / name).write_text(text)
            expected[name] = kind != "original"
    done = cli("check", ".", "--select", "CA101,CA102,CA103", "--format", "json", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    flagged = {f["path"] for f in json.loads(done.stdout)["findings"]}
    assert {name for name, positive in expected.items() if positive} == flagged


def test_hand_verdicts_load_by_name_and_key_like_findings():
    precision = load_benchmark("static_rules.precision")
    verdicts = precision.load_verdicts()
    assert verdicts and {verdict for verdict, _ in verdicts.values()} <= {"TP", "FP"}
    assert all(reason for _, reason in verdicts.values())
    finding = {"rule": "CA102", "path": "stdlib/ipaddress.py", "line": 57,
               "message": "parameter `strict` of `ip_network` is missing from its documentation"}
    assert precision.verdict_key(finding) in verdicts


def test_unit_excerpt_runs_from_def_to_docstring_end(tmp_path: Path):
    precision = load_benchmark("static_rules.precision")
    path = tmp_path / "m.py"
    path.write_text(GOOGLE)
    excerpt = precision.unit_excerpt(path, 1)
    assert excerpt.startswith("def scale(value, factor=2):")
    assert excerpt.endswith('        The scaled value.\n    """')
